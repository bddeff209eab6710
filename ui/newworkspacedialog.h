#pragma once

// "Create a workspace": where the workspace file goes and which landscape (systems, ownership,
// subscriptions) it starts from — the built-in example or a landscape file.

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace mdsync::ui {

class NewWorkspaceDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit NewWorkspaceDialog(QWidget* parent = nullptr);
    QString workspacePath() const;
    // Empty for the built-in landscape.
    QString landscapePath() const;
    void setWorkspacePath(const QString& path);
    void setLandscapePath(const QString& path);
    // Why the dialog cannot be accepted yet (empty when it can).
    QString problem() const;

private:
    void update();

    QLineEdit* m_path = nullptr;
    QRadioButton* m_builtin = nullptr;
    QRadioButton* m_fromFile = nullptr;
    QLineEdit* m_landscape = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace mdsync::ui
