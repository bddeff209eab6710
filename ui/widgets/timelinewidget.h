#pragma once

// A lineage timeline: one swimlane per system (and one for MDSync itself) on a time axis; an event is a
// marker with its kind. Wheel zooms the time axis around the cursor (labels keep their size), dragging
// pans, clicking a marker selects the event.

#include <QGraphicsView>
#include <QString>

#include <vector>

namespace mdsync::ui {

struct TimelineEvent
{
    qint64 atMs = 0;
    QString lane; // system id, or empty for MDSync
    QString kind; // received, validated, merged, delivered, acked, failed, corrected, approved, replayed, ...
    QString label; // short text beside the marker
};

class TimelineWidget final : public QGraphicsView
{
    Q_OBJECT
public:
    explicit TimelineWidget(QWidget* parent = nullptr);

    void setEvents(std::vector<TimelineEvent> events);
    int eventCount() const { return static_cast<int>(m_events.size()); }
    QStringList lanes() const { return m_lanes; }
    // Horizontal zoom: pixels per second.
    double pixelsPerSecond() const { return m_pxPerSecond; }
    void setPixelsPerSecond(double pps);
    void zoomToFit();
    int selectedEvent() const { return m_selected; }
    void selectEvent(int index);

    static QColor kindColor(const QString& kind);

Q_SIGNALS:
    void eventSelected(int index);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuild();

    std::vector<TimelineEvent> m_events;
    QStringList m_lanes;
    qint64 m_t0 = 0, m_t1 = 0;
    double m_pxPerSecond = 1.0;
    int m_selected = -1;
    bool m_fitted = false;
};

} // namespace mdsync::ui
