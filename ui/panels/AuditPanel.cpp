#include "panels/AuditPanel.h"

#include "Theme.h"
#include "panels/StoreReader.h"
#include "store/ControlStore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace switchyard::ui {

using namespace switchyard::core;

// ---------------------------------------------------------------- the model

AuditTableModel::AuditTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AuditTableModel::setReader(StoreReader *reader)
{
    const quint64 gen = ++m_generation;
    beginResetModel();
    m_reader = reader;
    m_rows.clear();
    m_headSeq = 0;
    m_loading = false;
    m_polling = false;
    m_atEnd = false;
    endResetModel();
    if (!m_reader)
        return;
    // The newest page: from the head of the chain down.
    m_loading = true;
    const qint64 run = m_reader->runId();
    const int page = m_pageSize;
    m_reader->request<QList<AuditEntry>>(
        this,
        [run, page](StoreReader::Context &c) {
            const std::optional<AuditEntry> head = c.store().audit().head(run);
            if (!head)
                return QList<AuditEntry>();
            const qint64 from = std::max<qint64>(1, head->seq - page + 1);
            return c.store().audit().entries(run, from, int(head->seq - from + 1));
        },
        [this, gen](const QList<AuditEntry> &entries, const QString &error) {
            if (gen != m_generation)
                return;
            m_loading = false;
            if (!error.isEmpty()) {
                emit loadFailed(error);
                return;
            }
            if (!entries.isEmpty()) {
                beginInsertRows({}, 0, int(entries.size() - 1));
                m_rows = entries;
                std::reverse(m_rows.begin(), m_rows.end());
                m_headSeq = m_rows.first().seq;
                endInsertRows();
            }
            emit loaded();
        });
}

bool AuditTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_reader && !m_atEnd && !m_rows.isEmpty() && m_rows.last().seq > 1;
}

void AuditTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_loading)
        return;
    m_loading = true;
    const quint64 gen = m_generation;
    const qint64 run = m_reader->runId();
    const qint64 oldest = m_rows.last().seq;
    const qint64 from = std::max<qint64>(1, oldest - m_pageSize);
    m_reader->request<QList<AuditEntry>>(
        this,
        [run, from, oldest](StoreReader::Context &c) { return c.store().audit().entries(run, from, int(oldest - from)); },
        [this, gen](const QList<AuditEntry> &entries, const QString &error) {
            if (gen != m_generation)
                return;
            m_loading = false;
            if (!error.isEmpty()) {
                emit loadFailed(error);
                return;
            }
            // Older entries, appended at the bottom newest first; a gap in
            // the chain (a deleted entry) simply shows as a missing seq.
            QList<AuditEntry> older;
            for (const AuditEntry &e : entries) {
                if (e.seq < m_rows.last().seq)
                    older.prepend(e);
            }
            if (!older.isEmpty()) {
                beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + older.size() - 1));
                m_rows += older;
                endInsertRows();
            } else {
                m_atEnd = true; // nothing older is readable (entries deleted): stop asking
            }
            emit loaded();
        });
}

void AuditTableModel::fetchNewer()
{
    if (!m_reader || m_loading || m_polling)
        return;
    m_polling = true;
    const quint64 gen = m_generation;
    const qint64 run = m_reader->runId();
    const qint64 after = m_headSeq;
    m_reader->request<QList<AuditEntry>>(
        this, [run, after](StoreReader::Context &c) { return c.store().audit().entries(run, after + 1, 1000); },
        [this, gen](const QList<AuditEntry> &entries, const QString &error) {
            if (gen != m_generation)
                return;
            m_polling = false;
            if (!error.isEmpty()) {
                emit loadFailed(error);
                return;
            }
            QList<AuditEntry> newer;
            for (const AuditEntry &e : entries) {
                if (e.seq > m_headSeq)
                    newer.prepend(e);
            }
            if (newer.isEmpty())
                return;
            beginInsertRows({}, 0, int(newer.size() - 1));
            m_rows = newer + m_rows;
            m_headSeq = m_rows.first().seq;
            endInsertRows();
            emit loaded();
        });
}

