#include "report/auditreport.h"

#include "store/workspace.h"
#include "util/timeutil.h"

#if __has_include("audit/pointintime.h")
#include "audit/pointintime.h"
#include "util/qtext.h"
#define MDSYNC_HAVE_POINT_IN_TIME 1
#endif

#include <QAbstractTextDocumentLayout>
#include <QFileInfo>
#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextDocument>
#include <QVariant>

#include <nlohmann/json.hpp>

namespace mdsync {

namespace {

using nlohmann::json;

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

// Text for a table cell: cut at `max` characters with a note, HTML-escaped, with break opportunities (zero-width
// spaces) after JSON punctuation and inside long unbroken runs so that compact JSON wraps inside its column.
QString cell(const QString& text, int max, const QString& where = QString())
{
    QString t = text;
    QString note;
    if (max > 0 && t.size() > max) {
        note = QStringLiteral(" … [cut: %1 characters in all%2]")
                   .arg(text.size())
                   .arg(where.isEmpty() ? QString() : QStringLiteral("; full value in ") + where);
        t = t.left(max);
    }
    QString out;
    out.reserve(t.size() + t.size() / 8);
    int run = 0;
    for (const QChar c : t) {
        out += c;
        ++run;
        if (c.isSpace())
            run = 0;
        else if (c == QLatin1Char(',') || c == QLatin1Char(':') || c == QLatin1Char('/') || run >= 24) {
            out += QChar(0x200B);
            run = 0;
        }
    }
    QString html = esc(out);
    if (!note.isEmpty())
        html += QStringLiteral("<i>") + esc(note) + QStringLiteral("</i>");
    return html;
}

QString optText(const QVariant& v, int max, const QString& where = QString())
{
    return v.isNull() ? QStringLiteral("<span style='color:#888'>–</span>") : cell(v.toString(), max, where);
}

QString jsonCell(const json& v, int max)
{
    if (v.is_null())
        return QStringLiteral("<span style='color:#888'>–</span>");
    return cell(qs(v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, json::error_handler_t::replace)), max);
}

QString timeText(std::optional<TimeMs> t, const char* unbounded)
{
    return t ? qs(formatRfc3339(t.value_or(0))) : QString::fromLatin1(unbounded);
}

struct Head
{
    QString seq, hash;
};

Head chainHead(QSqlDatabase& db)
{
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'audit_head'")) && q.next()) {
        const QString v = q.value(0).toString();
        const auto colon = v.indexOf(QLatin1Char(':'));
        return { v.left(colon), v.mid(colon + 1) };
    }
    return { QStringLiteral("none"), QStringLiteral("(empty log)") };
}

const char* const kTable = "<table width='100%' border='0.5' cellspacing='0' cellpadding='2' "
                           "style='border-collapse:collapse; border-color:#999'>";

// ---- sections ----------------------------------------------------------------------------------------------

