#include "sharedworkspacedialog.h"

#include "store/workspace.h"
#include "store/workspaceuri.h"
#include "util/handover.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

const QString kRecentKey = QStringLiteral("workspace/sharedRecent");
constexpr int kMaxRecent = 8;

} // namespace

SharedWorkspaceDialog::SharedWorkspaceDialog(QWidget* parent)
    : QDialog(parent)
    , m_calls(new CallReceiver(this))
{
    setWindowTitle(tr("Open shared workspace"));
    m_pool.setMaxThreadCount(1);

    m_recent = new QComboBox(this);
    m_recent->addItem(tr("(new connection)"), QString());
    for (const QString& r : recent())
        m_recent->addItem(r, r);
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        const QString location = m_recent->itemData(index).toString();
        if (!location.isEmpty())
            setLocation(location);
    });

    m_host = new QLineEdit(this);
    m_host->setPlaceholderText(tr("db.plant.example (empty: the local socket or PGHOST)"));
    m_port = new QSpinBox(this);
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_database = new QLineEdit(this);
    m_database->setPlaceholderText(QStringLiteral("mdsync"));
    m_user = new QLineEdit(this);
    m_user->setPlaceholderText(tr("your database login (empty: PGUSER or your OS login)"));
    m_service = new QLineEdit(this);
    m_service->setPlaceholderText(tr("a name in ~/.pg_service.conf; replaces the fields above"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Recent:"), m_recent);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Database:"), m_database);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("or &service:"), m_service);

    auto* note = new QLabel(tr("There is no password field: the password comes from ~/.pgpass (or the file PGPASSFILE "
                               "names) or from the service file, or the server authenticates you without one "
                               "(Kerberos, peer). Saving passwords in the desktop keyring is not supported yet."),
        this);
    note->setWordWrap(true);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_test = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_open->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &SharedWorkspaceDialog::testConnection);
    for (QLineEdit* e : { m_host, m_database, m_user, m_service })
        connect(e, &QLineEdit::textChanged, this, &SharedWorkspaceDialog::updateButtons);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    setMinimumWidth(560);
    m_database->setFocus();
    updateButtons();
}

SharedWorkspaceDialog::~SharedWorkspaceDialog()
{
    m_pool.waitForDone();
}

QString SharedWorkspaceDialog::location() const
{
    const QString service = m_service->text().trimmed();
    if (!service.isEmpty())
        return QStringLiteral("service=") + service;
    const QString database = m_database->text().trimmed();
    if (database.isEmpty())
        return {};
    auto enc = [](const QString& s) { return QString::fromLatin1(QUrl::toPercentEncoding(s)); };
    QString text = QStringLiteral("postgresql://");
    const QString user = m_user->text().trimmed();
    if (!user.isEmpty())
        text += enc(user) + QLatin1Char('@');
    const QString host = m_host->text().trimmed();
    if (!host.isEmpty()) {
        text += enc(host);
        if (m_port->value() != 5432)
            text += QLatin1Char(':') + QString::number(m_port->value());
    }
    return text + QLatin1Char('/') + enc(database);
}

void SharedWorkspaceDialog::setLocation(const QString& text)
{
    auto parsed = WorkspaceLocation::parse(text);
    if (!parsed || !parsed->isPostgres())
        return;
    m_service->setText(parsed->param(QStringLiteral("service")));
    m_host->setText(parsed->param(QStringLiteral("host")));
    const QString port = parsed->param(QStringLiteral("port"));
    m_port->setValue(port.isEmpty() ? 5432 : port.toInt());
    m_database->setText(parsed->param(QStringLiteral("dbname")));
    m_user->setText(parsed->param(QStringLiteral("user")));
}

QStringList SharedWorkspaceDialog::recent()
{
    return QSettings().value(kRecentKey).toStringList();
}

void SharedWorkspaceDialog::remember(const QString& location)
{
    // Only what display() shows: a location never holds a password (parse refuses one), but be sure.
    auto parsed = WorkspaceLocation::parse(location);
    if (!parsed || !parsed->isPostgres())
        return;
    const QString shown = parsed->display();
    QStringList list = recent();
    list.removeAll(shown);
    list.prepend(shown);
    while (list.size() > kMaxRecent)
        list.removeLast();
    QSettings().setValue(kRecentKey, list);
}

void SharedWorkspaceDialog::updateButtons()
{
    const bool complete = !location().isEmpty();
    m_test->setEnabled(complete);
    m_open->setEnabled(complete);
    const bool byService = !m_service->text().trimmed().isEmpty();
    for (QWidget* w : std::initializer_list<QWidget*> { m_host, m_port, m_database, m_user })
        w->setEnabled(!byService);
}

void SharedWorkspaceDialog::testConnection()
{
    const QString text = location();
    if (text.isEmpty())
        return;
    auto parsed = WorkspaceLocation::parse(text);
    if (!parsed) {
        m_result->setText(parsed.error());
        Q_EMIT tested(false, parsed.error());
        return;
    }
    const quint64 generation = ++m_testGeneration;
    m_result->setText(tr("Connecting to %1…").arg(parsed->display()));
    m_test->setEnabled(false);
    CallReceiver* calls = m_calls;
    startOnPool(m_pool, [this, calls, text, generation] {
        // A read-only open checks the whole way: the server, the login, the database, that it is an MDSync
        // workspace of this program's schema version.
        QString message;
        bool ok = false;
        {
            auto ws = Workspace::open(text, Workspace::Mode::ReadOnly);
            if (!ws) {
                message = ws.error();
            } else {
                auto login = ws.value()->sessionUser();
                ok = login.ok();
                message = ok ? tr("Connected to %1 as %2: an MDSync workspace (schema version %3).")
                                   .arg(ws.value()->path(), login.value())
                                   .arg(ws.value()->schemaVersion())
                             : login.error();
            }
        }
        // The dialog waits for this task in its destructor, so `calls` (its child) is still there.
        calls->post([this, ok, message, generation] {
            if (generation != m_testGeneration)
                return;
            m_result->setText(message);
            updateButtons();
            Q_EMIT tested(ok, message);
        });
    });
}

} // namespace mdsync::ui
