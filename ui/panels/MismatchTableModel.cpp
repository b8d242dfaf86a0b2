#include "panels/MismatchTableModel.h"

#include "panels/StoreReader.h"
#include "store/ControlStore.h"

#include <QBrush>
#include <QFont>

namespace switchyard::ui {

using namespace switchyard::core;

MismatchTableModel::MismatchTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QString MismatchTableModel::kindText(MismatchKind kind)
{
    switch (kind) {
    case MismatchKind::MissingInTarget: return tr("missing in target");
    case MismatchKind::MissingInSource: return tr("missing in source");
    case MismatchKind::Different: return tr("different");
    }
    return {};
}

QString MismatchTableModel::statusText(MismatchStatus status)
{
    switch (status) {
    case MismatchStatus::Open: return tr("open");
    case MismatchStatus::InFlight: return tr("in flight");
    case MismatchStatus::ResolvedOnRecheck: return tr("resolved on recheck");
    case MismatchStatus::Repaired: return tr("repaired");
    case MismatchStatus::Accepted: return tr("accepted");
    }
    return {};
}

void MismatchTableModel::setReader(StoreReader *reader)
{
    m_reader = reader;
    restart();
}

void MismatchTableModel::setFilter(const MismatchFilter &filter)
{
    m_filter = filter;
    restart();
}

void MismatchTableModel::refresh()
{
    restart();
}

void MismatchTableModel::restart()
{
    const quint64 gen = ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_total = -1;
    m_atEnd = m_reader == nullptr;
    m_loading = false;
    endResetModel();
    emit countChanged(m_total);
    if (!m_reader)
        return;
    const qint64 run = m_reader->runId();
    const MismatchFilter filter = m_filter;
    m_reader->request<qint64>(
        this, [run, filter](StoreReader::Context &c) { return c.store().mismatches().countMismatches(run, filter); },
        [this, gen](const qint64 &count, const QString &error) {
            if (gen != m_generation)
                return;
            if (!error.isEmpty()) {
                emit loadFailed(error);
                return;
            }
            m_total = count;
            emit countChanged(m_total);
        });
    fetchMore({});
}

bool MismatchTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_reader && !m_atEnd;
}

void MismatchTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_reader || m_atEnd || m_loading)
        return;
    m_loading = true;
    const quint64 gen = m_generation;
    const qint64 run = m_reader->runId();
    const MismatchFilter filter = m_filter;
    const int offset = int(m_rows.size());
    const int limit = m_pageSize;
    m_reader->request<QList<MismatchRecord>>(
        this,
        [run, filter, offset, limit](StoreReader::Context &c) {
            return c.store().mismatches().mismatches(run, filter, offset, limit);
        },
        [this, gen, limit](const QList<MismatchRecord> &page, const QString &error) {
            if (gen != m_generation)
                return;
            m_loading = false;
            if (!error.isEmpty()) {
                m_atEnd = true; // do not hammer a failing store; refresh() retries
                emit loadFailed(error);
                return;
            }
            if (page.size() < limit)
                m_atEnd = true;
            if (!page.isEmpty()) {
                beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.size() - 1));
                m_rows += page;
                endInsertRows();
            }
            emit pageLoaded();
        });
}

const MismatchRecord *MismatchTableModel::record(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int MismatchTableModel::rowOf(qint64 mismatchId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == mismatchId)
            return i;
    }
    return -1;
}

bool MismatchTableModel::updateRecord(const MismatchRecord &record)
{
    const int row = rowOf(record.id);
    if (row < 0)
        return false;
    m_rows[row] = record;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return true;
}

int MismatchTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MismatchTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MismatchTableModel::data(const QModelIndex &index, int role) const
{
    const MismatchRecord *m = record(index.row());
    if (!m || !index.isValid())
        return {};
    if (role == MismatchIdRole)
        return m->id;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case IdColumn: return m->id;
        case TableColumn: return m->tableName;
        case KeyColumn: return m->keyJson;
        case KindColumn: return kindText(m->kind);
        case ColumnsColumn: return m->differingColumns.join(QStringLiteral(", "));
        case StatusColumn: return statusText(m->status);
        case FirstSeenColumn: return m->firstSeen.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case LastCheckedColumn: return m->lastChecked.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case TimesSeenColumn: return m->timesSeen;
        case ReasonColumn:
            return m->acceptedBy.isEmpty() ? m->reason : tr("%1 (%2)").arg(m->reason, m->acceptedBy);
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == IdColumn || index.column() == TimesSeenColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && index.column() == StatusColumn
        && (m->status == MismatchStatus::Open || m->status == MismatchStatus::InFlight)) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant MismatchTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Id");
    case TableColumn: return tr("Table");
    case KeyColumn: return tr("Key");
    case KindColumn: return tr("Kind");
    case ColumnsColumn: return tr("Differing columns");
    case StatusColumn: return tr("Status");
    case FirstSeenColumn: return tr("First seen");
    case LastCheckedColumn: return tr("Last checked");
    case TimesSeenColumn: return tr("Seen");
    case ReasonColumn: return tr("Reason");
    }
    return {};
}

} // namespace switchyard::ui