Result<QString> entriesSection(QSqlDatabase& db, const ExportOptions& o, const ReportOptions& r)
{
    QString where = QStringLiteral(" WHERE 1 = 1");
    if (o.from)
        where += QStringLiteral(" AND at >= ?");
    if (o.to)
        where += QStringLiteral(" AND at < ?");
    if (!o.objects.empty()) {
        QStringList in;
        for (size_t i = 0; i < o.objects.size(); ++i)
            in << QStringLiteral("?");
        where += QStringLiteral(" AND subject IN (") + in.join(QLatin1Char(',')) + QStringLiteral(")");
    }
    auto bind = [&](QSqlQuery& q) {
        if (o.from)
            q.addBindValue(qs(formatRfc3339(o.from.value_or(0))));
        if (o.to)
            q.addBindValue(qs(formatRfc3339(o.to.value_or(0))));
        for (const auto& [d, k] : o.objects)
            q.addBindValue(QString(qs(d) + QLatin1Char('/') + qs(k)));
    };
    QSqlQuery c(db);
    c.prepare(QStringLiteral("SELECT count(*), min(seq), max(seq) FROM audit_log") + where);
    bind(c);
    if (!c.exec() || !c.next())
        return makeError(sqlError(c, QStringLiteral("report: counting audit entries")));
    const qint64 total = c.value(0).toLongLong();

    QString h = QStringLiteral("<h2>Audit entries</h2><p>");
    h += QStringLiteral("%1 entries").arg(total);
    if (total > 0)
        h += QStringLiteral(" (seq %1 – %2)").arg(c.value(1).toLongLong()).arg(c.value(2).toLongLong());
    if (!o.objects.empty())
        h += QStringLiteral(", subject is one of the selected objects");
    if (total > r.maxEntries)
        h += QStringLiteral(". <b>The first %1 are listed; all %2 are in audit.csv / audit.jsonl of this export.</b>")
                 .arg(r.maxEntries)
                 .arg(total);
    h += QStringLiteral(". Old and new values are compact JSON; values longer than %1 characters are cut (marked).</p>")
             .arg(r.maxValueChars);
    if (total == 0)
        return h;

    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT seq, at, actor, action, subject, before, after, reason FROM audit_log") + where
        + QStringLiteral(" ORDER BY seq LIMIT ?"));
    bind(q);
    q.addBindValue(r.maxEntries);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("report: reading audit entries")));
    h += QLatin1String(kTable);
    h += QStringLiteral("<thead><tr style='background:#dde4ee'><th width='5%'>Seq</th><th width='11%'>When (UTC)</th>"
                        "<th width='9%'>Who</th><th width='10%'>Action</th><th width='11%'>Subject</th>"
                        "<th width='18%'>Old value</th><th width='18%'>New value</th><th width='18%'>Reason</th>"
                        "</tr></thead>");
    const QString full = QStringLiteral("audit.csv");
    while (q.next()) {
        h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
                            "<td>%8</td></tr>")
                 .arg(q.value(0).toLongLong())
                 .arg(cell(q.value(1).toString(), 0), cell(q.value(2).toString(), 80), cell(q.value(3).toString(), 80),
                     cell(q.value(4).toString(), 120), optText(q.value(5), r.maxValueChars, full),
                     optText(q.value(6), r.maxValueChars, full), optText(q.value(7), r.maxValueChars, full));
    }
    h += QStringLiteral("</table>");
    return h;
}

Result<QString> lineageSection(QSqlDatabase& db, const ExportOptions& o, const ReportOptions& r)
{
    QString where = QStringLiteral(" WHERE 1 = 1");
    if (o.from)
        where += QStringLiteral(" AND at >= ?");
    if (o.to)
        where += QStringLiteral(" AND at < ?");
    if (!o.objects.empty()) {
        QStringList ors;
        for (size_t i = 0; i < o.objects.size(); ++i)
            ors << QStringLiteral("(domain = ? AND object_key = ?)");
        where += QStringLiteral(" AND (") + ors.join(QStringLiteral(" OR ")) + QStringLiteral(")");
    }
    auto bind = [&](QSqlQuery& q) {
        if (o.from)
            q.addBindValue(QVariant::fromValue<qlonglong>(o.from.value_or(0)));
        if (o.to)
            q.addBindValue(QVariant::fromValue<qlonglong>(o.to.value_or(0)));
        for (const auto& [d, k] : o.objects) {
            q.addBindValue(qs(d));
            q.addBindValue(qs(k));
        }
    };
    QSqlQuery c(db);
    c.prepare(QStringLiteral("SELECT count(*) FROM lineage_event") + where);
    bind(c);
    if (!c.exec() || !c.next())
        return makeError(sqlError(c, QStringLiteral("report: counting lineage events")));
    const qint64 total = c.value(0).toLongLong();
    QString h
        = QStringLiteral("<h2>Lineage</h2><p>%1 events%2")
              .arg(total)
              .arg(o.objects.empty() ? QStringLiteral(" (all objects)") : QStringLiteral(" of the selected objects"));
    if (total > r.maxLineage)
        h += QStringLiteral(". <b>The first %1 are listed; all are in lineage.csv / lineage.jsonl.</b>")
                 .arg(r.maxLineage);
    h += QStringLiteral(".</p>");
    if (total == 0)
        return h;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT l.at, l.domain, l.object_key, l.kind, l.system_id, l.actor, r.revision_no,"
                             " l.correlation_id, l.detail FROM lineage_event l LEFT JOIN revision r"
                             " ON r.id = l.revision_id")
        + QString(where)
              .replace(QStringLiteral(" at "), QStringLiteral(" l.at "))
              .replace(QStringLiteral("domain ="), QStringLiteral("l.domain ="))
              .replace(QStringLiteral("object_key ="), QStringLiteral("l.object_key ="))
        + QStringLiteral(" ORDER BY l.id LIMIT ?"));
    bind(q);
    q.addBindValue(r.maxLineage);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("report: reading lineage events")));
    h += QLatin1String(kTable);
    h += QStringLiteral("<thead><tr style='background:#dde4ee'><th width='11%'>When (UTC)</th>"
                        "<th width='12%'>Object</th><th width='10%'>Event</th><th width='9%'>System</th>"
                        "<th width='9%'>Actor</th><th width='5%'>Rev</th><th width='12%'>Correlation</th>"
                        "<th width='32%'>Detail</th></tr></thead>");
    while (q.next()) {
        h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
                            "<td>%8</td></tr>")
                 .arg(cell(qs(formatRfc3339(q.value(0).toLongLong())), 0),
                     cell(q.value(1).toString() + QLatin1Char('/') + q.value(2).toString(), 80),
                     cell(q.value(3).toString(), 60), optText(q.value(4), 60), optText(q.value(5), 60),
                     optText(q.value(6), 20), optText(q.value(7), 60),
                     optText(q.value(8), r.maxValueChars, QStringLiteral("lineage.csv")));
    }
    h += QStringLiteral("</table>");
    return h;
}

