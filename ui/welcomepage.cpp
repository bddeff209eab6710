#include "welcomepage.h"

#include "store/workspaceuri.h"
#include "widgets/statusstyle.h"

#include <QCommandLinkButton>
#include <QDir>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace mdsync::ui {

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
{
    auto* title = new QLabel(tr("<h2>MDSync Control Tower</h2>"
                                "<p>Master data propagation, exceptions and audit across your plant systems.</p>"),
        this);
    title->setWordWrap(true);
    m_demo = new QCommandLinkButton(tr("Open the live demo"),
        tr("A demo workspace with simulated PLM, ERP, MES, WMS and other systems, live traffic and faults."), this);
    m_create = new QCommandLinkButton(tr("Create a workspace from a landscape file"),
        tr("Your systems, ownership and subscriptions from a landscape file (or the built-in example)."), this);
    m_open = new QCommandLinkButton(
        tr("Open an existing workspace"), tr("A workspace file (.mdsync) made here or by mdsyncctl init."), this);
    m_openShared = new QCommandLinkButton(tr("Open a shared workspace"),
        tr("Your team's workspace on a PostgreSQL server (its service sends the deliveries)."), this);
    m_openShared->setIcon(uiIcon(QStringLiteral("exceptions")));
    connect(m_openShared, &QCommandLinkButton::clicked, this, &WelcomePage::openSharedRequested);
    m_demo->setIcon(uiIcon(QStringLiteral("app")));
    m_create->setIcon(uiIcon(QStringLiteral("policies")));
    m_open->setIcon(uiIcon(QStringLiteral("matrix")));
    connect(m_demo, &QCommandLinkButton::clicked, this, &WelcomePage::demoRequested);
    connect(m_create, &QCommandLinkButton::clicked, this, &WelcomePage::createRequested);
    connect(m_open, &QCommandLinkButton::clicked, this, &WelcomePage::openRequested);

    m_recentLabel = new QLabel(tr("Recent workspaces"), this);
    m_recent = new QListWidget(this);
    m_recent->setMaximumHeight(160);
    connect(m_recent, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { Q_EMIT recentRequested(item->data(Qt::UserRole).toString()); });
    auto* hint = new QLabel(tr("Press %1 in any view for its help page.")
                                .arg(QKeySequence(QKeySequence::HelpContents).toString(QKeySequence::NativeText)),
        this);
    hint->setEnabled(false);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addSpacing(12);
    column->addWidget(m_demo);
    column->addWidget(m_create);
    column->addWidget(m_open);
    column->addWidget(m_openShared);
    column->addSpacing(12);
    column->addWidget(m_recentLabel);
    column->addWidget(m_recent);
    column->addWidget(hint);
    auto* centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addLayout(column, 3);
    centre->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(centre);
    layout->addStretch(2);
    setRecent({});
}

void WelcomePage::setRecent(const QStringList& paths)
{
    m_recent->clear();
    for (const QString& p : paths) {
        const bool shared = WorkspaceLocation::looksLikePostgres(p);
        auto* item = new QListWidgetItem(shared ? tr("%1 (shared)").arg(p) : QDir::toNativeSeparators(p), m_recent);
        item->setData(Qt::UserRole, p);
        item->setToolTip(tr("Double-click or press Enter to open."));
    }
    m_recentLabel->setVisible(!paths.isEmpty());
    m_recent->setVisible(!paths.isEmpty());
}

} // namespace mdsync::ui
