#include "views/mappingeditor.h"

#include "access/roles.h"
#include "config/configstore.h"
#include "corecontroller.h"
#include "engine/embeddedcore.h"
#include "helppages.h"
#include "steward/configchange.h"
#include "store/readviews.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFont>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace mdsync::ui {

using json = nlohmann::json;

namespace {

constexpr int kMapEdIssueRole = Qt::UserRole + 1; // on the target field's cell: "blocking", "lossy" or empty

QString mapEdJsonText(const json& v)
{
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString::fromStdString(v.dump());
}

// "ambient=AMB, cool=COOL" <-> {"ambient": "AMB", "cool": "COOL"}; a value that reads as a JSON number, boolean or
// null is taken as that.
QString mapEdMapText(const json& map)
{
    QStringList parts;
    if (map.is_object())
        for (auto it = map.begin(); it != map.end(); ++it)
            parts << QString::fromStdString(it.key()) + QLatin1Char('=') + mapEdJsonText(it.value());
    return parts.join(QStringLiteral(", "));
}

json mapEdParseMap(const QString& text)
{
    json map = json::object();
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        const QString from = (eq < 0 ? part : part.left(eq)).trimmed();
        const QString to = eq < 0 ? QString() : part.mid(eq + 1).trimmed();
        if (from.isEmpty())
            continue;
        json value = json::parse(to.toStdString(), nullptr, false);
        if (value.is_discarded() || value.is_object() || value.is_array() || value.is_string())
            value = to.toStdString();
        map[from.toStdString()] = value;
    }
    return map;
}

// The top-level target field an issue belongs to: "lines[2].qty" -> "lines".
QString mapEdTopField(const std::string& path)
{
    const auto end = path.find_first_of("[.");
    return QString::fromStdString(end == std::string::npos ? path : path.substr(0, end));
}

} // namespace

// Every edit of the editor is one of these: the field list before and after (contracts are small).
class MappingFieldsCommand final : public QUndoCommand
{
public:
    MappingFieldsCommand(MappingEditor* editor, std::vector<json> before, std::vector<json> after, const QString& text)
        : QUndoCommand(text)
        , m_editor(editor)
        , m_before(std::move(before))
        , m_after(std::move(after))
    { }
    void redo() override { m_editor->setFields(m_after); }
    void undo() override { m_editor->setFields(m_before); }

private:
    MappingEditor* m_editor;
    std::vector<json> m_before, m_after;
};

class MappingOnLossCommand final : public QUndoCommand
{
public:
    MappingOnLossCommand(MappingEditor* editor, bool before, bool after)
        : QUndoCommand(after ? MappingEditor::tr("On loss: block") : MappingEditor::tr("On loss: warn"))
        , m_editor(editor)
        , m_before(before)
        , m_after(after)
    { }
    void redo() override { m_editor->applyOnLoss(m_after); }
    void undo() override { m_editor->applyOnLoss(m_before); }

private:
    MappingEditor* m_editor;
    bool m_before, m_after;
};

namespace {

// Editors per column: attributes of the domain for the source, the model's units, spin boxes for the numbers
// (their lowest value means "none"), common patterns for the date format.
class MappingFieldDelegate final : public QStyledItemDelegate
{
public:
    MappingFieldDelegate(std::function<QStringList()> attributes, std::function<QStringList()> units, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_attributes(std::move(attributes))
        , m_units(std::move(units))
    { }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        switch (index.column()) {
        case MappingEditor::SourceColumn:
        case MappingEditor::UnitColumn:
        case MappingEditor::DateFormatColumn: {
            auto* box = new QComboBox(parent);
            box->setEditable(true);
            box->setInsertPolicy(QComboBox::NoInsert);
            if (index.column() == MappingEditor::SourceColumn)
                box->addItems(QStringList { QStringLiteral("$key") } + m_attributes());
            else if (index.column() == MappingEditor::UnitColumn)
                box->addItems(QStringList { QString() } + m_units());
            else
                box->addItems({ QString(), QStringLiteral("yyyy-MM-dd"), QStringLiteral("dd.MM.yyyy"),
                    QStringLiteral("MM/dd/yyyy"), QStringLiteral("yyyyMMdd"), QStringLiteral("dd.MM.yyyy HH:mm"),
                    QStringLiteral("yyyy-MM-dd HH:mm:ss") });
            return box;
        }
        case MappingEditor::DecimalsColumn:
        case MappingEditor::MaxLengthColumn: {
            auto* spin = new QSpinBox(parent);
            const bool decimals = index.column() == MappingEditor::DecimalsColumn;
            spin->setRange(decimals ? -1 : 0, decimals ? 12 : 100000);
            spin->setSpecialValueText(MappingEditor::tr("none"));
            return spin;
        }
        default:
            return QStyledItemDelegate::createEditor(parent, option, index);
        }
    }

    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        const QString text = index.data(Qt::EditRole).toString();
        if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            spin->setValue(text.isEmpty() ? spin->minimum() : text.toInt());
            return;
        }
        if (auto* box = qobject_cast<QComboBox*>(editor)) {
            box->setCurrentText(text);
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }

    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            model->setData(
                index, spin->value() == spin->minimum() ? QString() : QString::number(spin->value()), Qt::EditRole);
            return;
        }
        if (auto* box = qobject_cast<QComboBox*>(editor)) {
            model->setData(index, box->currentText().trimmed(), Qt::EditRole);
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }

