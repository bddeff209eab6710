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
    auto tr = [](const char* text) { return QCoreApplication::translate("DeliveryStatus", text); };
    if (s == QLatin1String("acked"))
        return { tr("acked"), QColor(0x2e, 0x7d, 0x32), uiIcon(QStringLiteral("status-acked")) };
    if (s == QLatin1String("pending"))
        return { tr("pending"), QColor(0x60, 0x7d, 0x8b), uiIcon(QStringLiteral("status-pending")) };
    if (s == QLatin1String("in_flight"))
        return { tr("sending"), QColor(0x1e, 0x88, 0xe5), uiIcon(QStringLiteral("status-inflight")) };
    if (s == QLatin1String("held"))
        return { tr("held by dependency"), QColor(0x8e, 0x6b, 0xbf), uiIcon(QStringLiteral("status-held")) };
    if (s == QLatin1String("retry_wait"))
        return { tr("retrying"), QColor(0xef, 0x8f, 0x00), uiIcon(QStringLiteral("status-retrying")) };
    if (s == QLatin1String("failed"))
        return { tr("failed"), QColor(0xc6, 0x28, 0x28), uiIcon(QStringLiteral("status-failed")) };
    if (s == QLatin1String("superseded"))
        return { tr("superseded"), QColor(0x78, 0x90, 0x9c), uiIcon(QStringLiteral("status-superseded")) };
    if (s == QLatin1String("discarded"))
        return { tr("discarded"), QColor(0x78, 0x90, 0x9c), uiIcon(QStringLiteral("status-superseded")) };
    if (s == QLatin1String("not_subscribed") || s.isEmpty())
        return { tr("not subscribed"), QColor(0xb0, 0xbe, 0xc5), uiIcon(QStringLiteral("status-notsubscribed")) };
    return { s, QColor(0x60, 0x7d, 0x8b), uiIcon(QStringLiteral("status-pending")) };
}

StatusLook severityLook(const QString& s)
{
    auto tr = [](const char* text) { return QCoreApplication::translate("Severity", text); };
    if (s == QLatin1String("critical"))
        return { tr("critical"), QColor(0xb7, 0x1c, 0x1c), uiIcon(QStringLiteral("status-failed")) };
    if (s == QLatin1String("high"))
        return { tr("high"), QColor(0xe6, 0x51, 0x00), uiIcon(QStringLiteral("status-retrying")) };
    if (s == QLatin1String("medium"))
        return { tr("medium"), QColor(0xf9, 0xa8, 0x25), uiIcon(QStringLiteral("status-pending")) };
    return { s == QLatin1String("low") ? tr("low") : s, QColor(0x60, 0x7d, 0x8b),
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
