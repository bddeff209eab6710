#pragma once

// How statuses and severities look everywhere in the GUI: a translated label, an icon (SVG, so sharp on
// high-DPI screens) and a colour, so that nothing is told by colour alone.

#include <QColor>
#include <QIcon>
#include <QString>

namespace mdsync::ui {

struct StatusLook
{
    QString label; // translated, e.g. "acked", "retrying"
    QColor color; // foreground accent; use tinted(color) for a cell background
    QIcon icon;
};

// Delivery status of a revision at a target (object_target.status / delivery.status), plus "not_subscribed".
StatusLook deliveryStatusLook(const QString& status);
// Exception severity: critical, high, medium, low.
StatusLook severityLook(const QString& severity);
// A background tint of `c` that keeps text readable on the current palette (light or dark).
QColor tinted(const QColor& c);
// An icon of the GUI's resources (an rcc object library linked into each executable) by name ("dashboard", "matrix",
// ...).
QIcon uiIcon(const QString& name);

} // namespace mdsync::ui