private:
    std::function<QStringList()> m_attributes;
    std::function<QStringList()> m_units;
};

Result<MappingEditorSnapshot> mapEdLoad(QSqlDatabase& db, const QString& path, const std::string& actor)
{
    MappingEditorSnapshot s;
    if (auto roles = rolesOf(db, actor))
        for (Role r : roles->roles)
            s.mayPropose = s.mayPropose || allows(r, Action::ProposeChange);
    auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
    if (!ws)
        return makeError(ws.error());
    auto cfg = loadConfigAt(*ws.value(), nowMs());
    if (!cfg)
        return makeError(cfg.error());
    s.document = cfg->contracts->document();
    for (const SubscriptionDef& sub : cfg->landscape->subscriptions())
        s.subscriptions.push_back({ qs(sub.domain), qs(sub.target), qs(sub.contractVersion) });
    for (const DomainDef& d : cfg->model->domains()) {
        QStringList names;
        for (const AttributeDef& a : d.attributes)
            names << qs(a.name);
        s.attributes.insert(qs(d.name), names);
    }
    for (const Unit& u : cfg->model->units().units())
        s.units << qs(u.symbol);
    return s;
}

} // namespace

MappingEditor::MappingEditor(AppContext ctx, QWidget* parent)
    : QDialog(parent)
    , m_ctx(ctx)
{
    setWindowTitle(tr("Mapping editor"));
    setWindowFlag(Qt::Window);
    setObjectName(QStringLiteral("mappingEditor"));
    m_undo = new QUndoStack(this);

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_targetBox = new QComboBox(this);
    m_targetBox->setObjectName(QStringLiteral("targetBox"));
    m_targetBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_targetBox->setMinimumContentsLength(10);
    m_domainBox = new QComboBox(this);
    m_domainBox->setObjectName(QStringLiteral("domainBox"));
    m_domainBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_domainBox->setMinimumContentsLength(8);
    m_contractLabel = new QLabel(this);
    m_onLossBox = new QComboBox(this);
    m_onLossBox->setObjectName(QStringLiteral("onLossBox"));
    m_onLossBox->addItem(tr("block the delivery"), QStringLiteral("block"));
    m_onLossBox->addItem(tr("send with a warning"), QStringLiteral("warn"));
    m_onLossBox->setToolTip(tr("What an issue that loses information (a cut text, a rounding, a code without target"
                               " value) does: on_loss"));
    auto* onLossLabel = new QLabel(tr("On &loss:"), this);
    onLossLabel->setBuddy(m_onLossBox);
    m_object = new QComboBox(this);
    m_object->setObjectName(QStringLiteral("objectBox"));
    m_object->setEditable(true);
    m_object->setInsertPolicy(QComboBox::NoInsert);
    m_object->setMinimumWidth(180);
    m_object->lineEdit()->setPlaceholderText(tr("object key…"));
    auto* targetLabel = new QLabel(tr("&Target:"), this);
    targetLabel->setBuddy(m_targetBox);
    auto* domainLabel = new QLabel(tr("&Domain:"), this);
    domainLabel->setBuddy(m_domainBox);
    auto* objectLabel = new QLabel(tr("Preview &object:"), this);
    objectLabel->setBuddy(m_object);
    top->addWidget(targetLabel);
    top->addWidget(m_targetBox);
    top->addWidget(domainLabel);
    top->addWidget(m_domainBox);
    top->addWidget(m_contractLabel, 1);
    top->addWidget(onLossLabel);
    top->addWidget(m_onLossBox);
    top->addWidget(objectLabel);
    top->addWidget(m_object);
    layout->addLayout(top);

    // Actions: every one has a shortcut and a button (nothing is mouse-only).
    auto* undo = m_undo->createUndoAction(this, tr("Undo"));
    undo->setShortcuts({ QKeySequence::Undo });
    auto* redo = m_undo->createRedoAction(this, tr("Redo"));
    redo->setShortcuts({ QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y) });
    auto* add = new QAction(tr("Add field"), this);
    add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    auto* remove = new QAction(tr("Remove field"), this);
    remove->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Delete));
    auto* up = new QAction(tr("Move up"), this);
    up->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    auto* down = new QAction(tr("Move down"), this);
    down->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    auto* previewNow = new QAction(tr("Preview now"), this);
    previewNow->setShortcut(QKeySequence(Qt::Key_F5));
    auto* save = new QAction(tr("Save as proposal…"), this);
    save->setShortcut(QKeySequence::Save);
    auto* help = new QAction(tr("Help"), this);
    help->setShortcut(QKeySequence::HelpContents);
    auto* findObject = new QAction(tr("Pick an object"), this);
    findObject->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    for (QAction* a : { undo, redo, add, remove, up, down, previewNow, save, help, findObject }) {
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);
    }

    auto* bar = new QHBoxLayout;
    auto button = [this, bar](QAction* a, const char* name) {
        auto* b = new QPushButton(a->text(), this);
        b->setObjectName(QLatin1String(name));
        b->setToolTip(QStringLiteral("%1 (%2)").arg(a->text(), a->shortcut().toString(QKeySequence::NativeText)));
        b->setAutoDefault(false);
        b->setEnabled(a->isEnabled());
        connect(b, &QPushButton::clicked, a, &QAction::trigger);
        connect(a, &QAction::changed, b, [a, b] {
            b->setEnabled(a->isEnabled());
            if (!a->text().isEmpty() && b->objectName() != QLatin1String("saveButton"))
                b->setText(a->text());
        });
        bar->addWidget(b);
        return b;
    };
    button(add, "addButton");
    button(remove, "removeButton");
    button(up, "upButton");
    button(down, "downButton");
    button(undo, "undoButton");
    button(redo, "redoButton");
    bar->addStretch(1);
    button(help, "helpButton");
    m_save = button(save, "saveButton");
    m_save->setEnabled(false);
    layout->addLayout(bar);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(0, ColumnCount, split);
    m_table->setObjectName(QStringLiteral("fieldTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Target field"), tr("Source (attribute, $key, =constant or {format})"), tr("Unit"), tr("Decimals"),
            tr("Max length"), tr("Code map"), tr("Date format"), tr("Required"), tr("Editable") });
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_table->setTabKeyNavigation(false); // Tab leaves the table; arrows move between cells, F2 edits
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setItemDelegate(new MappingFieldDelegate(
        [this] { return m_snapshot.attributes.value(currentDomain()); }, [this] { return m_snapshot.units; }, m_table));
    split->addWidget(m_table);

    auto* previewBox = new QWidget(split);
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    m_ackedLabel = new QLabel(previewBox);
    m_ackedLabel->setWordWrap(true);
    previewLayout->addWidget(m_ackedLabel);
    auto* previewSplit = new QSplitter(Qt::Horizontal, previewBox);
    m_payload = new QPlainTextEdit(previewSplit);
    m_payload->setObjectName(QStringLiteral("payloadView"));
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(tr("The payload the edited contract makes of the object"));
    m_diff = new QTableWidget(0, 4, previewSplit);
    m_diff->setObjectName(QStringLiteral("diffTable"));
    m_diff->setHorizontalHeaderLabels({ tr("Field"), tr("Change"), tr("Edited contract"), tr("Last acknowledged") });
    m_diff->verticalHeader()->hide();
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->horizontalHeader()->setStretchLastSection(true);
    m_diff->setTabKeyNavigation(false);
    m_diff->verticalHeader()->setDefaultSectionSize(m_diff->fontMetrics().height() + 8);
    previewSplit->addWidget(m_payload);
    previewSplit->addWidget(m_diff);
    previewSplit->setStretchFactor(0, 2);
    previewSplit->setStretchFactor(1, 3);
    previewLayout->addWidget(previewSplit, 1);
    m_messages = new QListWidget(previewBox);
    m_messages->setObjectName(QStringLiteral("messageList"));
    m_messages->setMaximumHeight(72);
    m_messages->setWordWrap(true);
    previewLayout->addWidget(m_messages);
    split->addWidget(previewBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({ 440, 340 });
    layout->addWidget(split, 1);

    m_status = new QLabel(tr("Loading the contracts in force…"), this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    setTabOrder(m_targetBox, m_domainBox);
    setTabOrder(m_domainBox, m_onLossBox);
    setTabOrder(m_onLossBox, m_object);
    setTabOrder(m_object, m_table);
    setTabOrder(m_table, m_payload);
    setTabOrder(m_payload, m_diff);
    setTabOrder(m_diff, m_messages);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(300);
    connect(m_previewTimer, &QTimer::timeout, this, &MappingEditor::runPreview);
    m_keysTimer = new QTimer(this);
    m_keysTimer->setSingleShot(true);
    m_keysTimer->setInterval(250);
    connect(m_keysTimer, &QTimer::timeout, this, [this] { searchObjects(m_object->currentText().trimmed()); });

    connect(m_targetBox, &QComboBox::currentIndexChanged, this, &MappingEditor::targetChosen);
    connect(m_domainBox, &QComboBox::currentIndexChanged, this, &MappingEditor::contractChosen);
    connect(m_onLossBox, &QComboBox::currentIndexChanged, this,
        [this] { setBlockOnLoss(m_onLossBox->currentData().toString() == QLatin1String("block")); });
    connect(m_object->lineEdit(), &QLineEdit::textEdited, m_keysTimer, qOverload<>(&QTimer::start));
    connect(m_object, &QComboBox::activated, this, &MappingEditor::schedulePreview);
    connect(m_object, &QComboBox::currentIndexChanged, this, &MappingEditor::schedulePreview); // arrow keys
    connect(m_object->lineEdit(), &QLineEdit::returnPressed, this, &MappingEditor::schedulePreview);
    connect(m_table, &QTableWidget::cellChanged, this, &MappingEditor::cellEdited);
    connect(add, &QAction::triggered, this, &MappingEditor::addField);
    connect(remove, &QAction::triggered, this, [this] { removeField(m_table->currentRow()); });
    connect(up, &QAction::triggered, this, [this] { moveField(m_table->currentRow(), -1); });
    connect(down, &QAction::triggered, this, [this] { moveField(m_table->currentRow(), 1); });
    connect(previewNow, &QAction::triggered, this, &MappingEditor::runPreview);
    connect(save, &QAction::triggered, this, &MappingEditor::saveDialog);
    connect(help, &QAction::triggered, this, &MappingEditor::showHelp);
    connect(findObject, &QAction::triggered, this, [this] {
        m_object->setFocus(Qt::ShortcutFocusReason);
        m_object->lineEdit()->selectAll();
    });
    resize(1400, 860);
    load();
}

QString MappingEditor::currentDomain() const
{
    return m_domainBox->currentData().toString();
}

QString MappingEditor::currentTarget() const
{
    return m_targetBox->currentText();
}

QString MappingEditor::currentVersion() const
{
    for (const auto& s : m_snapshot.subscriptions)
        if (s.domain == currentDomain() && s.target == currentTarget())
            return s.contractVersion;
    return QStringLiteral("1");
}

void MappingEditor::load()
{
    if (!m_ctx.reader)
        return;
    const QString path = m_ctx.reader->path();
    const std::string actor = m_ctx.core ? m_ctx.core->actor() : std::string();
    m_ctx.reader->run<MappingEditorSnapshot>(
        this, &m_configChannel, [path, actor](QSqlDatabase& db) { return mapEdLoad(db, path, actor); },
        [this](Result<MappingEditorSnapshot> r) {
            if (!r) {
                m_status->setText(tr("Cannot read the contracts in force: %1").arg(r.error()));
                return;
            }
            m_snapshot = std::move(r).value();
            m_loaded = true;
            m_save->setEnabled(m_snapshot.mayPropose);
            m_save->setToolTip(m_snapshot.mayPropose
                    ? tr("Propose the edited contracts for a second admin's approval (%1)")
                          .arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText))
                    : tr("Only admins can propose contract changes; %1 is not an admin")
                          .arg(m_ctx.core ? qs(m_ctx.core->actor()) : QString()));
            fillChoosers();
            Q_EMIT loaded();
        });
}

