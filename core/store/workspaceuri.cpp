#include "store/workspaceuri.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <algorithm>
#include <array>

namespace mdsync {

namespace {

// libpq 15's connection keywords (libpq's PQconninfoOptions); anything else is a typing mistake.
const QStringList& libpqKeywords()
{
    static const QStringList all = { QStringLiteral("host"), QStringLiteral("hostaddr"), QStringLiteral("port"),
        QStringLiteral("dbname"), QStringLiteral("user"), QStringLiteral("password"), QStringLiteral("passfile"),
        QStringLiteral("channel_binding"), QStringLiteral("connect_timeout"), QStringLiteral("client_encoding"),
        QStringLiteral("options"), QStringLiteral("application_name"), QStringLiteral("fallback_application_name"),
        QStringLiteral("keepalives"), QStringLiteral("keepalives_idle"), QStringLiteral("keepalives_interval"),
        QStringLiteral("keepalives_count"), QStringLiteral("tcp_user_timeout"), QStringLiteral("sslmode"),
        QStringLiteral("sslcompression"), QStringLiteral("sslcert"), QStringLiteral("sslkey"),
        QStringLiteral("sslpassword"), QStringLiteral("sslrootcert"), QStringLiteral("sslcrl"),
        QStringLiteral("sslcrldir"), QStringLiteral("sslsni"), QStringLiteral("requirepeer"),
        QStringLiteral("ssl_min_protocol_version"), QStringLiteral("ssl_max_protocol_version"),
        QStringLiteral("gssencmode"), QStringLiteral("krbsrvname"), QStringLiteral("gsslib"), QStringLiteral("service"),
        QStringLiteral("target_session_attrs") };
    return all;
}

bool isSecretKeyword(const QString& key)
{
    return key == QLatin1String("password") || key == QLatin1String("sslpassword");
}

QString passwordRefusal(const QString& text)
{
    return QStringLiteral("workspace %1: a password in the workspace location is refused (it would show in the "
                          "process list, shell history and settings). Put it in ~/.pgpass or the file PGPASSFILE "
                          "names, or use a service file (service=NAME); see docs/SECURITY.md")
        .arg(redactLocation(text));
}

bool hasScheme(const QString& text, qsizetype* rest)
{
    static constexpr std::array schemes = { QLatin1String("postgresql://"), QLatin1String("postgres://") };
    const auto* it = std::ranges::find_if(
        schemes, [&](QLatin1String scheme) { return text.startsWith(scheme, Qt::CaseInsensitive); });
    if (it == schemes.end())
        return false;
    if (rest)
        *rest = it->size();
    return true;
}

bool startsWithKeyword(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*([a-z_]+)\\s*="));
    const auto m = re.match(text);
    return m.hasMatch() && libpqKeywords().contains(m.captured(1));
}

QString decode(const QString& s)
{
    return QUrl::fromPercentEncoding(s.toUtf8());
}

Result<void> addParam(WorkspaceLocation& loc, const QString& key, const QString& value, const QString& text)
{
    if (isSecretKeyword(key))
        return makeError(passwordRefusal(text));
    if (!libpqKeywords().contains(key))
        return makeError(QStringLiteral("workspace %1: unknown connection parameter '%2' (libpq's keywords: %3)")
                             .arg(redactLocation(text), key, libpqKeywords().join(QStringLiteral(", "))));
    // Qt's QPSQL driver joins its connect options with ';' (store/workspace.cpp): a value cannot hold one.
    if (value.contains(QLatin1Char(';')))
        return makeError(
            QStringLiteral("workspace %1: the value of '%2' contains ';', which cannot be passed to the database "
                           "driver; put it in a service file (service=NAME)")
                .arg(redactLocation(text), key));
    for (auto& [k, v] : loc.params) {
        if (k == key) {
            v = value; // as libpq: the last one wins
            return {};
        }
    }
    loc.params.emplace_back(key, value);
    return {};
}

Result<WorkspaceLocation> parseUri(const QString& text, qsizetype schemeLength)
{
    WorkspaceLocation loc;
    loc.backend = WorkspaceLocation::Backend::Postgres;
    const auto bad = [&](const QString& why) {
        return makeError(QStringLiteral("workspace %1: not a valid PostgreSQL URI: %2 (expected "
                                        "postgresql://[user@]host[:port]/database[?param=value&...])")
                             .arg(redactLocation(text), why));
    };
    QString rest = text.mid(schemeLength);
    QString query;
    if (const qsizetype q = rest.indexOf(QLatin1Char('?')); q >= 0) {
        query = rest.mid(q + 1);
        rest.truncate(q);
    }
    QString authority = rest;
    QString database;
    if (const qsizetype slash = rest.indexOf(QLatin1Char('/')); slash >= 0) {
        authority = rest.left(slash);
        database = decode(rest.mid(slash + 1));
    }
    QString hostPort = authority;
    if (const qsizetype at = authority.lastIndexOf(QLatin1Char('@')); at >= 0) {
        const QString userInfo = authority.left(at);
        hostPort = authority.mid(at + 1);
        if (userInfo.contains(QLatin1Char(':')))
            return makeError(passwordRefusal(text));
        if (userInfo.isEmpty())
            return bad(QStringLiteral("empty user name before '@'"));
        if (auto r = addParam(loc, QStringLiteral("user"), decode(userInfo), text); !r)
            return makeError(r.error());
    }
    if (hostPort.contains(QLatin1Char(',')))
        return bad(QStringLiteral("several hosts are not supported here; name them in a service file"));
    QString host = hostPort;
    QString port;
    if (hostPort.startsWith(QLatin1Char('['))) {
        const qsizetype close = hostPort.indexOf(QLatin1Char(']'));
        if (close < 0)
            return bad(QStringLiteral("'[' without ']' around an IPv6 address"));
        host = hostPort.mid(1, close - 1);
        const QString after = hostPort.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return bad(QStringLiteral("'%1' after the IPv6 address").arg(after));
            port = after.mid(1);
        }
    } else if (const qsizetype colon = hostPort.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        host = hostPort.left(colon);
        port = hostPort.mid(colon + 1);
    }
    if (!host.isEmpty())
        if (auto r = addParam(loc, QStringLiteral("host"), decode(host), text); !r)
            return makeError(r.error());
    if (!port.isEmpty() || hostPort.endsWith(QLatin1Char(':'))) {
        bool ok = false;
        const int p = port.toInt(&ok);
        if (!ok || p < 1 || p > 65535)
            return bad(QStringLiteral("port '%1' is not a number from 1 to 65535").arg(port));
        if (auto r = addParam(loc, QStringLiteral("port"), QString::number(p), text); !r)
            return makeError(r.error());
    }
    if (!database.isEmpty())
        if (auto r = addParam(loc, QStringLiteral("dbname"), database, text); !r)
            return makeError(r.error());
    if (!query.isEmpty()) {
        for (const QString& item : query.split(QLatin1Char('&'))) {
            const qsizetype eq = item.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return bad(QStringLiteral("'%1' in the query is not param=value").arg(item));
            if (auto r = addParam(loc, decode(item.left(eq)), decode(item.mid(eq + 1)), text); !r)
                return makeError(r.error());
        }
    }
    return loc;
}

// keyword = value pairs as libpq reads them: values bare or in single quotes with \' and \\ escapes.
Result<WorkspaceLocation> parseKeywords(const QString& text)
{
    WorkspaceLocation loc;
    loc.backend = WorkspaceLocation::Backend::Postgres;
    const auto bad = [&](const QString& why) {
        return makeError(QStringLiteral("workspace %1: not a valid connection string: %2 (expected "
                                        "keyword=value pairs such as service=NAME)")
                             .arg(redactLocation(text), why));
    };
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (true) {
        while (i < n && text[i].isSpace())
            ++i;
        if (i >= n)
            break;
        const qsizetype keyStart = i;
        while (i < n && text[i] != QLatin1Char('=') && !text[i].isSpace())
            ++i;
        const QString key = text.mid(keyStart, i - keyStart);
        while (i < n && text[i].isSpace())
            ++i;
        if (i >= n || text[i] != QLatin1Char('='))
            return bad(QStringLiteral("'%1' has no '=value'").arg(key));
        ++i;
        while (i < n && text[i].isSpace())
            ++i;
        QString value;
        if (i < n && text[i] == QLatin1Char('\'')) {
            ++i;
            bool closed = false;
            while (i < n) {
                if (text[i] == QLatin1Char('\\') && i + 1 < n) {
                    value += text[i + 1];
                    i += 2;
                } else if (text[i] == QLatin1Char('\'')) {
                    ++i;
                    closed = true;
                    break;
                } else {
                    value += text[i++];
                }
            }
            if (!closed)
                return bad(QStringLiteral("the quoted value of '%1' is not closed").arg(key));
        } else {
            while (i < n && !text[i].isSpace()) {
                if (text[i] == QLatin1Char('\\') && i + 1 < n)
                    ++i;
                value += text[i++];
            }
        }
        if (auto r = addParam(loc, key, value, text); !r)
            return makeError(r.error());
    }
    return loc;
}

QString encodePart(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s, QByteArrayLiteral("-._~")));
}