const AuditEntry *AuditTableModel::entry(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int AuditTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const
{
    const AuditEntry *e = entry(index.row());
    if (!e || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    switch (index.column()) {
    case SeqColumn: return e->seq;
    case AtColumn: {
        const QDateTime at = QDateTime::fromString(e->at, Qt::ISODateWithMs);
        return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : e->at;
    }
    case OperatorColumn: return e->operatorName;
    case ActionColumn: return e->action;
    case TargetColumn: return e->target;
    case ReasonColumn: return e->reason;
    }
    return {};
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn: return tr("Seq");
    case AtColumn: return tr("When");
    case OperatorColumn: return tr("Operator");
    case ActionColumn: return tr("Action");
    case TargetColumn: return tr("On");
    case ReasonColumn: return tr("Reason");
    }
    return {};
}

// ---------------------------------------------------------------- the panel

AuditPanel::AuditPanel(QWidget *parent)
    : QWidget(parent)
{
    m_model = new AuditTableModel(this);
    m_view = new QTableView;
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_view->setAccessibleName(tr("Audit log entries"));
    m_details = new QPlainTextEdit;
    m_details->setReadOnly(true);
    m_details->setFont(theme::fixedFont(font()));
    m_details->setPlaceholderText(tr("Select an entry to see all of it."));
    m_verify = new QPushButton(tr("&Verify chain"));
    m_verify->setToolTip(tr("Re-compute every entry's hash and check that each names the one before it"));
    m_verifyResult = theme::valueLabel();
    m_status = theme::valueLabel();
    theme::makeMuted(m_status);

    auto *top = new QHBoxLayout;
    top->addWidget(theme::caption(tr("Audit log")));
    top->addWidget(m_status, 1);
    top->addWidget(m_verify);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_verifyResult);
    layout->addWidget(split, 1);

    m_poll = new QTimer(this);
    m_poll->setInterval(2000);
    connect(m_poll, &QTimer::timeout, this, &AuditPanel::pollNewEntries);
    connect(m_verify, &QPushButton::clicked, this, &AuditPanel::verifyChain);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditPanel::showSelected);
    connect(m_model, &AuditTableModel::loaded, this, [this] {
        m_status->setText(m_model->headSeq() == 0
                              ? tr("No entries yet.")
                              : tr("newest seq %1 · %2 shown")
                                    .arg(m_model->headSeq())
                                    .arg(m_model->rowCount()));
    });
    connect(m_model, &AuditTableModel::loadFailed, this,
            [this](const QString &error) { m_status->setText(tr("Could not read the audit log: %1").arg(error)); });
    clearSource();
}

AuditPanel::~AuditPanel()
{
    m_model->setReader(nullptr);
    m_reader.reset();
}

void AuditPanel::setSource(const Plan &plan, const ControlStoreLocation &store, qint64 runId)
{
    m_model->setReader(nullptr);
    m_reader = std::make_unique<StoreReader>(plan, store, runId);
    ++m_generation;
    m_details->clear();
    m_verifyResult->clear();
    m_verifyResult->setStyleSheet({});
    m_status->setText(tr("Reading…"));
    m_verify->setEnabled(true);
    m_model->setReader(m_reader.get());
    m_poll->start();
}

void AuditPanel::clearSource()
{
    m_poll->stop();
    m_model->setReader(nullptr);
    m_reader.reset();
    ++m_generation;
    m_details->clear();
    m_verifyResult->clear();
    m_verify->setEnabled(false);
    m_status->setText(tr("No plan open."));
}

void AuditPanel::pollNewEntries()
{
    m_model->fetchNewer();
}

void AuditPanel::showSelected()
{
    const AuditEntry *e = m_model->entry(m_view->selectionModel()->currentIndex().row());
    if (!e) {
        m_details->clear();
        return;
    }
    QString details = e->detailsJson;
    const QJsonDocument doc = QJsonDocument::fromJson(e->detailsJson.toUtf8());
    if (!doc.isNull())
        details = QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    m_details->setPlainText(tr("seq        %1\nat         %2\noperator   %3\naction     %4\non         %5\n"
                               "reason     %6\nhash       %7\nprev_hash  %8\n\ndetails\n%9")
                                .arg(e->seq)
                                .arg(e->at, e->operatorName, e->action, e->target, e->reason, e->hash,
                                     e->prevHash, details));
}

void AuditPanel::verifyChain()
{
    if (!m_reader)
        return;
    m_verify->setEnabled(false);
    m_verifyResult->setStyleSheet({});
    m_verifyResult->setText(tr("Verifying the chain…"));
    const qint64 run = m_reader->runId();
    const quint64 gen = m_generation;
    m_reader->request<AuditVerification>(
        this, [run](StoreReader::Context &c) { return c.store().audit().verifyAudit(run); },
        [this, gen](const AuditVerification &v, const QString &error) {
            if (gen != m_generation)
                return;
            m_verify->setEnabled(true);
            QString text;
            QColor colour;
            if (!error.isEmpty()) {
                text = tr("Could not verify the chain: %1").arg(error);
                colour = theme::riskColor(QStringLiteral("medium"));
            } else if (v.ok) {
                text = tr("✔ Chain intact: %n entries checked, every hash matches.", nullptr, int(v.entriesChecked));
                colour = QColor(0x2e, 0x9d, 0x4f);
            } else {
                text = tr("✘ Chain broken at seq %1: %2 (%3 entries before it are intact).")
                           .arg(v.firstBadSeq)
                           .arg(v.problem)
                           .arg(v.entriesChecked);
                colour = theme::riskColor(QStringLiteral("critical"));
            }
            m_verifyResult->setText(text);
            if (colour.isValid())
                m_verifyResult->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(colour.name()));
            if (error.isEmpty())
                emit verified(v);
        });
}

QString AuditPanel::detailsText() const
{
    return m_details->toPlainText();
}

QString AuditPanel::verifyText() const
{
    return m_verifyResult->text();
}

QString AuditPanel::statusText() const
{
    return m_status->text();
}

qint64 AuditPanel::runId() const
{
    return m_reader ? m_reader->runId() : 0;
}

} // namespace switchyard::ui
