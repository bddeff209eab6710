#pragma once

// Dialogs of the exception backlog: the per-item result of a bulk action, the discard reason, and a fix rule
// (preview, then apply to the selection).

#include "appcontext.h"
#include "steward/exceptionactions.h"
#include "steward/fixrules.h"

#include <QDialog>

#include <nlohmann/json.hpp>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace mdsync::ui {

// Per-item results of a bulk action ({"items": [{"id", "result", "message"}], "succeeded", "failed", "cancelled"}).
class ExceptionBulkResultDialog final : public QDialog
{
    Q_OBJECT
public:
    ExceptionBulkResultDialog(const QString& title, const nlohmann::json& result, QWidget* parent = nullptr);
    int rowCount() const;

private:
    QTableWidget* m_table;
};

class ExceptionDiscardDialog final : public QDialog
{
    Q_OBJECT
public:
    ExceptionDiscardDialog(int count, QWidget* parent = nullptr);
    DiscardReason reason() const;
    QString text() const;

private:
    void check();
    QComboBox* m_reason;
    QLineEdit* m_text;
    QPushButton* m_ok;
};

// A fix rule over the selected exceptions. Preview runs through the core (changes nothing); Apply accepts the
// dialog and the view applies it with progress.
class ExceptionFixRuleDialog final : public QDialog
{
    Q_OBJECT
public:
    ExceptionFixRuleDialog(AppContext ctx, std::vector<std::int64_t> ids, QWidget* parent = nullptr);
    Result<FixRule> rule() const;

private:
    void preview();
    AppContext m_ctx;
    std::vector<std::int64_t> m_ids;
    QLineEdit* m_name;
    QComboBox* m_kind;
    QLineEdit* m_field;
    QLineEdit* m_equals;
    QLineEdit* m_setTo;
    QLineEdit* m_reason;
    QLabel* m_status;
    QTableWidget* m_preview;
};

} // namespace mdsync::ui
