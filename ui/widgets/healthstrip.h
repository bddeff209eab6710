#pragma once

// The dashboard's system health strip: one card per system with its state (up, slow, down, paused, idle) as
// icon, text and colour, its backlog and its last ack. Clicking a card emits systemClicked(id).

#include "util/timeutil.h"

#include <QString>
#include <QWidget>

#include <vector>

class QGridLayout;

namespace mdsync::ui {

struct SystemHealth
{
    enum class State { Up, Slow, Down, Paused, Idle };
    QString id;
    QString name;
    QString kind;
    State state = State::Idle;
    qint64 backlog = 0;
    TimeMs lastAckMs = 0; // 0 = never (in the metric window)
    QString reason; // why the state was chosen (tooltip)
    TimeMs downSinceMs = 0; // the target's circuit is open since then (0 = closed)
    qint64 waiting = 0; // deliveries waiting for it to close
};

class HealthStrip final : public QWidget
{
    Q_OBJECT
public:
    explicit HealthStrip(QWidget* parent = nullptr);
    void setSystems(const std::vector<SystemHealth>& systems, TimeMs now);
    const std::vector<SystemHealth>& systems() const { return m_systems; }
    static QString stateLabel(SystemHealth::State s);
    static constexpr int kColumns = 5;

Q_SIGNALS:
    void systemClicked(const QString& id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QGridLayout* m_layout;
    std::vector<SystemHealth> m_systems;
};

} // namespace mdsync::ui
