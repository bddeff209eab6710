#include "widgets/statusstyle.h"

#include <QApplication>
#include <QCoreApplication>
#include <QPalette>

namespace mdsync::ui {

QIcon uiIcon(const QString& name)
{
    return QIcon(QStringLiteral(":/mdsync/ui/icons/%1.svg").arg(name));
}

StatusLook deliveryStatusLook(const QString& s)
{
    if (s == QLatin1String("acked"))
        return { QCoreApplication::translate("DeliveryStatus", "acked"), QColor(0x2e, 0x7d, 0x32),
            uiIcon(QStringLiteral("status-acked")) };
    if (s == QLatin1String("pending"))
        return { QCoreApplication::translate("DeliveryStatus", "pending"), QColor(0x60, 0x7d, 0x8b),
            uiIcon(QStringLiteral("status-pending")) };
    if (s == QLatin1String("in_flight"))
        return { QCoreApplication::translate("DeliveryStatus", "sending"), QColor(0x1e, 0x88, 0xe5),
            uiIcon(QStringLiteral("status-inflight")) };
    if (s == QLatin1String("held"))
        return { QCoreApplication::translate("DeliveryStatus", "held by dependency"), QColor(0x8e, 0x6b, 0xbf),
            uiIcon(QStringLiteral("status-held")) };
    if (s == QLatin1String("retry_wait"))
        return { QCoreApplication::translate("DeliveryStatus", "retrying"), QColor(0xef, 0x8f, 0x00),
            uiIcon(QStringLiteral("status-retrying")) };
    if (s == QLatin1String("blocked_by_outage"))
        return { QCoreApplication::translate("DeliveryStatus", "waiting: target down"), QColor(0x8d, 0x6e, 0x63),
            uiIcon(QStringLiteral("status-held")) };
    if (s == QLatin1String("failed"))
        return { QCoreApplication::translate("DeliveryStatus", "failed"), QColor(0xc6, 0x28, 0x28),
            uiIcon(QStringLiteral("status-failed")) };
    if (s == QLatin1String("superseded"))
        return { QCoreApplication::translate("DeliveryStatus", "superseded"), QColor(0x78, 0x90, 0x9c),
            uiIcon(QStringLiteral("status-superseded")) };
    if (s == QLatin1String("discarded"))
        return { QCoreApplication::translate("DeliveryStatus", "discarded"), QColor(0x78, 0x90, 0x9c),
            uiIcon(QStringLiteral("status-superseded")) };
    if (s == QLatin1String("not_subscribed") || s.isEmpty())
        return { QCoreApplication::translate("DeliveryStatus", "not subscribed"), QColor(0xb0, 0xbe, 0xc5),
            uiIcon(QStringLiteral("status-notsubscribed")) };
    return { s, QColor(0x60, 0x7d, 0x8b), uiIcon(QStringLiteral("status-pending")) };
}

StatusLook severityLook(const QString& s)
{
    if (s == QLatin1String("critical"))
        return { QCoreApplication::translate("Severity", "critical"), QColor(0xb7, 0x1c, 0x1c),
            uiIcon(QStringLiteral("status-failed")) };
    if (s == QLatin1String("high"))
        return { QCoreApplication::translate("Severity", "high"), QColor(0xe6, 0x51, 0x00),
            uiIcon(QStringLiteral("status-retrying")) };
    if (s == QLatin1String("error"))
        return { QCoreApplication::translate("Severity", "error"), QColor(0xc6, 0x28, 0x28),
            uiIcon(QStringLiteral("status-failed")) };
    if (s == QLatin1String("warning"))
        return { QCoreApplication::translate("Severity", "warning"), QColor(0xf9, 0xa8, 0x25),
            uiIcon(QStringLiteral("status-pending")) };
    if (s == QLatin1String("medium"))
        return { QCoreApplication::translate("Severity", "medium"), QColor(0xf9, 0xa8, 0x25),
            uiIcon(QStringLiteral("status-pending")) };
    return { s == QLatin1String("low") ? QCoreApplication::translate("Severity", "low") : s, QColor(0x60, 0x7d, 0x8b),
        uiIcon(QStringLiteral("status-pending")) };
}

QColor tinted(const QColor& c)
{
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    QColor t = c;
    t.setAlpha(dark ? 90 : 45);
    return t;
}

} // namespace mdsync::ui
