// The mapping editor (issue 17): on a workspace whose WMS acknowledged its items, picking an object previews the
// payload and the diff against what the WMS acknowledged; shrinking a max_length shows the loss on that field's row;
// undo and redo restore; saving proposes the contracts document with the edited field (checked through the core's
// API); a non-admin cannot save; F1 shows the editor's help; Policies' "Edit mapping…" opens it on a subscription.
// With MDSYNC_SHOT_DIR set, the editor is saved there as gui-mapping-editor.png (docs/).

#include "access/roles.h"
#include "corecontroller.h"
#include "dbreader.h"
#include "helppages.h"
#include "steward/configchange.h"
#include "steward/rolegrants.h"
#include "store/workspace.h"
#include "views/mappingeditor.h"
#include "views/policiesview.h"
#include "workspacefixture.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;
using json = nlohmann::json;

namespace {

// Items FG-1..FG-3 for the WMS of P100, their WMS deliveries acknowledged; admins ada and ben, steward sam.
bool makeWorkspace(TempWorkspace& tw)
{
    if (!tw.makeTeam("ada", { { "ben", Role::Admin }, { "sam", Role::Steward } }).isEmpty())
        return false;
    std::vector<std::string> lines;
    for (const char* key : { "FG-1", "FG-2", "FG-3" }) {
        json a = releasedItem("Pump housing CP-80 machined, stainless", { "P100" });
        a["storage_conditions"] = "dry";
        lines.push_back(mdsync::test::event("PLM", "item", key, a));
    }
    auto ingested = tw.ingest(lines);
    if (!ingested.ok() || ingested->revisions != 3) {
        qWarning("%s", ingested.ok() ? ingested->toJson().dump().c_str() : qPrintable(ingested.error()));
        return false;
    }
    RawConnection raw(tw.path());
    return raw
        .exec(QStringLiteral("UPDATE delivery SET status = 'acked', acked_at = %1 WHERE target_id = 'WMS-P100'")
                  .arg(nowMs()))
        .isEmpty();
}

struct Rig
{
    std::unique_ptr<CoreController> core;
    std::unique_ptr<DbReader> reader;
    Navigator nav;

    bool start(const QString& path, const std::string& actor)
    {
        CoreServiceOptions o;
        o.workspacePath = path;
        o.connectFromLandscape = false;
        o.actor = actor;
        core = std::make_unique<CoreController>(o);
        QSignalSpy started(core.get(), &CoreController::started);
        core->start();
        if (!started.wait(10000))
            return false;
        reader = std::make_unique<DbReader>(path);
        return true;
    }
    AppContext ctx() { return AppContext { core.get(), reader.get(), &nav }; }
};

int rowOf(QTableWidget* t, const QString& text, int column = 0)
{
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, column) && t->item(r, column)->text() == text)
            return r;
    return -1;
}

QString issueOf(QTableWidget* fields, int row)
{
    return fields->item(row, MappingEditor::ToColumn)->data(Qt::UserRole + 1).toString();
}

} // namespace

class TestMappingEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void previewLossUndoAndProposal()
    {
        MDSYNC_SQLITE_ONLY("acknowledges deliveries through a raw SQLite connection");
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(makeWorkspace(tw));
        const QString path = tw.path();
        tw.close();
        Rig rig;
        QVERIFY(rig.start(path, "ada"));
        MappingEditor editor(rig.ctx());
        QSignalSpy loaded(&editor, &MappingEditor::loaded);
        editor.selectContract(QStringLiteral("item"), QStringLiteral("WMS-P100"));
        editor.show();
        QApplication::setActiveWindow(&editor);
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        QVERIFY(loaded.wait(10000) || editor.isLoaded());
        QTableWidget* fields = editor.fieldTable();
        QTRY_VERIFY(fields->rowCount() > 5);
        const int shortText = rowOf(fields, QStringLiteral("shortText"));
        QVERIFY(shortText >= 0);
        QCOMPARE(fields->item(shortText, MappingEditor::MaxLengthColumn)->text(), QStringLiteral("30"));
        QVERIFY(editor.saveButton()->isEnabled()); // ada is an admin

        // Pick an object: the payload and the diff against the WMS's acknowledged payload (the same contract: equal).
        QSignalSpy failed(&editor, &MappingEditor::previewFailed);
        editor.setObjectKey(QStringLiteral("FG-2"));
        QTRY_VERIFY_WITH_TIMEOUT(editor.preview().key == "FG-2" || !failed.isEmpty(), 10000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(editor.payloadView()->toPlainText().contains(QStringLiteral("\"itemNumber\": \"FG-2\"")));
        QVERIFY(editor.payloadView()->toPlainText().contains(
            QStringLiteral("\"shortText\": \"Pump housing CP-80 machined, s\"")));
        QTableWidget* diff = editor.diffTable();
        QCOMPARE(diff->rowCount(), static_cast<int>(editor.preview().payload.size()));
        const int diffShort = rowOf(diff, QStringLiteral("shortText"));
        QVERIFY(diffShort >= 0);
        QCOMPARE(diff->item(diffShort, 1)->text(), QString()); // unchanged
        // 40 characters cut to 30 under on_loss "warn": already lossy today.
        QCOMPARE(issueOf(fields, shortText), QStringLiteral("lossy"));

        // On loss "block" (chosen by keyboard): the same cut now blocks the delivery; undone, it is a warning again.
        QVERIFY(!editor.blocksOnLoss());
        editor.onLossBox()->setFocus();
        QTest::keyClick(editor.onLossBox(), Qt::Key_Up);
        QVERIFY(editor.blocksOnLoss());
        QTRY_COMPARE_WITH_TIMEOUT(issueOf(fields, shortText), QStringLiteral("blocking"), 10000);
        QVERIFY(editor.preview().blocked);
        QVERIFY(editor.editedDocument(QString())["contracts"].dump().find(R"("on_loss":"block")") != std::string::npos);
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!editor.blocksOnLoss());
        QCOMPARE(editor.onLossBox()->currentData().toString(), QStringLiteral("warn"));
        QTRY_COMPARE_WITH_TIMEOUT(issueOf(fields, shortText), QStringLiteral("lossy"), 10000);

        // Shrink the max length with the keyboard: F2, type, Enter.
        fields->setFocus();
        fields->setCurrentCell(shortText, MappingEditor::MaxLengthColumn);
        QTest::keyClick(fields, Qt::Key_F2);
        QWidget* focus = QApplication::focusWidget();
        QVERIFY(focus);
        auto* spin = qobject_cast<QSpinBox*>(focus);
        if (!spin)
            spin = qobject_cast<QSpinBox*>(focus->parentWidget());
        QVERIFY2(spin, focus->metaObject()->className());
        spin->selectAll();
        QTest::keyClicks(focus, QStringLiteral("12"));
        QTest::keyClick(focus, Qt::Key_Return);
        QTRY_COMPARE(fields->item(shortText, MappingEditor::MaxLengthColumn)->text(), QStringLiteral("12"));
        QTRY_COMPARE(editor.undoStack()->count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(editor.preview().payload.value("shortText", std::string()) == "Pump housing", 10000);
        QCOMPARE(issueOf(fields, shortText), QStringLiteral("lossy"));
        QVERIFY2(fields->item(shortText, 0)->toolTip().contains(QStringLiteral("keeps 12")),
            qPrintable(fields->item(shortText, 0)->toolTip()));
        QVERIFY(!fields->item(shortText, 0)->icon().isNull());
        bool listed = false;
        for (int i = 0; i < editor.messageList()->count(); ++i)
            listed = listed || editor.messageList()->item(i)->text().contains(QStringLiteral("WMS-P100 keeps 12"));
        QVERIFY(listed);
        QCOMPARE(diff->item(rowOf(diff, QStringLiteral("shortText")), 1)->text(), QStringLiteral("changed"));
        QVERIFY(diff->item(rowOf(diff, QStringLiteral("shortText")), 0)->font().bold());
        QVERIFY(
            diff->item(rowOf(diff, QStringLiteral("shortText")), 3)->text().contains(QStringLiteral("machined, s")));
        if (const QString shots = qEnvironmentVariable("MDSYNC_SHOT_DIR"); !shots.isEmpty())
            QVERIFY(editor.grab().save(shots + QStringLiteral("/gui-mapping-editor.png")));

        // Undo (Ctrl+Z) restores the 30 characters; redo (Ctrl+Shift+Z) the 12; undo again.
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(fields->item(shortText, MappingEditor::MaxLengthColumn)->text(), QStringLiteral("30"));
        QTRY_VERIFY_WITH_TIMEOUT(
            editor.preview().payload.value("shortText", std::string()) == "Pump housing CP-80 machined, s", 10000);
        QTRY_COMPARE(diff->item(rowOf(diff, QStringLiteral("shortText")), 1)->text(), QString());
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(fields->item(shortText, MappingEditor::MaxLengthColumn)->text(), QStringLiteral("12"));
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(fields->item(shortText, MappingEditor::MaxLengthColumn)->text(), QStringLiteral("30"));

        // Space toggles a flag; Ctrl+N adds a field after the current one; both undo.
        fields->setCurrentCell(shortText, MappingEditor::RequiredColumn);
        QTest::keyClick(fields, Qt::Key_Space);
        QTRY_VERIFY(editor.fields().at(static_cast<size_t>(shortText)).value("required", false));
        QCOMPARE(fields->item(shortText, MappingEditor::RequiredColumn)->checkState(), Qt::Checked);
        const int before = fields->rowCount();
        QTest::keyClick(&editor, Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(fields->rowCount(), before + 1);
        QCOMPARE(fields->currentRow(), shortText + 1); // after the current field
        QCOMPARE(fields->item(shortText + 1, MappingEditor::SourceColumn)->text(), QStringLiteral("$key"));
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(fields->rowCount(), before);
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QTRY_VERIFY(!editor.fields().at(static_cast<size_t>(shortText)).contains("required"));
        // Alt+Down moves the field (and says so in the undo text); Ctrl+Z moves it back.
        fields->setCurrentCell(shortText, MappingEditor::ToColumn);
        QTest::keyClick(&editor, Qt::Key_Down, Qt::AltModifier);
        QTRY_COMPARE(fields->item(shortText + 1, MappingEditor::ToColumn)->text(), QStringLiteral("shortText"));
        QCOMPARE(fields->currentRow(), shortText + 1);
        QCOMPARE(editor.undoStack()->undoText(), QStringLiteral("Move field shortText"));
        QTest::keyClick(&editor, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(fields->item(shortText, MappingEditor::ToColumn)->text(), QStringLiteral("shortText"));

        // A handling unit type of at most 10 characters (the samples keep passing), proposed as contracts 2026.11.1.
        const int huType = rowOf(fields, QStringLiteral("huType"));
        QVERIFY(huType >= 0);
        fields->item(huType, MappingEditor::MaxLengthColumn)->setText(QStringLiteral("10"));
        QTRY_COMPARE(editor.fields().at(static_cast<size_t>(huType)).value("max_length", 0), 10);
        QCOMPARE(editor.undoStack()->count(), 1); // the undone edit is replaced
        QVERIFY(!editor.undoStack()->isClean());
        QSignalSpy proposed(&editor, &MappingEditor::proposed);
        QSignalSpy refused(&editor, &MappingEditor::proposeRefused);
        // Ctrl+S: the dialog offers the next document version and a title, and wants a reason before it proposes.
        bool dialogChecked = false;
        QTimer::singleShot(0, &editor, [&dialogChecked] {
            auto* d = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!d || d->objectName() != QLatin1String("saveProposalDialog"))
                return;
            auto* ok = d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
            const bool disabledWithoutReason = !ok->isEnabled();
            auto* version = d->findChild<QLineEdit*>(QStringLiteral("proposalVersion"));
            auto* reason = d->findChild<QPlainTextEdit*>(QStringLiteral("proposalReason"));
            reason->setFocus();
            QTest::keyClicks(reason, QStringLiteral("WMS 7.3 keeps 10 characters"));
            dialogChecked = disabledWithoutReason && ok->isEnabled() && version->text() == QLatin1String("2026.11.1");
            ok->click();
        });
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(dialogChecked);
        QTRY_VERIFY_WITH_TIMEOUT(proposed.size() + refused.size() == 1, 20000);
        QVERIFY2(refused.isEmpty(), refused.isEmpty() ? "" : qPrintable(refused.at(0).at(0).toString()));
        QVERIFY(editor.undoStack()->isClean());

        auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
        QVERIFY(ws.ok());
        MDSYNC_REQUIRE_OK(pending, listProposals(ws.value()->db(), "proposed"));
        QCOMPARE(pending->size(), size_t(1));
        const ConfigProposal& p = pending->front();
        QCOMPARE(qs(p.kind), QStringLiteral("contracts"));
        QCOMPARE(qs(p.proposedBy), QStringLiteral("ada"));
        QCOMPARE(qs(p.version), QStringLiteral("2026.11.1"));
        const json doc = json::parse(p.document);
        int found = 0;
        for (const auto& c : doc["contracts"])
            if (c["domain"] == "item" && c["target"] == "WMS-P100")
                for (const auto& f : c["fields"])
                    if (f["to"] == "huType" && f.value("max_length", 0) == 10)
                        ++found;
        QCOMPARE(found, 1);
        bool summarised = false;
        for (const std::string& line : p.summary)
            summarised = summarised || line.find("huType") != std::string::npos;
        QVERIFY(summarised);

        // The summary is shown (the change and the trial lines); closing it leaves the editor.
        auto* summary = editor.findChild<QMessageBox*>(QStringLiteral("proposalSummary"));
        QVERIFY(summary);
        QVERIFY2(summary->informativeText().contains(QStringLiteral("field huType changed")),
            qPrintable(summary->informativeText()));
        QVERIFY2(summary->informativeText().contains(QStringLiteral("trial item->WMS-P100 v1")),
            qPrintable(summary->informativeText()));
        summary->accept();
        QApplication::setActiveWindow(&editor);
        QVERIFY(QTest::qWaitForWindowActive(&editor));

        // F1: the editor's help page.
        QTest::keyClick(&editor, Qt::Key_F1);
        auto* help = editor.findChild<HelpWindow*>();
        QVERIFY(help);
        QCOMPARE(help->currentPage(), QStringLiteral("mapping"));
        QVERIFY(help->currentHtml().contains(QStringLiteral("Save as proposal")));
    }

    void onlyAdminsMaySaveAndPoliciesOpensTheEditor()
    {
        MDSYNC_SQLITE_ONLY("acknowledges deliveries through a raw SQLite connection");
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(makeWorkspace(tw));
        const QString path = tw.path();
        tw.close();
        Rig rig;
        QVERIFY(rig.start(path, "sam"));
        MappingEditor editor(rig.ctx());
        QSignalSpy loaded(&editor, &MappingEditor::loaded);
        QVERIFY(loaded.wait(10000) || editor.isLoaded());
        QVERIFY(!editor.saveButton()->isEnabled());
        QVERIFY2(editor.saveButton()->toolTip().contains(QStringLiteral("Only admins")),
            qPrintable(editor.saveButton()->toolTip()));

        // The core refuses too, whatever the UI shows.
        QSignalSpy refused(&editor, &MappingEditor::proposeRefused);
        editor.propose(QStringLiteral("2026.11.9"), QStringLiteral("t"), QStringLiteral("r"), std::nullopt);
        QVERIFY(refused.wait(10000));

        PoliciesView policies(rig.ctx());
        QSignalSpy policiesLoaded(&policies, &PoliciesView::loaded);
        policies.activate();
        QVERIFY(policiesLoaded.wait(10000));
        QVERIFY(!policies.editMappingButton()->isEnabled()); // nothing selected
        policies.findChild<QTabWidget*>()->setCurrentWidget(policies.subscriptionTable());
        QTableWidget* subs = policies.subscriptionTable();
        int row = -1;
        for (int r = 0; r < subs->rowCount(); ++r)
            if (subs->item(r, 0)->text() == QLatin1String("location")
                && subs->item(r, 1)->text() == QLatin1String("WMS-P100"))
                row = r;
        QVERIFY(row >= 0);
        subs->setCurrentCell(row, 0);
        QVERIFY(policies.editMappingButton()->isEnabled());
        QSignalSpy requested(&rig.nav, &Navigator::mappingEditorRequested);
        QTest::mouseClick(policies.editMappingButton(), Qt::LeftButton);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("location"));
        QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("WMS-P100"));
    }

    void sourceTextRoundTrips()
    {
        json f = { { "to", "x" }, { "from", "description" } };
        MappingEditor::applySourceText(f, QStringLiteral("=\"MDSYNC\""));
        QVERIFY(!f.contains("from"));
        QCOMPARE(qs(f["value"].get<std::string>()), QStringLiteral("MDSYNC"));
        QCOMPARE(MappingEditor::sourceText(f), QStringLiteral("=\"MDSYNC\""));
        MappingEditor::applySourceText(f, QStringLiteral("{description} ({$key})"));
        QVERIFY(!f.contains("value"));
        QCOMPARE(qs(f["format"].get<std::string>()), QStringLiteral("{description} ({$key})"));
        MappingEditor::applySourceText(f, QStringLiteral("=true"));
        QVERIFY(f["value"].is_boolean());
        MappingEditor::applySourceText(f, QStringLiteral(" $key "));
        QCOMPARE(qs(f["from"].get<std::string>()), QStringLiteral("$key"));
        QCOMPARE(MappingEditor::bumpedVersion(QStringLiteral("2026.11")), QStringLiteral("2026.11.1"));
        QCOMPARE(MappingEditor::bumpedVersion(QStringLiteral("2026.11.4")), QStringLiteral("2026.11.5"));
    }
};

QTEST_MAIN(TestMappingEditor)
#include "tst_mappingeditor.moc"
