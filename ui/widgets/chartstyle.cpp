#include "widgets/chartstyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QPalette>
#include <QWidget>

namespace mdsync::ui {

QChartView* makeChartView(const QString& title, QWidget* parent)
{
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->setBackgroundRoundness(0);
    chart->setLocalizeNumbers(true); // axis labels follow QLocale() (decimal comma in de/fr)
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(230);
    styleChart(chart, parent);
    return view;
}

void styleChart(QChart* chart, const QWidget* reference)
{
    const QPalette pal = reference ? reference->palette() : QPalette();
    const QColor text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(110);
    chart->setBackgroundBrush(base);
    chart->setBackgroundPen(QPen(pal.color(QPalette::Mid)));
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    QFont tf = chart->titleFont();
    tf.setBold(true);
    chart->setTitleFont(tf);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(pal.color(QPalette::Mid));
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
    }
}

void clearChart(QChart* chart)
{
    chart->removeAllSeries();
    const auto axes = chart->axes();
    for (QAbstractAxis* axis : axes) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QColor seriesColor(int n)
{
    static const QColor colors[] = { QColor(0x1e, 0x88, 0xe5), QColor(0x43, 0xa0, 0x47), QColor(0xfb, 0x8c, 0x00),
        QColor(0x8e, 0x24, 0xaa), QColor(0x00, 0xac, 0xc1), QColor(0xe5, 0x39, 0x35), QColor(0x7c, 0xb3, 0x42),
        QColor(0x5c, 0x6b, 0xc0), QColor(0xd8, 0x1b, 0x60), QColor(0x6d, 0x4c, 0x41) };
    return colors[static_cast<unsigned>(n) % (sizeof(colors) / sizeof(colors[0]))];
}

} // namespace mdsync::ui
