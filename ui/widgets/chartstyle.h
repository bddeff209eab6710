#pragma once

// Qt Charts in the palette of the application (light or dark): background, title, legend, axis labels and
// grid take the palette's colours; series colours come from seriesColor() (readable on both).

#include <QColor>

class QChart;
class QChartView;
class QWidget;

namespace mdsync::ui {

// A chart view with a fresh chart styled for the palette of `parent`.
QChartView* makeChartView(const QString& title, QWidget* parent);
// Applies the palette to the chart and all its axes (call again after adding axes).
void styleChart(QChart* chart, const QWidget* reference);
// Removes all series and axes of a chart (before it is filled again).
void clearChart(QChart* chart);
// The n-th colour of the dashboard's series palette.
QColor seriesColor(int n);

} // namespace mdsync::ui
