#include "keyring.h"

#include "util/handover.h"

#include <QCoreApplication>

// libsecret's headers use `signals` as an identifier (glib); Qt's keyword macro must not be in the way.
#undef signals
#include <libsecret/secret.h>

namespace mdsync::ui {

namespace {

const SecretSchema* schema()
{
    static const SecretSchema s = { "org.mdsync.SharedWorkspace", SECRET_SCHEMA_NONE,
        {
            { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "dbname", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING },
        },
        0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr };
    return &s;
}

// The attributes of a location: all five, empty when absent, so a lookup matches exactly one connection.
struct Attributes
{
    QByteArray host, port, dbname, user, service;
    explicit Attributes(const WorkspaceLocation& where)
        : host(where.param(QStringLiteral("host")).toUtf8())
        , port(where.param(QStringLiteral("port")).toUtf8())
        , dbname(where.param(QStringLiteral("dbname")).toUtf8())
        , user(where.param(QStringLiteral("user")).toUtf8())
        , service(where.param(QStringLiteral("service")).toUtf8())
    { }
};

// GError -> Reply (frees the error).
Keyring::Reply fromError(GError* error)
{
    Keyring::Reply r;
    const QString what = QString::fromUtf8(error->message);
    // No session bus, no service on it, a timeout or a locked keyring: "no keyring to use", say so and go on.
    const bool unavailable = error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR
        || (error->domain == SECRET_ERROR && error->code == SECRET_ERROR_IS_LOCKED) || error->domain == G_SPAWN_ERROR;
    r.status = unavailable ? Keyring::Status::Unavailable : Keyring::Status::Failed;
    r.message = unavailable
        ? QCoreApplication::translate(
            "mdsync::ui::Keyring", "the desktop keyring (Secret Service) is not available: %1")
              .arg(what)
        : QCoreApplication::translate("mdsync::ui::Keyring", "the desktop keyring failed: %1").arg(what);
    g_error_free(error);
    return r;
}

} // namespace

struct Keyring::Cancel
{
    GCancellable* cancellable = g_cancellable_new();
    ~Cancel() { g_object_unref(cancellable); }
};

namespace {

Keyring::Reply lookupWith(const WorkspaceLocation& where, GCancellable* cancellable)
{
    const Attributes a(where);
    GError* error = nullptr;
    gchar* secret = secret_password_lookup_sync(schema(), cancellable, &error, "host", a.host.constData(), "port",
        a.port.constData(), "dbname", a.dbname.constData(), "user", a.user.constData(), "service",
        a.service.constData(), nullptr);
    if (error)
        return fromError(error);
    Keyring::Reply r;
    if (!secret) {
        r.status = Keyring::Status::NotFound;
        return r;
    }
    r.status = Keyring::Status::Ok;
    r.password = QString::fromUtf8(secret);
    secret_password_free(secret);
    return r;
}

Keyring::Reply storeWith(const WorkspaceLocation& where, const QString& password, GCancellable* cancellable)
{
    const Attributes a(where);
    const QByteArray label = QStringLiteral("MDSync shared workspace %1").arg(where.display()).toUtf8();
    const QByteArray secret = password.toUtf8();
    GError* error = nullptr;
    const gboolean ok = secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.constData(),
        secret.constData(), cancellable, &error, "host", a.host.constData(), "port", a.port.constData(), "dbname",
        a.dbname.constData(), "user", a.user.constData(), "service", a.service.constData(), nullptr);
    if (error)
        return fromError(error);
    Keyring::Reply r;
    r.status = ok ? Keyring::Status::Ok : Keyring::Status::Failed;
    return r;
}

Keyring::Reply clearWith(const WorkspaceLocation& where, GCancellable* cancellable)
{
    const Attributes a(where);
    GError* error = nullptr;
    const gboolean removed = secret_password_clear_sync(schema(), cancellable, &error, "host", a.host.constData(),
        "port", a.port.constData(), "dbname", a.dbname.constData(), "user", a.user.constData(), "service",
        a.service.constData(), nullptr);
    if (error)
        return fromError(error);
    Keyring::Reply r;
    r.status = removed ? Keyring::Status::Ok : Keyring::Status::NotFound;
    return r;
}

} // namespace

Keyring::Keyring(QObject* parent)
    : QObject(parent)
    , m_cancel(std::make_shared<Cancel>())
    , m_calls(new CallReceiver(this))
{
    m_pool.setMaxThreadCount(1);
}

Keyring::~Keyring()
{
    g_cancellable_cancel(m_cancel->cancellable);
    m_pool.clear();
    m_pool.waitForDone();
}

void Keyring::run(std::function<Reply(Cancel&)> call, Done done)
{
    CallReceiver* calls = m_calls;
    std::shared_ptr<Cancel> cancel = m_cancel;
    startOnPool(m_pool, [calls, cancel, call = std::move(call), done = std::move(done)] {
        if (g_cancellable_is_cancelled(cancel->cancellable))
            return;
        Reply reply = call(*cancel);
        // The destructor waits for this task, so `calls` (a child) is still there; a cancelled call reports
        // nothing.
        if (g_cancellable_is_cancelled(cancel->cancellable))
            return;
        calls->post([done, reply] { done(reply); });
    });
}

void Keyring::lookup(const WorkspaceLocation& where, Done done)
{
    run([where](Cancel& c) { return lookupWith(where, c.cancellable); }, std::move(done));
}

void Keyring::store(const WorkspaceLocation& where, const QString& password, Done done)
{
    run([where, password](Cancel& c) { return storeWith(where, password, c.cancellable); }, std::move(done));
}

void Keyring::clear(const WorkspaceLocation& where, Done done)
{
    run([where](Cancel& c) { return clearWith(where, c.cancellable); }, std::move(done));
}

Keyring::Reply Keyring::lookupNow(const WorkspaceLocation& where)
{
    return lookupWith(where, nullptr);
}

Keyring::Reply Keyring::storeNow(const WorkspaceLocation& where, const QString& password)
{
    return storeWith(where, password, nullptr);
}

Keyring::Reply Keyring::clearNow(const WorkspaceLocation& where)
{
    return clearWith(where, nullptr);
}

} // namespace mdsync::ui