void MappingEditor::fillChoosers()
{
    const QSignalBlocker block(m_targetBox);
    m_targetBox->clear();
    QStringList targets;
    for (const auto& s : m_snapshot.subscriptions)
        if (!targets.contains(s.target))
            targets << s.target;
    targets.sort();
    m_targetBox->addItems(targets);
    if (!m_wantTarget.isEmpty() && targets.contains(m_wantTarget))
        m_targetBox->setCurrentText(m_wantTarget);
    targetChosen();
}

void MappingEditor::selectContract(const QString& domain, const QString& target)
{
    m_wantDomain = domain;
    m_wantTarget = target;
    if (m_loaded)
        fillChoosers();
}

void MappingEditor::targetChosen()
{
    const QSignalBlocker block(m_domainBox);
    m_domainBox->clear();
    for (const auto& s : m_snapshot.subscriptions)
        if (s.target == currentTarget() && m_domainBox->findData(s.domain) < 0)
            m_domainBox->addItem(s.domain, s.domain);
    const int want = m_domainBox->findData(m_wantDomain);
    if (want >= 0)
        m_domainBox->setCurrentIndex(want);
    contractChosen();
}

void MappingEditor::contractChosen()
{
    // Another contract: its own edits start afresh, once the user agreed to drop the edits not proposed.
    if ((currentDomain() != m_shownDomain || currentTarget() != m_shownTarget) && !m_undo->isClean()
        && QMessageBox::question(this, tr("Mapping editor"),
               tr("Discard the edits of %1 that were not proposed?")
                   .arg(m_shownDomain + QStringLiteral("->") + m_shownTarget))
            != QMessageBox::Yes) {
        const QSignalBlocker blockTarget(m_targetBox);
        const QSignalBlocker blockDomain(m_domainBox);
        m_targetBox->setCurrentText(m_shownTarget);
        m_domainBox->clear();
        for (const auto& s : m_snapshot.subscriptions)
            if (s.target == m_shownTarget && m_domainBox->findData(s.domain) < 0)
                m_domainBox->addItem(s.domain, s.domain);
        m_domainBox->setCurrentIndex(m_domainBox->findData(m_shownDomain));
        return;
    }
    m_shownDomain = currentDomain();
    m_shownTarget = currentTarget();
    m_undo->clear();
    std::vector<json> fields;
    bool found = false;
    bool onLossBlock = true;
    for (const json& c : m_snapshot.document.value("contracts", json::array()))
        if (c.value("domain", std::string()) == currentDomain().toStdString()
            && c.value("target", std::string()) == currentTarget().toStdString()
            && c.value("version", std::string()) == currentVersion().toStdString()) {
            for (const json& f : c.value("fields", json::array()))
                fields.push_back(f);
            found = true;
            onLossBlock = c.value("on_loss", std::string("block")) != "warn";
        }
    if (!found)
        fields.push_back({ { "from", "$key" }, { "to", "key" } });
    const QString name = qs(
        contractName(currentDomain().toStdString(), currentTarget().toStdString(), currentVersion().toStdString()));
    m_contractLabel->setText(found
            ? tr("Contract <b>%1</b> (contracts %2)")
                  .arg(name.toHtmlEscaped(), mapEdJsonText(m_snapshot.document.value("version", json())))
            : tr("<b>%1</b> has no contract yet (generic): a new one").arg(name.toHtmlEscaped()));
    m_status->setText(tr("Edit a cell with F2 or by typing; Ctrl+Z undoes, Ctrl+Shift+Z redoes."));
    applyOnLoss(onLossBlock);
    setFields(fields);
    m_object->clear();
    searchObjects(QString());
}

