#include "widgets/kpitile.h"

#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

namespace mdsync::ui {

KpiTile::KpiTile(const QString& id, const QString& caption, QWidget* parent)
    : QFrame(parent)
    , m_id(id)
    , m_caption(new QLabel(caption, this))
    , m_value(new QLabel(QStringLiteral("–"), this))
    , m_detail(new QLabel(this))
    , m_accent(palette().color(QPalette::Highlight))
{
    setObjectName(QStringLiteral("kpi-") + id);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setMinimumWidth(150);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 8, 10, 8);
    layout->setSpacing(2);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    QFont vf = m_value->font();
    vf.setPointSizeF(vf.pointSizeF() * 1.7);
    vf.setBold(true);
    m_value->setFont(vf);
    m_value->setForegroundRole(QPalette::Text);
    m_detail->setForegroundRole(QPalette::Text);
    m_detail->setWordWrap(true);
    QFont df = m_detail->font();
    df.setPointSizeF(df.pointSizeF() * 0.9);
    m_detail->setFont(df);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
}

void KpiTile::setValue(const QVariant& raw, const QString& text, const QString& detail)
{
    m_raw = raw;
    m_value->setText(text);
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
}

QString KpiTile::valueText() const
{
    return m_value->text();
}

QString KpiTile::detailText() const
{
    return m_detail->text();
}

void KpiTile::setAccent(const QColor& color)
{
    m_accent = color;
    update();
}

void KpiTile::setClickable(bool clickable, const QString& hint)
{
    m_clickable = clickable;
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
    setFocusPolicy(clickable ? Qt::StrongFocus : Qt::NoFocus);
    setToolTip(hint);
}

void KpiTile::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_clickable && event->button() == Qt::LeftButton && rect().contains(event->position().toPoint())) {
        Q_EMIT clicked(m_id);
        return;
    }
    QFrame::mouseReleaseEvent(event);
}

void KpiTile::keyPressEvent(QKeyEvent* event)
{
    if (m_clickable
        && (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space)) {
        Q_EMIT clicked(m_id);
        return;
    }
    QFrame::keyPressEvent(event);
}

void KpiTile::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    p.fillRect(QRect(0, 0, 5, height()), m_accent);
    if (hasFocus()) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.drawRect(rect().adjusted(1, 1, -1, -1));
    }
}

} // namespace mdsync::ui