QString quoteValue(const QString& v)
{
    if (!v.isEmpty() && !v.contains(QLatin1Char(' ')) && !v.contains(QLatin1Char('\''))
        && !v.contains(QLatin1Char('\\')))
        return v;
    QString q = v;
    q.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    q.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

} // namespace

bool WorkspaceLocation::looksLikePostgres(const QString& text)
{
    return hasScheme(text, nullptr) || startsWithKeyword(text);
}

Result<WorkspaceLocation> WorkspaceLocation::parse(const QString& text)
{
    if (qsizetype schemeLength = 0; hasScheme(text, &schemeLength))
        return parseUri(text, schemeLength);
    if (startsWithKeyword(text))
        return parseKeywords(text);
    if (text.isEmpty())
        return makeError(QStringLiteral("workspace: no location given (a file path or postgresql://...)"));
    WorkspaceLocation loc;
    loc.path = text;
    return loc;
}

QString WorkspaceLocation::param(const QString& key) const
{
    for (const auto& [k, v] : params)
        if (k == key)
            return v;
    return {};
}

QString WorkspaceLocation::display() const
{
    if (!isPostgres())
        return path;
    if (!param(QStringLiteral("service")).isEmpty()) {
        QStringList parts;
        for (const auto& [k, v] : params)
            parts << k + QLatin1Char('=') + quoteValue(v);
        return parts.join(QLatin1Char(' '));
    }
    QString text = QStringLiteral("postgresql://");
    if (const QString user = param(QStringLiteral("user")); !user.isEmpty())
        text += encodePart(user) + QLatin1Char('@');
    const QString host = param(QStringLiteral("host"));
    if (host.contains(QLatin1Char(':')))
        text += QLatin1Char('[') + host + QLatin1Char(']');
    else
        text += encodePart(host);
    if (const QString port = param(QStringLiteral("port")); !port.isEmpty())
        text += QLatin1Char(':') + port;
    text += QLatin1Char('/') + encodePart(param(QStringLiteral("dbname")));
    QStringList query;
    for (const auto& [k, v] : params) {
        if (k != QLatin1String("user") && k != QLatin1String("host") && k != QLatin1String("port")
            && k != QLatin1String("dbname"))
            query << k + QLatin1Char('=') + encodePart(v);
    }
    if (!query.isEmpty())
        text += QLatin1Char('?') + query.join(QLatin1Char('&'));
    return text;
}

QString redactLocation(const QString& text)
{
    static const QRegularExpression userInfo(QStringLiteral("^([a-zA-Z]+://[^/@?:]*):[^/?]*@"));
    static const QRegularExpression secret(
        QStringLiteral("\\b((?:ssl)?password)(\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|[^&\\s]*)"));
    QString out = text;
    out.replace(userInfo, QStringLiteral("\\1:***@"));
    out.replace(secret, QStringLiteral("\\1\\2***"));
    return out;
}

namespace {

QMutex s_passwordsMutex;
QHash<QString, QString>& sessionPasswords()
{
    static QHash<QString, QString> passwords;
    return passwords;
}

} // namespace

void setSessionPassword(const WorkspaceLocation& where, const QString& password)
{
    if (!where.isPostgres())
        return;
    const QMutexLocker lock(&s_passwordsMutex);
    if (password.isEmpty())
        sessionPasswords().remove(where.display());
    else
        sessionPasswords().insert(where.display(), password);
}

QString sessionPassword(const WorkspaceLocation& where)
{
    if (!where.isPostgres())
        return {};
    const QMutexLocker lock(&s_passwordsMutex);
    return sessionPasswords().value(where.display());
}

} // namespace mdsync