void MappingEditor::setObjectKey(const QString& key)
{
    m_object->setEditText(key);
    schedulePreview();
}

void MappingEditor::searchObjects(const QString& prefix)
{
    if (!m_ctx.reader || currentDomain().isEmpty())
        return;
    const QString domain = currentDomain();
    m_ctx.reader->run<std::vector<read::ObjectKey>>(
        this, &m_keysChannel, [domain, prefix](QSqlDatabase& db) { return read::objectKeys(db, domain, prefix, 50); },
        [this, prefix](Result<std::vector<read::ObjectKey>> r) {
            if (!r) {
                m_status->setText(tr("Cannot list the objects: %1").arg(r.error()));
                return;
            }
            const QString typed = m_object->currentText();
            {
                const QSignalBlocker block(m_object);
                m_object->clear();
                for (const auto& k : r.value()) {
                    m_object->addItem(k.key);
                    m_object->setItemData(m_object->count() - 1, k.description, Qt::ToolTipRole);
                }
                m_object->setEditText(typed);
            }
            // The first object of the domain, when none is chosen yet: the preview shows something at once.
            if (prefix.isEmpty() && typed.isEmpty() && m_object->count() > 0) {
                m_object->setEditText(m_object->itemText(0));
                schedulePreview();
            }
        });
}

