#include "widgets/healthstrip.h"

#include "widgets/statusstyle.h"

#include <QDateTime>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>

namespace mdsync::ui {

namespace {

QString healthStripAge(TimeMs now, TimeMs then)
{
    if (then <= 0)
        return HealthStrip::tr("no ack in the last hour");
    const qint64 s = std::max<qint64>(0, (now - then) / 1000);
    if (s < 60)
        return HealthStrip::tr("last ack within the last minute");
    if (s < 90)
        return HealthStrip::tr("last ack %1 s ago").arg(s);
    if (s < 90 * 60)
        return HealthStrip::tr("last ack %1 min ago").arg(s / 60);
    return HealthStrip::tr("last ack %1 h ago").arg(s / 3600);
}

StatusLook healthStripLook(SystemHealth::State s)
{
    switch (s) {
    case SystemHealth::State::Up:
        return { HealthStrip::stateLabel(s), QColor(0x2e, 0x7d, 0x32), uiIcon(QStringLiteral("status-acked")) };
    case SystemHealth::State::Slow:
        return { HealthStrip::stateLabel(s), QColor(0xef, 0x8f, 0x00), uiIcon(QStringLiteral("status-retrying")) };
    case SystemHealth::State::Down:
        return { HealthStrip::stateLabel(s), QColor(0xc6, 0x28, 0x28), uiIcon(QStringLiteral("status-failed")) };
    case SystemHealth::State::Paused:
        return { HealthStrip::stateLabel(s), QColor(0x8e, 0x6b, 0xbf), uiIcon(QStringLiteral("status-held")) };
    case SystemHealth::State::Idle:
        break;
    }
    return { HealthStrip::stateLabel(s), QColor(0x60, 0x7d, 0x8b), uiIcon(QStringLiteral("status-pending")) };
}

} // namespace

HealthStrip::HealthStrip(QWidget* parent)
    : QWidget(parent)
    , m_layout(new QGridLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    for (int c = 0; c < kColumns; ++c)
        m_layout->setColumnStretch(c, 1);
}

QString HealthStrip::stateLabel(SystemHealth::State s)
{
    switch (s) {
    case SystemHealth::State::Up:
        return tr("up");
    case SystemHealth::State::Slow:
        return tr("slow");
    case SystemHealth::State::Down:
        return tr("down");
    case SystemHealth::State::Paused:
        return tr("paused");
    case SystemHealth::State::Idle:
        break;
    }
    return tr("idle");
}

void HealthStrip::setSystems(const std::vector<SystemHealth>& systems, TimeMs now)
{
    m_systems = systems;
    while (QLayoutItem* item = m_layout->takeAt(0)) {
        if (QWidget* w = item->widget())
            w->deleteLater();
        delete item;
    }
    int index = 0;
    for (const SystemHealth& s : systems) {
        const StatusLook look = healthStripLook(s.state);
        auto* card = new QFrame(this);
        card->setObjectName(QStringLiteral("health-") + s.id);
        card->setProperty("systemId", s.id);
        card->setFrameShape(QFrame::StyledPanel);
        card->setAutoFillBackground(true);
        QPalette pal = card->palette();
        pal.setColor(QPalette::Window, tinted(look.color));
        card->setPalette(pal);
        card->setCursor(Qt::PointingHandCursor);
        card->setToolTip(QStringLiteral("%1 (%2): %3 — %4").arg(s.name, s.kind, look.label, s.reason));
        card->installEventFilter(this);
        auto* grid = new QGridLayout(card);
        grid->setContentsMargins(6, 4, 6, 4);
        grid->setHorizontalSpacing(4);
        grid->setVerticalSpacing(0);
        auto* icon = new QLabel(card);
        icon->setPixmap(look.icon.pixmap(16, 16));
        auto* name = new QLabel(QStringLiteral("<b>%1</b>").arg(s.id.toHtmlEscaped()), card);
        auto* state = new QLabel(look.label, card);
        // A target that is down says since when and how much waits for it, where the others show their backlog.
        QString line = tr("backlog %1").arg(s.backlog);
        if (s.downSinceMs > 0) {
            const QDateTime since = QDateTime::fromMSecsSinceEpoch(s.downSinceMs);
            line
                = tr("down since %1, %L2 waiting")
                      .arg(since.date() == QDate::currentDate() ? QLocale().toString(since.time(), QLocale::ShortFormat)
                                                                : QLocale().toString(since, QLocale::ShortFormat))
                      .arg(s.waiting);
        }
        auto* backlog = new QLabel(line, card);
        backlog->setObjectName(QStringLiteral("backlog"));
        auto* ack = new QLabel(healthStripAge(now, s.lastAckMs), card);
        for (QLabel* l : { icon, name, state, backlog, ack })
            l->setAttribute(Qt::WA_TransparentForMouseEvents);
        grid->addWidget(icon, 0, 0);
        grid->addWidget(name, 0, 1);
        grid->addWidget(state, 0, 2, Qt::AlignRight);
        grid->addWidget(backlog, 1, 0, 1, 3);
        grid->addWidget(ack, 2, 0, 1, 3);
        m_layout->addWidget(card, index / kColumns, index % kColumns);
        ++index;
    }
}

bool HealthStrip::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        auto* me = static_cast<QMouseEvent*>(event);
        if (me->button() == Qt::LeftButton) {
            const QString id = watched->property("systemId").toString();
            if (!id.isEmpty()) {
                Q_EMIT systemClicked(id);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace mdsync::ui
