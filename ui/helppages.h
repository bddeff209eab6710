#pragma once

// The short help page of each view (F1) and the help window that shows it. The pages are HTML built from
// tr() strings, so they are translated with the rest of the GUI; links between pages use "help:<id>".

#include <QCoreApplication>
#include <QDialog>

class QTextBrowser;
class QListWidget;

namespace mdsync::ui {

class HelpPages
{
    Q_DECLARE_TR_FUNCTIONS(mdsync::ui::HelpPages)
public:
    // The page ids, in the order of the contents list: welcome, dashboard, matrix, lineage, exceptions,
    // policies, mapping, audit, alerts, shortcuts.
    static QStringList ids();
    static QString title(const QString& id);
    // The page as HTML; an unknown id gives the welcome page.
    static QString html(const QString& id);
};

// A non-modal help window: a contents list on the left and the page on the right.
class HelpWindow final : public QDialog
{
    Q_OBJECT
public:
    explicit HelpWindow(QWidget* parent = nullptr);
    void showPage(const QString& id);
    QString currentPage() const { return m_current; }
    QString currentHtml() const;

private:
    QListWidget* m_contents = nullptr;
    QTextBrowser* m_browser = nullptr;
    QString m_current;
};

} // namespace mdsync::ui
