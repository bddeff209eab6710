#include "newworkspacedialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace mdsync::ui {

NewWorkspaceDialog::NewWorkspaceDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Create a workspace"));
    m_path = new QLineEdit(this);
    m_path->setPlaceholderText(tr("plant.mdsync"));
    auto* browsePath = new QPushButton(tr("Browse…"), this);
    connect(browsePath, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(
            this, tr("Workspace file"), m_path->text(), tr("MDSync workspaces (*.mdsync)"));
        if (!p.isEmpty())
            setWorkspacePath(p.endsWith(QLatin1String(".mdsync")) ? p : p + QStringLiteral(".mdsync"));
    });
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browsePath);

    m_builtin = new QRadioButton(tr("The built-in example landscape"), this);
    m_fromFile = new QRadioButton(tr("A landscape file:"), this);
    m_builtin->setChecked(true);
    m_landscape = new QLineEdit(this);
    m_landscape->setPlaceholderText(tr("landscape.json"));
    auto* browseLandscape = new QPushButton(tr("Browse…"), this);
    connect(browseLandscape, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(
            this, tr("Landscape file"), m_landscape->text(), tr("Landscape (*.json);;All files (*)"));
        if (!p.isEmpty())
            setLandscapePath(p);
    });
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fromFile);
    fileRow->addWidget(m_landscape, 1);
    fileRow->addWidget(browseLandscape);

    auto* note = new QLabel(tr("The landscape lists your systems, which system owns each attribute group and which"
                               " systems subscribe to which objects; LANDSCAPE.md in the documentation describes"
                               " the file."),
        this);
    note->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(tr("Workspace file:"), pathRow);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Start from:"), this));
    layout->addWidget(m_builtin);
    layout->addLayout(fileRow);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_path, &QLineEdit::textChanged, this, &NewWorkspaceDialog::update);
    connect(m_landscape, &QLineEdit::textChanged, this, [this] {
        if (!m_landscape->text().isEmpty())
            m_fromFile->setChecked(true);
        update();
    });
    connect(m_builtin, &QRadioButton::toggled, this, &NewWorkspaceDialog::update);
    resize(560, sizeHint().height());
    update();
}

QString NewWorkspaceDialog::workspacePath() const
{
    return m_path->text().trimmed();
}

QString NewWorkspaceDialog::landscapePath() const
{
    return m_fromFile->isChecked() ? m_landscape->text().trimmed() : QString();
}

void NewWorkspaceDialog::setWorkspacePath(const QString& path)
{
    m_path->setText(QDir::toNativeSeparators(path));
}

void NewWorkspaceDialog::setLandscapePath(const QString& path)
{
    m_landscape->setText(QDir::toNativeSeparators(path));
    m_fromFile->setChecked(true);
}

QString NewWorkspaceDialog::problem() const
{
    if (workspacePath().isEmpty())
        return tr("Choose where the workspace file goes.");
    if (m_fromFile->isChecked() && landscapePath().isEmpty())
        return tr("Choose a landscape file, or start from the built-in example.");
    return {};
}

void NewWorkspaceDialog::update()
{
    const QString p = problem();
    m_problem->setText(p);
    m_problem->setVisible(!p.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace mdsync::ui