void MappingEditor::setFields(const std::vector<json>& fields)
{
    m_fields = fields;
    fillTable();
    schedulePreview();
}

void MappingEditor::pushFields(std::vector<json> after, const QString& what)
{
    if (after == m_fields) {
        fillTable(); // an edit that changed nothing: show the field as it is
        return;
    }
    m_undo->push(new MappingFieldsCommand(this, m_fields, std::move(after), what));
}

void MappingEditor::setBlockOnLoss(bool block)
{
    if (block != m_blockOnLoss)
        m_undo->push(new MappingOnLossCommand(this, m_blockOnLoss, block));
}

void MappingEditor::applyOnLoss(bool block)
{
    m_blockOnLoss = block;
    const QSignalBlocker blocker(m_onLossBox);
    m_onLossBox->setCurrentIndex(m_onLossBox->findData(block ? QStringLiteral("block") : QStringLiteral("warn")));
    schedulePreview();
}

void MappingEditor::setField(int row, const json& field, const QString& what)
{
    if (row < 0 || row >= static_cast<int>(m_fields.size()))
        return;
    auto after = m_fields;
    after[static_cast<size_t>(row)] = field;
    pushFields(std::move(after), what);
}

void MappingEditor::addField()
{
    auto after = m_fields;
    const int row = m_table->currentRow() < 0 ? static_cast<int>(after.size()) : m_table->currentRow() + 1;
    after.insert(after.begin() + row, json { { "from", "$key" }, { "to", "newField" + std::to_string(row + 1) } });
    pushFields(std::move(after), tr("Add field"));
    m_table->setCurrentCell(row, ToColumn);
    m_table->setFocus(Qt::OtherFocusReason);
}

void MappingEditor::removeField(int row)
{
    if (row < 0 || row >= static_cast<int>(m_fields.size()) || m_fields.size() < 2)
        return; // a contract keeps at least one field
    auto after = m_fields;
    const QString name = mapEdJsonText(after[static_cast<size_t>(row)].value("to", json()));
    after.erase(after.begin() + row);
    pushFields(std::move(after), tr("Remove field %1").arg(name));
    m_table->setCurrentCell(std::min(row, static_cast<int>(m_fields.size()) - 1), m_table->currentColumn());
}

void MappingEditor::moveField(int row, int delta)
{
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= static_cast<int>(m_fields.size()))
        return;
    auto after = m_fields;
    std::swap(after[static_cast<size_t>(row)], after[static_cast<size_t>(to)]);
    const int column = std::max(0, m_table->currentColumn());
    const QString what = tr("Move field %1").arg(mapEdJsonText(after[static_cast<size_t>(to)].value("to", json())));
    pushFields(std::move(after), what);
    m_table->setCurrentCell(to, column);
}

QString MappingEditor::sourceText(const json& f)
{
    if (f.contains("format"))
        return mapEdJsonText(f["format"]);
    if (f.contains("value"))
        return QStringLiteral("=") + QString::fromStdString(f["value"].dump());
    return mapEdJsonText(f.value("from", json("")));
}

void MappingEditor::applySourceText(json& f, const QString& raw)
{
    const QString text = raw.trimmed();
    f.erase("from");
    f.erase("value");
    f.erase("format");
    if (text.startsWith(QLatin1Char('='))) {
        const QString constant = text.mid(1).trimmed();
        json v = json::parse(constant.toStdString(), nullptr, false);
        f["value"] = v.is_discarded() ? json(constant.toStdString()) : v;
    } else if (text.contains(QLatin1Char('{'))) {
        f["format"] = text.toStdString();
    } else {
        f["from"] = text.toStdString();
    }
}