QString authoritySection(QSqlDatabase& db, const ExportOptions& o, const ReportOptions& r)
{
    const TimeMs at = r.authorityAt.value_or(o.to.value_or(nowMs()));
    QString h = QStringLiteral("<h2>Authority at %1</h2>").arg(qs(formatRfc3339(at)));
    if (o.objects.empty())
        return h
            + QStringLiteral("<p>No objects selected (export with --domain D --key K to include each object's "
                             "attribute values, owners and suppliers at that time).</p>");
#ifdef MDSYNC_HAVE_POINT_IN_TIME
    for (const auto& [domain, key] : o.objects) {
        h += QStringLiteral("<h3>%1/%2</h3>").arg(esc(qs(domain)), esc(qs(key)));
        auto a = authorityAt(db, domain, key, at);
        if (!a)
            h += QStringLiteral("<p><b>Not available:</b> %1</p>").arg(esc(a.error()));
        else
            h += authorityTableHtml(a.value(), r.maxValueChars);
    }
#else
    (void)db;
    h += QStringLiteral("<p><b>Not available in this build</b> (core/audit/pointintime.h is missing).</p>");
#endif
    return h;
}

} // namespace

// The authority-at-time table of one object, from authorityAt()'s JSON (core/audit/pointintime.h).
QString authorityTableHtml(const nlohmann::json& a, int maxChars)
{
    QString h;
    if (!a.value("exists", false)) {
        h += QStringLiteral("<p>The object did not exist at that time.</p>");
        return h;
    }
    h += QStringLiteral("<p>Revision %1.</p>").arg(qs(a.contains("revision_no") ? a["revision_no"].dump() : "?"));
    // The configuration in force then: the policy that decided the owners, and the contracts that made the payloads.
    auto text
        = [&a](const char* k) { return a.contains(k) && a[k].is_string() ? qs(a[k].get<std::string>()) : QString(); };
    QString config
        = QStringLiteral("Model %1, landscape %2").arg(esc(text("model_version")), esc(text("landscape_version")));
    if (const QString contracts = text("contracts_version"); !contracts.isEmpty())
        config += QStringLiteral(", contracts %1 (SHA-256 %2)").arg(esc(contracts), esc(text("contracts_hash")));
    else
        config += QStringLiteral(", built-in contracts (none stored)");
    h += QStringLiteral("<p>In force: %1.</p>").arg(config);
    for (const char* note : { "policy_note", "contracts_note" })
        if (const QString n = text(note); !n.isEmpty())
            h += QStringLiteral("<p><i>%1</i></p>").arg(esc(n));
    h += QLatin1String(kTable);
    h += QStringLiteral("<thead><tr style='background:#dde4ee'><th width='13%'>Attribute</th><th width='9%'>Group</th>"
                        "<th width='20%'>Value</th><th width='9%'>Owner (policy)</th><th width='9%'>Supplied by</th>"
                        "<th width='9%'>Actor</th><th width='5%'>Rev</th><th width='12%'>Received</th>"
                        "<th width='14%'>Steward / correction / approved by</th></tr></thead>");
    for (const auto& at : a.value("attributes", json::array())) {
        const json s = at.value("supplied_by", json::object());
        auto sv = [&s](const char* k) { return s.contains(k) ? s[k] : json(nullptr); };
        QStringList steward;
        if (sv("steward").is_boolean() ? sv("steward").get<bool>() : !sv("steward").is_null())
            steward << (sv("steward").is_boolean() ? QStringLiteral("steward") : jsonCell(sv("steward"), 60));
        if (!sv("correction_id").is_null())
            steward << QStringLiteral("correction ") + jsonCell(sv("correction_id"), 20);
        if (!sv("approved_by").is_null())
            steward << QStringLiteral("approved by ") + jsonCell(sv("approved_by"), 60);
        // An enrichment rule set it on behalf of its system (as `mdsyncctl authority` shows it).
        QString supplier = jsonCell(sv("system"), 40);
        if (!sv("rule").is_null())
            supplier += QStringLiteral(" (rule ") + jsonCell(sv("rule"), 60) + QLatin1Char(')');
        h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
                            "<td>%8</td><td>%9</td></tr>")
                 .arg(jsonCell(at.value("attribute", json()), 60), jsonCell(at.value("group", json()), 40),
                     jsonCell(at.value("value", json()), maxChars), jsonCell(at.value("owner", json()), 40), supplier,
                     jsonCell(sv("actor"), 60), jsonCell(sv("revision_no"), 20), jsonCell(sv("received_at"), 40),
                     steward.isEmpty() ? QStringLiteral("<span style='color:#888'>–</span>")
                                       : steward.join(QStringLiteral("; ")));
    }
    h += QStringLiteral("</table>");
    const json acks = a.value("acknowledged", json::array());
    h += QStringLiteral("<p><b>Acknowledged by targets at that time</b>%1</p>")
             .arg(acks.empty() ? QStringLiteral(": none") : QString());
    if (!acks.empty()) {
        h += QLatin1String(kTable);
        h += QStringLiteral("<thead><tr style='background:#dde4ee'><th width='40%'>Target</th>"
                            "<th width='20%'>Revision</th><th width='40%'>Acknowledged at</th></tr></thead>");
        for (const auto& k : acks)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                     .arg(jsonCell(k.value("target", json()), 60), jsonCell(k.value("revision_no", json()), 20),
                         jsonCell(k.value("acked_at", json()), 40));
        h += QStringLiteral("</table>");
    }
    const json approvals = a.value("approvals", json::array());
    if (!approvals.empty()) {
        h += QStringLiteral("<p><b>Approvals</b></p><ul>");
        for (const auto& ap : approvals)
            h += QStringLiteral("<li>") + jsonCell(ap, maxChars) + QStringLiteral("</li>");
        h += QStringLiteral("</ul>");
    }
    return h;
}

