#pragma once

// A dashboard KPI tile: a caption, a large value, a detail line and an accent bar. The tile keeps the raw
// value it shows (for tests and tooltips) and emits clicked() when it leads somewhere (setClickable).

#include <QColor>
#include <QFrame>
#include <QVariant>

class QLabel;

namespace mdsync::ui {

class KpiTile final : public QFrame
{
    Q_OBJECT
public:
    explicit KpiTile(const QString& id, const QString& caption, QWidget* parent = nullptr);

    const QString& id() const { return m_id; }
    // Shows `text` for the raw value `raw` (a number, or invalid when there is no data), with a detail line.
    void setValue(const QVariant& raw, const QString& text, const QString& detail = {});
    const QVariant& rawValue() const { return m_raw; }
    QString valueText() const;
    QString detailText() const;
    void setAccent(const QColor& color);
    void setClickable(bool clickable, const QString& hint = {});
    bool isClickable() const { return m_clickable; }

Q_SIGNALS:
    void clicked(const QString& id);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_id;
    QVariant m_raw;
    QLabel* m_caption;
    QLabel* m_value;
    QLabel* m_detail;
    QColor m_accent;
    bool m_clickable = false;
};

} // namespace mdsync::ui