void MappingEditor::fillTable()
{
    m_filling = true;
    const int row = m_table->currentRow();
    const int column = m_table->currentColumn();
    m_table->setRowCount(static_cast<int>(m_fields.size()));
    for (int r = 0; r < static_cast<int>(m_fields.size()); ++r) {
        const json& f = m_fields[static_cast<size_t>(r)];
        auto text = [&f](const char* key) { return f.contains(key) ? mapEdJsonText(f[key]) : QString(); };
        const QStringList cells { text("to"), sourceText(f), text("unit"), text("decimals"), text("max_length"),
            mapEdMapText(f.value("map", json())), text("date_format") };
        for (int c = 0; c < static_cast<int>(cells.size()); ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            if (c == SourceColumn && f.contains("columns"))
                item->setToolTip(tr("A table: %n column(s) mapped row by row (kept as they are)", nullptr,
                    static_cast<int>(f["columns"].size())));
            m_table->setItem(r, c, item);
        }
        for (int c : { RequiredColumn, EditableColumn }) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            const bool on = f.value(c == RequiredColumn ? "required" : "editable", false);
            item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
            item->setText(on ? tr("yes") : tr("no"));
            m_table->setItem(r, c, item);
        }
    }
    m_table->resizeColumnsToContents();
    for (int c = 0; c < ColumnCount; ++c)
        m_table->setColumnWidth(c, std::clamp(m_table->columnWidth(c), 70, 300));
    if (row >= 0 && row < m_table->rowCount())
        m_table->setCurrentCell(row, std::max(0, column));
    else if (m_table->rowCount() > 0 && row >= 0)
        m_table->setCurrentCell(m_table->rowCount() - 1, std::max(0, column));
    m_filling = false;
}

void MappingEditor::cellEdited(int row, int column)
{
    if (m_filling || row < 0 || row >= static_cast<int>(m_fields.size()))
        return;
    const QTableWidgetItem* item = m_table->item(row, column);
    if (!item)
        return;
    json f = m_fields[static_cast<size_t>(row)];
    const QString text = item->text().trimmed();
    const QString name = mapEdJsonText(f.value("to", json()));
    auto setOrErase = [&f](const char* key, const QString& value, bool asInt) {
        if (value.isEmpty())
            f.erase(key);
        else if (asInt)
            f[key] = value.toInt();
        else
            f[key] = value.toStdString();
    };
    QString what;
    switch (column) {
    case ToColumn:
        f["to"] = text.toStdString();
        what = tr("Rename field %1 to %2").arg(name, text);
        break;
    case SourceColumn:
        applySourceText(f, text);
        what = tr("Source of %1: %2").arg(name, text);
        break;
    case UnitColumn:
        setOrErase("unit", text, false);
        what = tr("Unit of %1").arg(name);
        break;
    case DecimalsColumn:
        setOrErase("decimals", text.toInt() < 0 ? QString() : text, true);
        what = tr("Decimals of %1").arg(name);
        break;
    case MaxLengthColumn:
        setOrErase("max_length", text.toInt() <= 0 ? QString() : text, true);
        what = tr("Max length of %1").arg(name);
        break;
    case MapColumn: {
        const json map = mapEdParseMap(text);
        if (map.empty())
            f.erase("map");
        else
            f["map"] = map;
        what = tr("Code map of %1").arg(name);
        break;
    }
    case DateFormatColumn:
        setOrErase("date_format", text, false);
        what = tr("Date format of %1").arg(name);
        break;
    case RequiredColumn:
    case EditableColumn: {
        const char* key = column == RequiredColumn ? "required" : "editable";
        if (item->checkState() == Qt::Checked)
            f[key] = true;
        else
            f.erase(key);
        what = column == RequiredColumn ? tr("Required: %1").arg(name) : tr("Editable: %1").arg(name);
        break;
    }
    default:
        return;
    }
    // Deferred: the table is inside its own item change now.
    QTimer::singleShot(0, this, [this, row, f, what] { setField(row, f, what); });
}

json MappingEditor::editedDocument(const QString& version) const
{
    json doc = m_snapshot.document.is_object() ? m_snapshot.document : json::object();
    if (!version.isEmpty())
        doc["version"] = version.toStdString();
    json fields = json::array();
    for (const json& f : m_fields)
        fields.push_back(f);
    const std::string domain = currentDomain().toStdString();
    const std::string target = currentTarget().toStdString();
    const std::string cv = currentVersion().toStdString();
    if (!doc.contains("contracts") || !doc["contracts"].is_array())
        doc["contracts"] = json::array();
    for (json& c : doc["contracts"])
        if (c.value("domain", std::string()) == domain && c.value("target", std::string()) == target
            && c.value("version", std::string()) == cv) {
            c["fields"] = std::move(fields);
            if (!m_blockOnLoss || c.contains("on_loss")) // "block" is the default: not written unless it was
                c["on_loss"] = m_blockOnLoss ? "block" : "warn";
            return doc;
        }
    json contract = { { "domain", domain }, { "target", target }, { "version", cv }, { "fields", fields } };
    if (!m_blockOnLoss)
        contract["on_loss"] = "warn";
    doc["contracts"].push_back(std::move(contract));
    return doc;
}

QString MappingEditor::bumpedVersion(const QString& version)
{
    if (version.isEmpty())
        return QStringLiteral("1");
    const qsizetype dot = version.lastIndexOf(QLatin1Char('.'));
    if (dot > version.indexOf(QLatin1Char('.'))) { // a third part: count it up
        bool ok = false;
        const int n = version.mid(dot + 1).toInt(&ok);
        if (ok)
            return version.left(dot + 1) + QString::number(n + 1);
    }
    return version + QStringLiteral(".1");
}