Result<void> writeAuditReportPdf(
    QSqlDatabase db, const ExportOptions& o, const QString& pdfPath, const ReportOptions& r)
{
    const QString workspace = QFileInfo(db.databaseName()).fileName();
    const Head head = chainHead(db);
    const QString generatedAt = qs(formatRfc3339(nowMs()));
    QStringList objects;
    for (const auto& [d, k] : o.objects)
        objects << QString(qs(d) + QLatin1Char('/') + qs(k));

    QString html = QStringLiteral("<html><body>");
    html += QStringLiteral("<h1>Audit report</h1>");
    html += QLatin1String(kTable);
    auto row = [&html](const QString& k, const QString& v) {
        html += QStringLiteral("<tr><td width='22%' style='background:#eef1f5'><b>") + esc(k)
            + QStringLiteral("</b></td><td>") + v + QStringLiteral("</td></tr>");
    };
    row(QStringLiteral("Workspace"), esc(workspace));
    row(QStringLiteral("Range"),
        esc(timeText(o.from, "(beginning)") + QStringLiteral(" – ") + timeText(o.to, "(now)")
            + QStringLiteral("  (from inclusive, to exclusive)")));
    row(QStringLiteral("Objects"), objects.isEmpty() ? QStringLiteral("all") : esc(objects.join(QStringLiteral(", "))));
    row(QStringLiteral("Generated"),
        esc(generatedAt + (r.generatedBy.empty() ? QString() : QStringLiteral(" by ") + qs(r.generatedBy))));
    row(QStringLiteral("Chain head"), cell(QStringLiteral("seq ") + head.seq + QStringLiteral(" ") + head.hash, 0));
    html += QStringLiteral("</table><p>This report is part of an export whose manifest.json lists it with its "
                           "SHA-256; <tt>mdsyncctl verify-export DIR</tt> checks it together with the CSV / JSON "
                           "Lines files and the hash chain.</p>");

    auto entries = entriesSection(db, o, r);
    if (!entries)
        return makeError(entries.error());
    html += entries.value();
    auto lineage = lineageSection(db, o, r);
    if (!lineage)
        return makeError(lineage.error());
    html += lineage.value();
    html += authoritySection(db, o, r);
    html += QStringLiteral("</body></html>");

    QPdfWriter writer(pdfPath);
    writer.setResolution(300);
    writer.setTitle(QStringLiteral("MDSync audit report – ") + workspace);
    writer.setCreator(QStringLiteral("MDSync"));
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(14, 12, 14, 12), QPageLayout::Millimeter));
    QPainter painter;
    if (!painter.begin(&writer))
        return makeError(QStringLiteral("report: cannot write PDF %1").arg(pdfPath));

    const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
    const double mm = writer.resolution() / 25.4;
    const double headerH = 12 * mm;
    const double footerH = 7 * mm;
    const QSizeF body(page.width(), page.height() - headerH - footerH);

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7);
    doc.setDefaultFont(font);
    doc.setDefaultStyleSheet(QStringLiteral("h1 { font-size: 14pt; } h2 { font-size: 11pt; margin-top: 10px; }"
                                            " h3 { font-size: 9pt; } th { text-align: left; }"));
    doc.setDocumentMargin(0);
    doc.setPageSize(body);
    doc.setHtml(html);
    const int pages = doc.pageCount();

    QFont small(QStringLiteral("DejaVu Sans"));
    small.setPointSizeF(6.5);
    const QString line1 = QStringLiteral("MDSync audit report · workspace %1 · range %2 – %3 · generated %4")
                              .arg(workspace, timeText(o.from, "(beginning)"), timeText(o.to, "(now)"), generatedAt);
    const QString line2 = QStringLiteral("chain head seq %1 %2").arg(head.seq, head.hash);
    for (int i = 0; i < pages; ++i) {
        if (i > 0 && !writer.newPage())
            return makeError(QStringLiteral("report: cannot add page %1 to %2").arg(i + 1).arg(pdfPath));
        painter.setFont(small);
        painter.setPen(QColor(60, 60, 60));
        const double lh = painter.fontMetrics().height();
        painter.drawText(QRectF(0, 0, page.width(), lh), Qt::AlignLeft | Qt::AlignVCenter, line1);
        painter.drawText(QRectF(0, lh, page.width(), lh), Qt::AlignLeft | Qt::AlignVCenter, line2);
        painter.drawLine(QPointF(0, headerH - 2 * mm), QPointF(page.width(), headerH - 2 * mm));
        painter.drawText(QRectF(0, page.height() - footerH + 2 * mm, page.width(), lh), Qt::AlignRight,
            QStringLiteral("Page %1 of %2").arg(i + 1).arg(pages));
        painter.save();
        painter.translate(0, headerH - i * body.height());
        doc.drawContents(&painter, QRectF(0, i * body.height(), body.width(), body.height()));
        painter.restore();
    }
    if (!painter.end())
        return makeError(QStringLiteral("report: cannot finish PDF %1").arg(pdfPath));
    return {};
}

int pdfPageCount(const QByteArray& pdf)
{
    if (!pdf.startsWith("%PDF-"))
        return -1;
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![a-zA-Z])"));
    return static_cast<int>(QString::fromLatin1(pdf).count(page));
}

} // namespace mdsync
