#pragma once
// RowCompareView: one mismatch's two row images side by side, one line per
// column (column | source | target), with the columns whose values differ
// highlighted — those, and only those.
//
// The images are the mismatch record's sourceRowJson / targetRowJson: JSON
// objects of canonical column texts (core/validate rowImageJson), or "null"
// when the row is missing on that side. Differences are computed here from
// the two images (a missing row differs in every column), so what is
// highlighted is exactly what the two sides show; the record's own list of
// differing columns is shown in the summary line above.
//
// Model roles (for tests and accessibility): every cell of a differing line
// has Qt::BackgroundRole set (the highlight colour), a bold Qt::FontRole and
// DiffersRole = true; cells of equal lines have no background and
// DiffersRole = false. SQL NULL shows as "NULL" (italic), a missing row as
// "(no row)". GUI thread only.

#include "store/StoreTypes.h"

#include <QWidget>

#include <optional>

class QLabel;
class QStandardItemModel;
class QTableView;

namespace switchyard::ui {

class RowCompareView : public QWidget
{
    Q_OBJECT
public:
    enum Column { NameColumn, SourceColumn, TargetColumn };
    enum Role { DiffersRole = Qt::UserRole + 1, ColumnRole /* the bare column name */ };

    /// One line of the comparison (pure data, for the view and for tests).
    struct Line
    {
        QString column;
        std::optional<QString> source; // nullopt: SQL NULL
        std::optional<QString> target;
        bool differs = false;
    };
    /// The lines for two images, by column name; `sourceMissing` /
    /// `targetMissing` say which side has no row at all.
    static QList<Line> compare(const QString &sourceJson, const QString &targetJson,
                               bool *sourceMissing = nullptr, bool *targetMissing = nullptr);

    explicit RowCompareView(QWidget *parent = nullptr);

    void setMismatch(const core::MismatchRecord &mismatch);
    void clear();

    QStandardItemModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    /// The colour differing lines are drawn on.
    QColor highlightColor() const;

private:
    QLabel *m_summary = nullptr;
    QTableView *m_view = nullptr;
    QStandardItemModel *m_model = nullptr;
};

} // namespace switchyard::ui
