#pragma once
// AuditPanel: the run's hash-chained audit log (core AuditLog), newest entry
// first, read in pages of 200 as the list is scrolled, with new entries
// added at the top as they are written (polled every 2 s). Selecting an
// entry shows all of it: who, what, on what, why, the details JSON, and its
// hash and previous hash. "Verify chain" re-checks the whole chain in the
// store and says the result: intact (how many entries), or the first seq
// where it is broken and how.
//
// Integration surface (all the main window needs):
//   auto *audit = new AuditPanel;                // GUI thread
//   audit->setSource(plan, storeLocation, runId); // when a plan opens
//   audit->clearSource();                         // when it closes
// All reads run on the panel's StoreReader thread. GUI thread only.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace switchyard::ui {

class AuditTableModel;
class StoreReader;

class AuditPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPanel(QWidget *parent = nullptr);
    ~AuditPanel() override;

    void setSource(const core::Plan &plan, const core::ControlStoreLocation &store, qint64 runId);
    void clearSource();
    /// The run shown (0 when no source is set).
    qint64 runId() const;

    /// Re-checks the chain (asynchronous; verified() follows).
    void verifyChain();
    /// Looks for entries newer than the newest shown (the 2 s poll calls it).
    void pollNewEntries();

    AuditTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString detailsText() const;
    QString verifyText() const;
    QString statusText() const;

signals:
    void verified(const core::AuditVerification &result);

private:
    void showSelected();

    std::unique_ptr<StoreReader> m_reader;
    AuditTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QPushButton *m_verify = nullptr;
    QLabel *m_verifyResult = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_poll = nullptr;
    quint64 m_generation = 0;
};

/// The audit entries of one run, newest first, fetched lazily (see above).
class AuditTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeqColumn, AtColumn, OperatorColumn, ActionColumn, TargetColumn, ReasonColumn, ColumnCount };

    explicit AuditTableModel(QObject *parent = nullptr);

    /// Detaches from the previous reader; with one, loads the newest page.
    void setReader(StoreReader *reader);
    void setPageSize(int entries) { m_pageSize = entries; }
    /// Fetches entries newer than the newest loaded, adding them at the top.
    void fetchNewer();

    const core::AuditEntry *entry(int row) const;
    /// seq of the newest entry in the store when last read (0: none).
    qint64 headSeq() const { return m_headSeq; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void loaded();
    void loadFailed(const QString &error);

private:
    StoreReader *m_reader = nullptr;
    QList<core::AuditEntry> m_rows; // newest first
    qint64 m_headSeq = 0;
    int m_pageSize = 200;
    bool m_loading = false;
    bool m_polling = false;
    bool m_atEnd = false;
    quint64 m_generation = 0;
};

} // namespace switchyard::ui