void MappingEditor::schedulePreview()
{
    m_previewTimer->start();
}

void MappingEditor::runPreview()
{
    m_previewTimer->stop();
    const QString key = m_object->currentText().trimmed();
    if (!m_ctx.reader || !m_loaded || currentDomain().isEmpty())
        return;
    if (key.isEmpty()) {
        m_ackedLabel->setText(tr("Pick an object (Ctrl+L) to preview its payload."));
        return;
    }
    const QString path = m_ctx.reader->path();
    const json doc = editedDocument(QString());
    const std::string domain = currentDomain().toStdString();
    const std::string target = currentTarget().toStdString();
    const std::string version = currentVersion().toStdString();
    m_ackedLabel->setText(tr("Previewing %1…").arg(key));
    m_ctx.reader->run<ContractPreview>(
        this, &m_previewChannel,
        [path, doc, domain, target, version, k = key.toStdString()](QSqlDatabase&) -> Result<ContractPreview> {
            auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
            if (!ws)
                return makeError(ws.error());
            return previewContract(*ws.value(), doc, domain, target, version, k);
        },
        [this](Result<ContractPreview> r) {
            if (!r) {
                showPreviewError(r.error());
                return;
            }
            showPreview(r.value());
        });
}

void MappingEditor::showPreviewError(const QString& message)
{
    m_payload->clear();
    m_diff->setRowCount(0);
    m_messages->clear();
    m_ackedLabel->setText(tr("No preview: the edited contract does not load or the object cannot be read."));
    for (const QString& line : message.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxCritical), line, m_messages);
    Q_EMIT previewFailed(message);
}

void MappingEditor::showPreview(const ContractPreview& p)
{
    m_preview = p;
    m_payload->setPlainText(QString::fromStdString(p.payload.dump(2)));
    if (!p.hasAcked)
        m_ackedLabel->setText(
            tr("%1 has acknowledged nothing of %2 yet: every field is new.").arg(qs(p.target), qs(p.key)));
    else if (p.ackedCorrected)
        m_ackedLabel->setText(tr("Compared with what %1 acknowledged for %2 at %3: a steward's corrected payload of"
                                 " revision %4. The edited contract maps revision %5.")
                                  .arg(qs(p.target), qs(p.key), qs(formatRfc3339(p.ackedAt)))
                                  .arg(p.ackedRevisionNo)
                                  .arg(p.revisionNo));
    else
        m_ackedLabel->setText(tr("Compared with what %1 acknowledged for %2 at %3: revision %4 mapped by contracts"
                                 " %5. The edited contract maps revision %6.")
                                  .arg(qs(p.target), qs(p.key), qs(formatRfc3339(p.ackedAt)))
                                  .arg(p.ackedRevisionNo)
                                  .arg(qs(p.ackedContracts))
                                  .arg(p.revisionNo));

    m_diff->setRowCount(static_cast<int>(p.diff.size()));
    QFont bold = m_diff->font();
    bold.setBold(true);
    const QColor tint = QApplication::palette().color(QPalette::Highlight).lighter(185);
    int changed = 0;
    for (int r = 0; r < static_cast<int>(p.diff.size()); ++r) {
        const PreviewDiffRow& d = p.diff[static_cast<size_t>(r)];
        const QString change = !d.changed() ? QString()
            : !d.inAcked                    ? tr("added")
            : !d.inEdited                   ? tr("removed")
                                            : tr("changed");
        const QStringList cells { qs(d.field), change, d.inEdited ? QString::fromStdString(d.edited.dump()) : tr("—"),
            d.inAcked ? QString::fromStdString(d.acked.dump()) : tr("—") };
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(cells.at(c));
            if (d.changed()) {
                item->setFont(bold);
                item->setBackground(tint);
            }
            m_diff->setItem(r, c, item);
        }
        changed += d.changed() ? 1 : 0;
    }
    m_diff->resizeColumnsToContents();
    for (int c = 0; c < 3; ++c)
        m_diff->setColumnWidth(c, std::min(m_diff->columnWidth(c), 260));

    // Issues: inline on the field's row (icon, tooltip) and in the message list.
    m_messages->clear();
    const QIcon blockIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon lossIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    m_filling = true;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QTableWidgetItem* item = m_table->item(r, ToColumn);
        if (!item)
            continue;
        QStringList tips;
        bool blocking = false;
        bool lossy = false;
        for (const MappingIssue& i : p.issues)
            if (mapEdTopField(i.field) == item->text()) {
                tips << qs(i.message);
                blocking = blocking || p.blocks(i);
                lossy = lossy || (i.lossy && !p.blocks(i));
            }
        item->setIcon(blocking ? blockIcon : lossy ? lossIcon : QIcon());
        item->setData(kMapEdIssueRole,
            blocking    ? QStringLiteral("blocking")
                : lossy ? QStringLiteral("lossy")
                        : QString());
        item->setToolTip(tips.join(QLatin1Char('\n')));
    }
    m_filling = false;
    for (const MappingIssue& i : p.issues) {
        const bool blocks = p.blocks(i);
        auto* line = new QListWidgetItem(blocks ? blockIcon : lossIcon,
            (blocks ? (i.lossy ? tr("Blocks (information lost): %1") : tr("Blocks: %1"))
                    : tr("Information lost, sent with a warning: %1"))
                .arg(qs(i.message)),
            m_messages);
        line->setData(Qt::UserRole, qs(i.field));
    }
    if (p.issues.empty())
        new QListWidgetItem(tr("No issues: %1 maps without loss.").arg(qs(p.key)), m_messages);
    m_status->setText(tr("%n field(s) differ from what %1 last acknowledged.", nullptr, changed).arg(qs(p.target))
        + (m_undo->isClean() ? QString() : tr(" Unsaved edits: %n (Ctrl+S proposes them).", nullptr, m_undo->count())));
    Q_EMIT previewShown();
}

