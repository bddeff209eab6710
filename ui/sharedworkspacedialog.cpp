#include "sharedworkspacedialog.h"

#include "keyring.h"
#include "store/workspace.h"
#include "store/workspaceuri.h"
#include "util/handover.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
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
    , m_keyring(new Keyring(this))
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
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("optional: empty for ~/.pgpass or the service file"));
    m_save = new QCheckBox(tr("Sa&ve password in the desktop keyring"), this);
    m_forget = new QPushButton(tr("&Forget saved password"), this);
    m_forget->setEnabled(false);
    connect(m_forget, &QPushButton::clicked, this, &SharedWorkspaceDialog::forgetPassword);
    auto* keyringRow = new QHBoxLayout;
    keyringRow->addWidget(m_save, 1);
    keyringRow->addWidget(m_forget);

    auto* form = new QFormLayout;
    form->addRow(tr("&Recent:"), m_recent);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Database:"), m_database);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("or &service:"), m_service);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(QString(), keyringRow);

    auto* note = new QLabel(tr("The password is the one typed above (kept in memory for this session only), or the "
                               "one saved in the desktop keyring for this connection, or libpq reads it from "
                               "~/.pgpass (or the file PGPASSFILE names) or the service file, or the server "
                               "authenticates you without one (Kerberos, peer). It is never written to the "
                               "settings or shown."),
        this);
    note->setWordWrap(true);
    m_keyringNote = new QLabel(this);
    m_keyringNote->setWordWrap(true);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_test = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_open->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &SharedWorkspaceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &SharedWorkspaceDialog::testConnection);
    for (QLineEdit* e : { m_host, m_database, m_user, m_service })
        connect(e, &QLineEdit::textChanged, this, &SharedWorkspaceDialog::updateButtons);
    // A connection typed in: look its password up once the typing pauses.
    auto* lookupTimer = new QTimer(this);
    lookupTimer->setSingleShot(true);
    lookupTimer->setInterval(600);
    connect(lookupTimer, &QTimer::timeout, this, &SharedWorkspaceDialog::lookupKeyring);
    for (QLineEdit* e : { m_host, m_database, m_user, m_service })
        connect(e, &QLineEdit::textEdited, lookupTimer, qOverload<>(&QTimer::start));
    connect(m_port, &QSpinBox::valueChanged, lookupTimer, qOverload<>(&QTimer::start));
    connect(m_password, &QLineEdit::textChanged, this, &SharedWorkspaceDialog::updateButtons);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_keyringNote);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    setMinimumWidth(560);
    m_database->setFocus();
    updateButtons();
}

SharedWorkspaceDialog::~SharedWorkspaceDialog()
{
    delete m_keyring; // cancels its calls in flight and waits for them; their replies are dropped
    m_keyring = nullptr;
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
    lookupKeyring();
}

bool SharedWorkspaceDialog::keyringPasswordApplies() const
{
    return !m_keyringPassword.isEmpty() && m_keyringFor == location();
}

QString SharedWorkspaceDialog::password() const
{
    if (!m_password->text().isEmpty())
        return m_password->text();
    return keyringPasswordApplies() ? m_keyringPassword : QString();
}

void SharedWorkspaceDialog::showKeyring(bool ok, const QString& message)
{
    m_keyringNote->setText(message);
    updateButtons();
    Q_EMIT keyringReplied(ok, message);
}

void SharedWorkspaceDialog::lookupKeyring()
{
    const QString text = location();
    auto parsed = WorkspaceLocation::parse(text);
    if (text.isEmpty() || !parsed)
        return;
    const quint64 generation = ++m_keyringGeneration;
    m_keyring->lookup(parsed.value(), [this, text, generation](const Keyring::Reply& reply) {
        if (generation != m_keyringGeneration)
            return;
        m_keyringFor = text;
        m_keyringPassword = reply.status == Keyring::Status::Ok ? reply.password : QString();
        switch (reply.status) {
        case Keyring::Status::Ok:
            m_password->setPlaceholderText(tr("password from the keyring"));
            showKeyring(true, tr("The password saved in the desktop keyring for this connection is used."));
            return;
        case Keyring::Status::NotFound:
            m_password->setPlaceholderText(tr("optional: empty for ~/.pgpass or the service file"));
            showKeyring(false, tr("No password saved in the desktop keyring for this connection."));
            return;
        case Keyring::Status::Unavailable:
        case Keyring::Status::Failed:
            m_password->setPlaceholderText(tr("optional: empty for ~/.pgpass or the service file"));
            showKeyring(false,
                tr("No saved password: %1. The password comes from ~/.pgpass or the service file, or type it "
                   "(kept for this session only).")
                    .arg(reply.message));
            return;
        }
    });
}

