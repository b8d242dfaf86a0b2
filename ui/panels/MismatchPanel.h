#pragma once
// MismatchPanel: the mismatch drill-down. A lazily fetched list of the run's
// mismatch records (MismatchTableModel), filtered by table, kind, status and
// column; the selected record's source and target rows side by side with the
// differing columns highlighted (RowCompareView); and what a DBA does about
// them, each written to the run's audit log:
//   Recheck   read the row on both sides now (core MismatchActions)
//   Repair    copy the source row to the target and re-check (MismatchRepair)
//   Accept…   mark accepted with a reason and the operator's name (dialog)
// Actions apply to every selected row and run on the panel's StoreReader
// thread; the list updates those rows in place when they finish.
//
// Integration surface (all the main window needs):
//   auto *mismatches = new MismatchPanel;             // GUI thread
//   mismatches->setSource(plan, storeLocation, runId); // when a plan opens
//   mismatches->setOperatorName(name);                 // optional: who acts
//   mismatches->clearSource();                          // when it closes
// GUI thread only; the panel never touches a database itself.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace switchyard::ui {

class MismatchTableModel;
class RowCompareView;
class StoreReader;

class MismatchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MismatchPanel(QWidget *parent = nullptr);
    ~MismatchPanel() override;

    void setSource(const core::Plan &plan, const core::ControlStoreLocation &store, qint64 runId);
    void clearSource();
    /// The run shown (0 when no source is set).
    qint64 runId() const;

    /// Who recheck and repair are recorded for (accept asks in its dialog,
    /// pre-filled with this). Defaults to the login name.
    void setOperatorName(const QString &name);
    QString operatorName() const { return m_operator; }

    /// Sets the filter widgets and reloads the list.
    void setFilter(const core::MismatchFilter &filter);
    core::MismatchFilter filter() const;

    void recheckSelected();
    void repairSelected();
    /// Opens the accept dialog for the selected rows.
    void acceptSelected();
    /// Accepts the selected rows without a dialog (scripts, tests).
    void acceptSelected(const QString &reason, const QString &operatorName);
    /// Reloads the list (new records found by a running validation).
    void refresh();

    MismatchTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    RowCompareView *compareView() const { return m_compare; }
    QString resultText() const;
    QString countText() const;
    bool isBusy() const { return m_busy; }

signals:
    /// An action finished; `ok` when every selected row was handled.
    void actionFinished(bool ok, const QString &message);

private:
    struct ActionResult;
    enum class Action { Recheck, Repair, Accept };
    void run(Action action, const QString &reason, const QString &operatorName);
    QList<core::MismatchRecord> selectedRecords() const;
    void showCurrent();
    void applyFilterWidgets();
    void updateCount();
    void updateButtons();

    std::unique_ptr<StoreReader> m_reader;
    MismatchTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    RowCompareView *m_compare = nullptr;
    QComboBox *m_tableBox = nullptr;
    QComboBox *m_kindBox = nullptr;
    QComboBox *m_statusBox = nullptr;
    QLineEdit *m_columnEdit = nullptr;
    QTimer *m_columnDelay = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_result = nullptr;
    QPushButton *m_recheck = nullptr;
    QPushButton *m_repair = nullptr;
    QPushButton *m_accept = nullptr;
    QPushButton *m_refresh = nullptr;
    QString m_operator;
    bool m_busy = false;
    bool m_settingFilter = false;
    quint64 m_generation = 0;
};

} // namespace switchyard::ui
