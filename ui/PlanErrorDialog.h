#pragma once
// PlanErrorDialog: why a plan file could not be loaded.
//
// Lists every PlanError of the load as "line L, column C: message" under the
// file name, and shows the offending line of the file with a caret under the
// column for the selected error. The lines come with the load outcome (read
// in the loader thread); the dialog itself never touches the disk.
//
// GUI thread only. Opened window-modal by MainWindow (open(), not exec()).

#include "PlanOpener.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPlainTextEdit;

namespace switchyard::ui {

class PlanErrorDialog : public QDialog
{
    Q_OBJECT
public:
    /// `planKept`: a previously loaded plan is still on screen (said in the text).
    explicit PlanErrorDialog(const PlanLoadOutcome &outcome, bool planKept,
                             QWidget *parent = nullptr);

    QString filePath() const { return m_outcome.path; }
    int errorCount() const;
    /// The text of error row `row` as listed ("line 3, column 3: …").
    QString errorText(int row) const;
    void selectError(int row);
    /// The excerpt shown for the selected error (line and caret), empty if none.
    QString excerpt() const;

    /// "   3 | text\n     |   ^" for `error`, or empty without a line.
    static QString excerptFor(const core::PlanError &error, const QHash<int, QString> &lines);

private:
    void showExcerpt(int row);
    void copyErrors();

    PlanLoadOutcome m_outcome;
    QListWidget *m_list = nullptr;
    QPlainTextEdit *m_excerpt = nullptr;
    QLabel *m_excerptCaption = nullptr;
};

} // namespace switchyard::ui
