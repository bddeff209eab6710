#include "helppages.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

QString helpKeys(QKeySequence::StandardKey k)
{
    return QKeySequence(k).toString(QKeySequence::NativeText).toHtmlEscaped();
}

QString helpList(const QStringList& items)
{
    QString s = QStringLiteral("<ul>");
    for (const QString& i : items)
        s += QStringLiteral("<li>") + i + QStringLiteral("</li>");
    return s + QStringLiteral("</ul>");
}

QString helpSeeAlso()
{
    return QStringLiteral("<p><small>")
        + HelpPages::tr("See also: %1.")
              .arg(QStringLiteral("<a href=\"help:shortcuts\">%1</a>, <a href=\"help:welcome\">%2</a>"))
              .arg(HelpPages::title(QStringLiteral("shortcuts")), HelpPages::title(QStringLiteral("welcome")))
        + QStringLiteral("</small></p>");
}

} // namespace

QStringList HelpPages::ids()
{
    return { QStringLiteral("welcome"), QStringLiteral("dashboard"), QStringLiteral("matrix"),
        QStringLiteral("lineage"), QStringLiteral("exceptions"), QStringLiteral("policies"), QStringLiteral("mapping"),
        QStringLiteral("audit"), QStringLiteral("alerts"), QStringLiteral("shortcuts") };
}

QString HelpPages::title(const QString& id)
{
    if (id == QLatin1String("dashboard"))
        return tr("Dashboard");
    if (id == QLatin1String("matrix"))
        return tr("Propagation matrix");
    if (id == QLatin1String("lineage"))
        return tr("Lineage");
    if (id == QLatin1String("exceptions"))
        return tr("Exceptions");
    if (id == QLatin1String("policies"))
        return tr("Policies");
    if (id == QLatin1String("mapping"))
        return tr("Mapping editor");
    if (id == QLatin1String("audit"))
        return tr("Audit");
    if (id == QLatin1String("alerts"))
        return tr("Alerts");
    if (id == QLatin1String("shortcuts"))
        return tr("Keyboard shortcuts");
    return tr("Getting started");
}