void MappingEditor::saveDialog()
{
    if (!m_loaded || !m_snapshot.mayPropose)
        return;
    QDialog d(this);
    d.setWindowTitle(tr("Save as proposal"));
    d.setObjectName(QStringLiteral("saveProposalDialog"));
    auto* form = new QFormLayout(&d);
    auto* version = new QLineEdit(bumpedVersion(mapEdJsonText(m_snapshot.document.value("version", json()))), &d);
    auto* title = new QLineEdit(tr("Mapping %1")
                                    .arg(qs(contractName(currentDomain().toStdString(), currentTarget().toStdString(),
                                        currentVersion().toStdString()))),
        &d);
    version->setObjectName(QStringLiteral("proposalVersion"));
    title->setObjectName(QStringLiteral("proposalTitle"));
    auto* reason = new QPlainTextEdit(&d);
    reason->setObjectName(QStringLiteral("proposalReason"));
    reason->setTabChangesFocus(true);
    reason->setPlaceholderText(tr("Why (a change request, a target release)…"));
    auto* onApproval = new QCheckBox(tr("Takes effect on approval"), &d);
    onApproval->setChecked(true);
    auto* effective = new QDateTimeEdit(QDateTime::currentDateTimeUtc().addSecs(3600), &d);
    effective->setTimeSpec(Qt::UTC);
    effective->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    effective->setEnabled(false);
    connect(onApproval, &QCheckBox::toggled, effective, [effective](bool on) { effective->setEnabled(!on); });
    form->addRow(tr("Contracts &version:"), version);
    form->addRow(tr("&Title:"), title);
    form->addRow(tr("&Reason:"), reason);
    form->addRow(onApproval);
    form->addRow(tr("&Effective at:"), effective);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Propose"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(reason, &QPlainTextEdit::textChanged, &d, [reason, buttons] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!reason->toPlainText().trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
    form->addRow(buttons);
    if (d.exec() != QDialog::Accepted)
        return;
    std::optional<TimeMs> at;
    if (!onApproval->isChecked())
        at = effective->dateTime().toMSecsSinceEpoch();
    propose(version->text().trimmed(), title->text().trimmed(), reason->toPlainText().trimmed(), at);
}

void MappingEditor::propose(
    const QString& version, const QString& title, const QString& reason, std::optional<TimeMs> effectiveAt)
{
    if (!m_ctx.core)
        return;
    const std::string doc = editedDocument(version).dump(2);
    m_status->setText(tr("Proposing contracts %1…").arg(version));
    QPointer<MappingEditor> self(this);
    m_ctx.core->submit(
        [doc, t = title.toStdString(), r = reason.toStdString(), effectiveAt](
            CoreCommandContext& c) -> Result<nlohmann::json> {
            auto p = mdsync::propose(
                *c.core.ws, c.actor, "contracts", doc, t, r, effectiveAt, QStringLiteral("mapping editor"));
            if (!p)
                return makeError(p.error());
            return p->toJson();
        },
        [self](bool ok, const QString& error, const nlohmann::json& result) {
            if (!self)
                return;
            if (!ok) {
                self->m_status->setText(tr("The proposal was refused: %1").arg(error));
                auto* box = new QMessageBox(QMessageBox::Warning, tr("Save as proposal"),
                    tr("The core refused the proposal; nothing was stored."), QMessageBox::Ok, self);
                box->setInformativeText(error);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                Q_EMIT self->proposeRefused(error);
                return;
            }
            QStringList lines;
            for (const auto& l : result.value("summary", json::array()))
                lines << mapEdJsonText(l);
            self->m_undo->setClean();
            self->m_status->setText(
                tr("Proposal #%1 is waiting for another admin's approval.").arg(result.value("id", std::int64_t(0))));
            auto* box = new QMessageBox(QMessageBox::Information, tr("Save as proposal"),
                tr("Proposal #%1 was stored; another admin approves it (mdsyncctl approve-change --id %1).")
                    .arg(result.value("id", std::int64_t(0))),
                QMessageBox::Ok, self);
            box->setObjectName(QStringLiteral("proposalSummary"));
            box->setInformativeText(lines.join(QLatin1Char('\n')));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            Q_EMIT self->proposed(result);
        });
}

void MappingEditor::showHelp()
{
    auto* help = findChild<HelpWindow*>();
    if (!help)
        help = new HelpWindow(this);
    help->showPage(QStringLiteral("mapping"));
    help->show();
    help->raise();
}

void MappingEditor::reject()
{
    if (!m_undo->isClean()
        && QMessageBox::question(this, tr("Mapping editor"), tr("Discard the edits that were not proposed?"))
            != QMessageBox::Yes)
        return;
    QDialog::reject();
}

} // namespace mdsync::ui
