#pragma once
// MismatchTableModel: the run's mismatch records as a table, fetched lazily
// in pages (default 200) through the StoreReader, so a run with hundreds of
// thousands of mismatches opens instantly and scrolls smoothly: the view
// asks for the next page (canFetchMore / fetchMore) when it nears the end.
//
// A filter (table, kind, status, column among the differing ones; see
// core::MismatchFilter) restarts the list: the total is counted
// (countMismatches, countChanged()) and the first page fetched. Pages are
// ordered by id, so they stay stable while validation adds records.
// Answers from before the latest setFilter()/refresh() are dropped
// (generation counter). fetchMore() is asynchronous: rows arrive with
// beginInsertRows, then pageLoaded().
//
// GUI thread only. The StoreReader is not owned and must outlive the model
// (or be detached with setReader(nullptr) first).

#include "store/StoreTypes.h"

#include <QAbstractTableModel>
#include <QList>

namespace switchyard::ui {

class StoreReader;

class MismatchTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, TableColumn, KeyColumn, KindColumn, ColumnsColumn, StatusColumn,
                  FirstSeenColumn, LastCheckedColumn, TimesSeenColumn, ReasonColumn, ColumnCount };
    enum Role { MismatchIdRole = Qt::UserRole + 1 };

    explicit MismatchTableModel(QObject *parent = nullptr);

    /// Detaches from the previous reader; with a reader, loads the first page.
    void setReader(StoreReader *reader);
    void setFilter(const core::MismatchFilter &filter);
    const core::MismatchFilter &filter() const { return m_filter; }
    /// Reloads from the start with the same filter.
    void refresh();

    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows) { m_pageSize = rows; }
    /// Rows matching the filter in the store; -1 until counted.
    qint64 totalCount() const { return m_total; }
    bool isLoading() const { return m_loading; }

    const core::MismatchRecord *record(int row) const;
    int rowOf(qint64 mismatchId) const;
    /// Replaces the row holding record.id (after an action); false if not loaded.
    bool updateRecord(const core::MismatchRecord &record);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    static QString kindText(core::MismatchKind kind);
    static QString statusText(core::MismatchStatus status);

signals:
    void countChanged(qint64 total);
    void pageLoaded();
    void loadFailed(const QString &error);

private:
    void restart();

    StoreReader *m_reader = nullptr;
    core::MismatchFilter m_filter;
    QList<core::MismatchRecord> m_rows;
    qint64 m_total = -1;
    int m_pageSize = 200;
    bool m_atEnd = false;
    bool m_loading = false;
    quint64 m_generation = 0;
};

} // namespace switchyard::ui