QString HelpPages::html(const QString& id)
{
    QString body;
    if (id == QLatin1String("dashboard")) {
        body = tr("<p>The state of propagation at a glance, refreshed while the core runs.</p>")
            + helpList({ tr("<b>Tiles</b>: backlog, deliveries acknowledged in the last hour, retry rate, p95 latency,"
                            " SLA breaches, open exceptions by severity, mean time to repair and target outages (the"
                            " targets down now, the longest since when, outage minutes and mean time to recovery over"
                            " 30 days). Click a tile to open the list behind it."),
                tr("<b>Charts</b>: throughput and latency per target system, the age of open exceptions and"
                   " SLA compliance per domain. Click a bar to open the exceptions or objects it counts."),
                tr("<b>System health</b>: each system is up, slow, down or paused, with its backlog and last"
                   " acknowledgement. A target that stopped answering (its circuit is open) says since when it is"
                   " down and how many deliveries wait for it. Click a system to see its backlog in the propagation"
                   " matrix.") });
    } else if (id == QLatin1String("matrix")) {
        body = tr("<p>One row per object, one column per target system. A cell is the status of the object's"
                  " latest revision at that system, shown with an icon and a word, not colour alone.</p>")
            + helpList({ tr("<b>Filter</b> as you type: a key prefix (for example FG-10) or a word of the"
                            " description. Narrow by domain, plant, status at one or any system, and age."),
                tr("<b>Status</b> \"backlog\" means anything not yet acknowledged: pending, held by a dependency,"
                   " retrying or failed."),
                tr("<b>Hover</b> a cell for its revision, the revision the system acknowledged, age, attempts and"
                   " the last error."),
                tr("<b>Select</b> a row to list every revision of the object and its status at each system"
                   " below; double-click to open its lineage."),
                tr("Sorting and filtering run in the database, so they stay quick on a million objects.") });
    } else if (id == QLatin1String("lineage")) {
        body = tr("<p>Everything that happened to one object, one lane per system, on a time axis: received,"
                  " validated, merged, delivered, acknowledged, failed, corrected, approved, replayed.</p>")
            + helpList({ tr("<b>Zoom</b> with the mouse wheel around the pointer; <b>pan</b> by dragging."),
                tr("<b>Click</b> an event to see its correlation id, its payload and what its revision changed."),
                tr("<b>Point in time</b>: pick a date and time to see each attribute's value, the system that"
                   " owned it and the system (or steward) that supplied it at that moment.") });
    } else if (id == QLatin1String("exceptions")) {
        body = tr("<p>Everything the core could not deliver or accept, kept verbatim until a steward clears"
                  " it.</p>")
            + helpList({ tr("<b>Filter</b> by status, category, severity, target, assignee and age; group counts"
                            " show where the backlog is."),
                tr("<b>Bulk actions</b> on the selection: assign, replay, discard with a reason code, or apply a"
                   " fix rule. A progress dialog shows every item's result and can be cancelled."),
                tr("<b>Detail</b>: the raw payload, the error and validation messages, a correction editor"
                   " (checked before it is submitted), a replay dry run that shows the payload diff, the"
                   " four-eyes state and the history of actions."),
                tr("Corrections of critical fields need a second steward's approval (four-eyes); you cannot"
                   " approve your own."),
                tr("<b>Target outage</b> (category <tt>target_outage</tt>): one incident per target that is down;"
                   " its deliveries wait and are sent when the target answers a probe again. From the incident a"
                   " steward can <b>Probe now</b> (one probe at once instead of waiting for the schedule; the"
                   " circuit closes if the target answers) and <b>Pause target</b> / <b>Resume target</b>. Each"
                   " needs a reason and is recorded in the audit log."),
                tr("<b>Duplicate suspect</b> (category <tt>duplicate_suspect</tt>): a created object that looks like"
                   " an existing one; the Problem tab shows the two side by side. If they are different objects,"
                   " give the reason and click <b>Not a duplicate</b>: the decision is remembered for the pair, the"
                   " suspect is resolved, both objects' lineage and the audit log record it, and the pair is never"
                   " raised again (a stewards' or admins' action; also <tt>mdsyncctl duplicates dismiss</tt>). If"
                   " they are one object, give the reason and click <b>Merge into</b> the one that stays: the other"
                   " is retired at the targets (or redirected, as each target's contract says), its key becomes an"
                   " alias, and objects that reference it get new revisions that reference the survivor. In a"
                   " domain with critical attribute groups an approver other than you approves the merge here"
                   " (<b>Approve merge</b> / <b>Reject merge</b>; also <tt>mdsyncctl duplicates merge</tt> and"
                   " <tt>approve-merge</tt>).") });
    } else if (id == QLatin1String("policies")) {
        body = tr("<p>The rules the core applies, read-only here (change them with <tt>mdsyncctl propose</tt>"
                  " and a second steward's approval).</p>")
            + helpList({ tr("<b>Ownership</b>: for each domain and attribute group, the system of record whose"
                            " changes are accepted."),
                tr("<b>Subscriptions</b>: which system receives which objects, with its SLA and pattern."),
                tr("<b>Contracts</b>: how canonical fields map to each system's fields, with their versions.") });
    } else if (id == QLatin1String("mapping")) {
        body = tr("<p>Edit how one target receives one domain: each target field, where its value comes from and how"
                  " it is transformed. Open it from <b>Policies → Subscriptions → Edit mapping…</b> or <b>View →"
                  " Mapping editor</b>. Nothing changes until a proposal is approved by another admin.</p>")
            + helpList({ tr("<b>Target</b> and <b>domain</b> choose the contract the subscription uses; <b>on"
                            " loss</b> says whether an issue that loses information blocks the delivery or is sent"
                            " with a warning."),
                tr("<b>Source</b>: a canonical attribute, <tt>$key</tt> (the object key), <tt>=</tt> followed by a"
                   " constant (<tt>=\"MDSYNC\"</tt>, <tt>=true</tt>), or a format with placeholders such as"
                   " <tt>{description} ({$key})</tt>."),
                tr("<b>Unit</b> and <b>decimals</b> convert and round quantities; <b>max length</b> cuts text;"
                   " <b>code map</b> is written <tt>ambient=AMB, cool=COOL</tt>; <b>date format</b> is a pattern"
                   " such as <tt>dd.MM.yyyy</tt>; <b>required</b> blocks a payload without the field; <b>editable</b>"
                   " lets stewards correct it."),
                tr("<b>Preview</b>: pick an object (Ctrl+L). The payload the edited contract makes is shown with the"
                   " differences from what the target last acknowledged (changed fields in bold, with the kind of"
                   " change). It is recomputed shortly after every edit."),
                tr("<b>Issues</b> appear on the field's row (an icon and a tooltip) and in the list below: a red"
                   " icon blocks the delivery, a yellow one loses information but is sent with a warning."),
                tr("<b>Save as proposal…</b> (Ctrl+S, admins only) asks for a reason and an effective time and"
                   " proposes the whole contracts document with a new version. The core checks it, runs its test"
                   " samples and a trial on real objects, and shows the summary, or why it refused.") })
            + QStringLiteral("<p>")
            + tr("Keys: F2 or typing edits a cell, Space toggles a flag, Ctrl+N adds a field, Ctrl+Delete removes"
                 " it, Alt+Up and Alt+Down move it, Ctrl+Z undoes, Ctrl+Shift+Z redoes, F5 previews now, F1 shows"
                 " this page.")
            + QStringLiteral("</p>");
    } else if (id == QLatin1String("audit")) {
        body = tr("<p>The tamper-evident audit log: every change, correction, approval, replay and discard,"
                  " who did it and when.</p>")
            + helpList({ tr("<b>Filter</b> by actor, action, object and time."),
                tr("<b>Verify chain</b> recomputes the hash chain and names the first entry that does not match."),
                tr("<b>Export</b> writes CSV, JSONL, a PDF report and OpenLineage events for a time range and a"
                   " set of objects, with a manifest of checksums that <tt>mdsyncctl verify-export</tt> checks"
                   " offline.") });
    } else if (id == QLatin1String("alerts")) {
        body = tr("<p>What needs a human now: the alerts the core's rules raised (stale deliveries past their SLA,"
                  " watched attributes that changed, too many open exceptions, a target down too long).</p>")
            + helpList({ tr("<b>Status</b>: open, acknowledged, cleared or all, with the number of each."),
                tr("<b>Detail</b>: why the alert fired in words (the changes old → new and their source, the"
                   " referenced objects, the overdue count, since when a target is down), the notifications sent,"
                   " and the raw details one click away."),
                tr("<b>Show object</b> opens the lineage of the object the alert names (the links in the detail open"
                   " the referenced objects); <b>Show exceptions</b> the backlog filtered to its domain, target and"
                   " object; <b>Show in matrix</b> the propagation matrix of its domain and target. Enter or a"
                   " double-click does the first that applies."),
                tr("<b>Acknowledge…</b> an open alert with an optional note (stewards, approvers and admins); it is"
                   " recorded with your name in the audit log. A condition alert clears by itself when the"
                   " condition no longer holds.") });
    } else if (id == QLatin1String("shortcuts")) {
        body = QStringLiteral("<table cellpadding=\"3\">");
        const QList<QPair<QString, QString>> rows = {
            { tr("Ctrl+1 … Ctrl+7"), tr("Dashboard, matrix, lineage, exceptions, policies, audit, alerts") },
            { tr("Ctrl+M"), tr("The mapping editor (F1 there: its keys)") },
            { helpKeys(QKeySequence::HelpContents), tr("Help for the current view") },
            { helpKeys(QKeySequence::Open), tr("Open a workspace") },
            { helpKeys(QKeySequence::New), tr("Create a workspace") },
            { tr("J or Alt+Down"), tr("Exceptions: next") },
            { tr("K or Alt+Up"), tr("Exceptions: previous") },
            { tr("Ctrl+Shift+A"), tr("Exceptions: assign the selection to me") },
            { tr("Ctrl+R"), tr("Exceptions: replay the selection") },
            { tr("Ctrl+D"), tr("Exceptions: discard the selection with a reason") },
            { tr("Ctrl+F"), tr("Exceptions: go to the filter") },
        };
        for (const auto& [keys, what] : rows)
            body += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(keys, what);
        body += QStringLiteral("</table>");
    } else {
        body = tr("<p>MDSync keeps master data consistent across PLM, ERP, MES, WMS and the other systems of a"
                  " plant. Its core validates each change against the canonical model and the system-of-record"
                  " policy, stores it as a revision and delivers it to every subscribing system.</p>")
            + helpList({ tr("<b>Open the live demo</b> to try it: simulated systems and traffic, with faults, in a"
                            " workspace of its own."),
                tr("<b>Create a workspace</b> from a landscape file that lists your systems, ownership and"
                   " subscriptions (or from the built-in example landscape)."),
                tr("<b>Open a workspace</b> file (.mdsync) that <tt>mdsyncctl init</tt> or this window created.") })
            + tr("<p>Each view has its own help page: press %1 there.</p>").arg(helpKeys(QKeySequence::HelpContents));
    }
    return QStringLiteral("<h2>%1</h2>").arg(title(id).toHtmlEscaped()) + body + helpSeeAlso();
}

HelpWindow::HelpWindow(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("MDSync help"));
    m_contents = new QListWidget(this);
    m_contents->setMaximumWidth(200);
    for (const QString& id : HelpPages::ids()) {
        auto* item = new QListWidgetItem(HelpPages::title(id), m_contents);
        item->setData(Qt::UserRole, id);
    }
    m_browser = new QTextBrowser(this);
    m_browser->setOpenLinks(false);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("help"))
            showPage(url.path());
    });
    connect(m_contents, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showPage(m_contents->item(row)->data(Qt::UserRole).toString());
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto* top = new QHBoxLayout;
    top->addWidget(m_contents);
    top->addWidget(m_browser, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(buttons);
    resize(760, 480);
}

void HelpWindow::showPage(const QString& id)
{
    const QString page = HelpPages::ids().contains(id) ? id : QStringLiteral("welcome");
    if (page == m_current)
        return;
    m_current = page;
    m_browser->setHtml(HelpPages::html(page));
    m_contents->setCurrentRow(static_cast<int>(HelpPages::ids().indexOf(page)));
}

QString HelpWindow::currentHtml() const
{
    return m_browser->toHtml();
}

} // namespace mdsync::ui
