#include "widgets/timelinewidget.h"

#include <QApplication>
#include <QDateTime>
#include <QFontMetricsF>
#include <QGraphicsEllipseItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLocale>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace mdsync::ui {

namespace {
constexpr double kLaneHeight = 44;
constexpr double kLaneLabelWidth = 110;
constexpr double kTop = 28;
constexpr int kEventIndexKey = 0;
} // namespace

TimelineWidget::TimelineWidget(QWidget* parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHint(QPainter::Antialiasing);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setMinimumHeight(160);
}

QColor TimelineWidget::kindColor(const QString& k)
{
    if (k == QLatin1String("acked"))
        return QColor(0x2e, 0x7d, 0x32);
    if (k.contains(QLatin1String("fail")) || k.contains(QLatin1String("reject")) || k == QLatin1String("exception"))
        return QColor(0xc6, 0x28, 0x28);
    if (k.startsWith(QLatin1String("deliver")) || k == QLatin1String("sent"))
        return QColor(0x1e, 0x88, 0xe5);
    if (k.contains(QLatin1String("retry")))
        return QColor(0xef, 0x8f, 0x00);
    if (k.contains(QLatin1String("correct")))
        return QColor(0x8e, 0x24, 0xaa);
    if (k.contains(QLatin1String("approv")))
        return QColor(0x00, 0x89, 0x7b);
    if (k.contains(QLatin1String("replay")))
        return QColor(0xf5, 0x7c, 0x00);
    if (k.contains(QLatin1String("held")) || k.contains(QLatin1String("supersed")))
        return QColor(0x8e, 0x6b, 0xbf);
    return QColor(0x60, 0x7d, 0x8b);
}

void TimelineWidget::setEvents(std::vector<TimelineEvent> events)
{
    m_events = std::move(events);
    std::stable_sort(m_events.begin(), m_events.end(), [](const auto& a, const auto& b) { return a.atMs < b.atMs; });
    m_lanes.clear();
    m_lanes << tr("MDSync");
    for (const auto& e : m_events)
        if (!e.lane.isEmpty() && !m_lanes.contains(e.lane))
            m_lanes << e.lane;
    m_t0 = m_events.empty() ? 0 : m_events.front().atMs;
    m_t1 = m_events.empty() ? 0 : m_events.back().atMs;
    m_selected = -1;
    m_fitted = false;
    zoomToFit();
}

void TimelineWidget::zoomToFit()
{
    const double seconds = std::max(1.0, (m_t1 - m_t0) / 1000.0);
    const double width = std::max(200.0, viewport()->width() - kLaneLabelWidth - 60);
    m_pxPerSecond = width / seconds;
    m_fitted = true;
    rebuild();
}

void TimelineWidget::setPixelsPerSecond(double pps)
{
    m_pxPerSecond = std::clamp(pps, 1e-6, 2000.0);
    m_fitted = false;
    rebuild();
}

void TimelineWidget::selectEvent(int index)
{
    if (index < 0 || index >= eventCount())
        return;
    m_selected = index;
    rebuild();
    Q_EMIT eventSelected(index);
}