void SharedWorkspaceDialog::forgetPassword()
{
    const QString text = location();
    auto parsed = WorkspaceLocation::parse(text);
    if (text.isEmpty() || !parsed)
        return;
    setSessionPassword(parsed.value(), QString());
    const quint64 generation = ++m_keyringGeneration;
    m_forget->setEnabled(false);
    m_keyring->clear(parsed.value(), [this, generation](const Keyring::Reply& reply) {
        if (generation != m_keyringGeneration)
            return;
        const bool gone = reply.status == Keyring::Status::Ok || reply.status == Keyring::Status::NotFound;
        if (gone) {
            m_keyringPassword.clear();
            m_password->setPlaceholderText(tr("optional: empty for ~/.pgpass or the service file"));
        }
        showKeyring(gone,
            gone ? tr("The saved password is forgotten: it is no longer in the desktop keyring.")
                 : tr("The saved password could not be forgotten: %1").arg(reply.message));
    });
}

void SharedWorkspaceDialog::accept()
{
    const QString text = location();
    auto parsed = WorkspaceLocation::parse(text);
    if (text.isEmpty() || !parsed || m_saving)
        return;
    const QString typed = m_password->text();
    if (!m_save->isChecked() || typed.isEmpty()) {
        // Every connection the GUI opens to this workspace (core, reader, change feed) uses it; none writes it.
        setSessionPassword(parsed.value(), password());
        QDialog::accept();
        return;
    }
    m_saving = true;
    updateButtons();
    m_keyringNote->setText(tr("Saving the password in the desktop keyring…"));
    const quint64 generation = ++m_keyringGeneration;
    m_keyring->store(parsed.value(), typed, [this, text, typed, generation](const Keyring::Reply& reply) {
        m_saving = false;
        if (generation != m_keyringGeneration) {
            updateButtons();
            return;
        }
        if (reply.status == Keyring::Status::Ok) {
            m_keyringFor = text;
            m_keyringPassword = typed;
            showKeyring(true, tr("The password is saved in the desktop keyring."));
            if (auto saved = WorkspaceLocation::parse(text))
                setSessionPassword(saved.value(), typed);
            QDialog::accept();
            return;
        }
        m_save->setChecked(false);
        showKeyring(
            false, tr("The password was not saved: %1. Open again to connect without saving it.").arg(reply.message));
    });
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
    m_test->setEnabled(complete && !m_saving);
    m_open->setEnabled(complete && !m_saving);
    m_forget->setEnabled(complete && !m_saving && keyringPasswordApplies());
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
    WorkspaceLocation where = parsed.value();
    where.password = password();
    const bool fromKeyring = m_password->text().isEmpty() && keyringPasswordApplies();
    CallReceiver* calls = m_calls;
    startOnPool(m_pool, [this, calls, where, fromKeyring, generation] {
        // A read-only open checks the whole way: the server, the login, the database, that it is an MDSync
        // workspace of this program's schema version.
        QString message;
        bool ok = false;
        {
            auto ws = Workspace::open(where, Workspace::Mode::ReadOnly);
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
        calls->post([this, ok, message, fromKeyring, generation] {
            if (generation != m_testGeneration)
                return;
            if (!ok && fromKeyring) {
                // The saved password may be out of date: let the user type the new one and replace it.
                m_save->setChecked(true);
                m_password->setFocus();
                m_result->setText(message + QLatin1Char('\n')
                    + tr("The password saved in the desktop keyring was used. If it has changed, type the new "
                         "one: Open saves it in place of the old one."));
                updateButtons();
                Q_EMIT tested(ok, message);
                return;
            }
            m_result->setText(message);
            updateButtons();
            Q_EMIT tested(ok, message);
        });
    });
}

} // namespace mdsync::ui
