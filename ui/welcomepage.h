#pragma once

// The first-run page, shown while no workspace is open: the three ways in (the live demo, a new workspace
// from a landscape file, an existing workspace) and the recently opened workspaces.

#include <QWidget>

class QCommandLinkButton;
class QLabel;
class QListWidget;

namespace mdsync::ui {

class WelcomePage final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    // Recent workspace files, newest first.
    void setRecent(const QStringList& paths);
    QCommandLinkButton* demoButton() const { return m_demo; }
    QCommandLinkButton* createButton() const { return m_create; }
    QCommandLinkButton* openButton() const { return m_open; }
    QCommandLinkButton* openSharedButton() const { return m_openShared; }
    QListWidget* recentList() const { return m_recent; }

Q_SIGNALS:
    void demoRequested();
    void createRequested();
    void openRequested();
    void openSharedRequested();
    void recentRequested(const QString& path);

private:
    QCommandLinkButton* m_demo = nullptr;
    QCommandLinkButton* m_create = nullptr;
    QCommandLinkButton* m_open = nullptr;
    QCommandLinkButton* m_openShared = nullptr;
    QLabel* m_recentLabel = nullptr;
    QListWidget* m_recent = nullptr;
};

} // namespace mdsync::ui