void TimelineWidget::rebuild()
{
    QGraphicsScene* s = scene();
    s->clear();
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = pal.color(QPalette::Mid);
    const double width = kLaneLabelWidth + std::max(1.0, (m_t1 - m_t0) / 1000.0) * m_pxPerSecond + 80;
    const double height = kTop + m_lanes.size() * kLaneHeight;
    for (int i = 0; i < m_lanes.size(); ++i) {
        const double y = kTop + i * kLaneHeight;
        if (i % 2 == 1)
            s->addRect(0, y, width, kLaneHeight, Qt::NoPen, pal.color(QPalette::AlternateBase));
        auto* label = s->addSimpleText(m_lanes[i]);
        label->setBrush(text);
        label->setPos(6, y + kLaneHeight / 2 - 8);
        s->addLine(kLaneLabelWidth, y + kLaneHeight / 2, width, y + kLaneHeight / 2, QPen(grid, 0));
    }
    // Time axis: about one tick per 120 px.
    if (!m_events.empty()) {
        const double secondsPerTick = 120.0 / m_pxPerSecond;
        const int ticks = static_cast<int>(std::min(200.0, std::ceil((m_t1 - m_t0) / 1000.0 / secondsPerTick))) + 1;
        for (int t = 0; t <= ticks; ++t) {
            const qint64 at = m_t0 + static_cast<qint64>(t * secondsPerTick * 1000);
            const double x = kLaneLabelWidth + (at - m_t0) / 1000.0 * m_pxPerSecond;
            s->addLine(x, kTop - 4, x, height, QPen(grid, 0, Qt::DotLine));
            const QDateTime dt = QDateTime::fromMSecsSinceEpoch(at).toLocalTime();
            const QString format = secondsPerTick < 1 ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss");
            auto* tick = s->addSimpleText(
                secondsPerTick < 60 ? dt.toString(format) : QLocale().toString(dt, QLocale::ShortFormat));
            tick->setBrush(text);
            tick->setPos(x + 2, 4);
        }
    }
    // Events; close markers on one lane are staggered vertically so that they stay clickable. A marker's label
    // goes above it, else below it, where it does not run into the previous label there; else it is left out
    // (the tooltip and the detail pane still say what the event is).
    std::vector<double> lastX(static_cast<size_t>(m_lanes.size()), -1e9);
    std::vector<int> stagger(static_cast<size_t>(m_lanes.size()), 0);
    std::vector<std::array<double, 2>> labelRight(static_cast<size_t>(m_lanes.size()), { -1e9, -1e9 });
    QFont labelFont = font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.85);
    const QFontMetricsF labelMetrics(labelFont);
    for (int i = 0; i < eventCount(); ++i) {
        const TimelineEvent& e = m_events[static_cast<size_t>(i)];
        const int lane = e.lane.isEmpty() ? 0 : static_cast<int>(m_lanes.indexOf(e.lane));
        const double x = kLaneLabelWidth + (e.atMs - m_t0) / 1000.0 * m_pxPerSecond;
        auto& sx = stagger[static_cast<size_t>(lane)];
        sx = x - lastX[static_cast<size_t>(lane)] < 14 ? (sx + 1) % 3 : 0;
        lastX[static_cast<size_t>(lane)] = x;
        const double y = kTop + lane * kLaneHeight + kLaneHeight / 2 + (sx - 1) * 9;
        const bool selected = i == m_selected;
        const double r = selected ? 7 : 5;
        auto* dot = s->addEllipse(
            x - r, y - r, 2 * r, 2 * r, QPen(selected ? text : kindColor(e.kind), selected ? 2 : 1), kindColor(e.kind));
        dot->setData(kEventIndexKey, i);
        dot->setToolTip(
            QStringLiteral("%1 — %2\n%3")
                .arg(e.kind,
                    QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.atMs).toLocalTime(), QLocale::LongFormat),
                    e.label));
        if (eventCount() <= 60 || selected || m_pxPerSecond > 2) {
            auto& rights = labelRight[static_cast<size_t>(lane)];
            const double left = x + 7;
            int row = left >= rights[0] + 4 ? 0 : left >= rights[1] + 4 ? 1 : selected ? 0 : -1;
            if (row >= 0) {
                rights[static_cast<size_t>(row)] = left + labelMetrics.horizontalAdvance(e.kind);
                auto* label = s->addSimpleText(e.kind, labelFont);
                label->setBrush(text);
                label->setPos(left, row == 0 ? y - 16 : y + 3);
                label->setData(kEventIndexKey, i);
            }
        }
    }
    s->setSceneRect(0, 0, width, height + 8);
}

void TimelineWidget::wheelEvent(QWheelEvent* event)
{
    if (m_events.empty())
        return QGraphicsView::wheelEvent(event);
    const double factor = std::pow(1.0015, event->angleDelta().y());
    const QPointF scenePos = mapToScene(event->position().toPoint());
    const double atSeconds = (scenePos.x() - kLaneLabelWidth) / m_pxPerSecond;
    setPixelsPerSecond(m_pxPerSecond * factor);
    // Keep the time under the cursor in place.
    const double newX = kLaneLabelWidth + atSeconds * m_pxPerSecond;
    horizontalScrollBar()->setValue(static_cast<int>(newX - event->position().x()));
    event->accept();
}

void TimelineWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        for (QGraphicsItem* item : items(event->position().toPoint())) {
            const QVariant index = item->data(kEventIndexKey);
            if (index.isValid()) {
                selectEvent(index.toInt());
                return;
            }
        }
    }
    QGraphicsView::mousePressEvent(event);
}

void TimelineWidget::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitted)
        zoomToFit();
}

} // namespace mdsync::ui
