#include "panels/MismatchPanel.h"

#include "Theme.h"
#include "panels/AcceptMismatchDialog.h"
#include "panels/MismatchTableModel.h"
#include "panels/RowCompareView.h"
#include "panels/StoreReader.h"
#include "store/ControlStore.h"
#include "validate/MismatchActions.h"
#include "validate/MismatchRepair.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace switchyard::ui {

using namespace switchyard::core;

struct MismatchPanel::ActionResult
{
    QList<MismatchRecord> records; // as stored afterwards
    int done = 0;
    int failed = 0;
    QStringList messages;
};

MismatchPanel::MismatchPanel(QWidget *parent)
    : QWidget(parent)
    , m_operator(qEnvironmentVariable("USER"))
{
    m_model = new MismatchTableModel(this);

    m_tableBox = new QComboBox;
    m_tableBox->setAccessibleName(tr("Table filter"));
    m_kindBox = new QComboBox;
    m_kindBox->setAccessibleName(tr("Kind filter"));
    m_kindBox->addItem(tr("All kinds"));
    for (MismatchKind k : {MismatchKind::MissingInTarget, MismatchKind::MissingInSource, MismatchKind::Different})
        m_kindBox->addItem(MismatchTableModel::kindText(k), int(k));
    m_statusBox = new QComboBox;
    m_statusBox->setAccessibleName(tr("Status filter"));
    m_statusBox->addItem(tr("All statuses"));
    for (MismatchStatus s : {MismatchStatus::Open, MismatchStatus::InFlight, MismatchStatus::ResolvedOnRecheck,
                             MismatchStatus::Repaired, MismatchStatus::Accepted})
        m_statusBox->addItem(MismatchTableModel::statusText(s), int(s));
    m_columnEdit = new QLineEdit;
    m_columnEdit->setPlaceholderText(tr("column"));
    m_columnEdit->setClearButtonEnabled(true);
    m_columnEdit->setAccessibleName(tr("Differing column filter"));
    m_columnDelay = new QTimer(this);
    m_columnDelay->setSingleShot(true);
    m_columnDelay->setInterval(300);
    m_refresh = new QPushButton(tr("Refresh"));
    m_count = theme::valueLabel();
    theme::makeMuted(m_count);

    auto *filters = new QHBoxLayout;
    filters->addWidget(theme::caption(tr("Mismatches")));
    filters->addWidget(m_tableBox);
    filters->addWidget(m_kindBox);
    filters->addWidget(m_statusBox);
    filters->addWidget(m_columnEdit);
    filters->addWidget(m_refresh);
    filters->addWidget(m_count, 1);

    m_table = new QTableView;
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setAccessibleName(tr("Mismatch records"));

    m_compare = new RowCompareView;
    m_recheck = new QPushButton(tr("Re&check"));
    m_recheck->setToolTip(tr("Read the selected rows on both sides again now"));
    m_repair = new QPushButton(tr("&Repair"));
    m_repair->setToolTip(tr("Copy the source rows to the target (or delete target rows the source "
                            "does not have), then re-check them"));
    m_accept = new QPushButton(tr("&Accept…"));
    m_accept->setToolTip(tr("Mark the selected differences as expected, with a reason"));
    m_result = theme::valueLabel();
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_recheck);
    actions->addWidget(m_repair);
    actions->addWidget(m_accept);
    actions->addWidget(m_result, 1);

    auto *bottom = new QWidget;
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_compare, 1);
    bottomLayout->addLayout(actions);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    connect(m_tableBox, &QComboBox::currentIndexChanged, this, &MismatchPanel::applyFilterWidgets);
    connect(m_kindBox, &QComboBox::currentIndexChanged, this, &MismatchPanel::applyFilterWidgets);
    connect(m_statusBox, &QComboBox::currentIndexChanged, this, &MismatchPanel::applyFilterWidgets);
    connect(m_columnEdit, &QLineEdit::textChanged, m_columnDelay, qOverload<>(&QTimer::start));
    connect(m_columnDelay, &QTimer::timeout, this, &MismatchPanel::applyFilterWidgets);
    connect(m_refresh, &QPushButton::clicked, this, &MismatchPanel::refresh);
    connect(m_recheck, &QPushButton::clicked, this, &MismatchPanel::recheckSelected);
    connect(m_repair, &QPushButton::clicked, this, &MismatchPanel::repairSelected);
    connect(m_accept, &QPushButton::clicked, this, qOverload<>(&MismatchPanel::acceptSelected));
    connect(m_model, &MismatchTableModel::countChanged, this, &MismatchPanel::updateCount);
    connect(m_model, &MismatchTableModel::pageLoaded, this, &MismatchPanel::updateCount);
    // Size the columns to the first page once; later pages keep them.
    connect(m_model, &MismatchTableModel::pageLoaded, this, [this] {
        if (m_model->rowCount() <= m_model->pageSize()) {
            for (int c = 0; c < MismatchTableModel::ReasonColumn; ++c)
                m_table->resizeColumnToContents(c);
        }
    });
    connect(m_model, &MismatchTableModel::modelReset, this, &MismatchPanel::showCurrent);
    connect(m_model, &MismatchTableModel::loadFailed, this,
            [this](const QString &error) { m_count->setText(tr("Could not read mismatches: %1").arg(error)); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showCurrent();
        updateButtons();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MismatchPanel::showCurrent);
    clearSource();
}

MismatchPanel::~MismatchPanel()
{
    m_model->setReader(nullptr);
    m_reader.reset();
}

void MismatchPanel::setSource(const Plan &plan, const ControlStoreLocation &store, qint64 runId)
{
    m_model->setReader(nullptr);
    m_reader = std::make_unique<StoreReader>(plan, store, runId);
    ++m_generation;
    m_busy = false;
    m_settingFilter = true;
    m_tableBox->clear();
    m_tableBox->addItem(tr("All tables"));
    for (const TableSpec &t : plan.tables)
        m_tableBox->addItem(t.name, t.name);
    m_settingFilter = false;
    m_result->clear();
    m_model->setReader(m_reader.get());
    applyFilterWidgets();
    setEnabled(true);
}

void MismatchPanel::clearSource()
{
    m_model->setReader(nullptr);
    m_reader.reset();
    ++m_generation;
    m_busy = false;
    m_compare->clear();
    m_result->clear();
    m_count->setText(tr("No plan open."));
    updateButtons();
}

void MismatchPanel::setOperatorName(const QString &name)
{
    m_operator = name.trimmed();
}

MismatchFilter MismatchPanel::filter() const
{
    MismatchFilter f;
    f.table = m_tableBox->currentData().toString();
    if (m_kindBox->currentData().isValid())
        f.kind = MismatchKind(m_kindBox->currentData().toInt());
    if (m_statusBox->currentData().isValid())
        f.status = MismatchStatus(m_statusBox->currentData().toInt());
    f.column = m_columnEdit->text().trimmed();
    return f;
}

void MismatchPanel::setFilter(const MismatchFilter &f)
{
    m_settingFilter = true;
    const int table = m_tableBox->findData(f.table);
    m_tableBox->setCurrentIndex(f.table.isEmpty() || table < 0 ? 0 : table);
    m_kindBox->setCurrentIndex(f.kind ? m_kindBox->findData(int(*f.kind)) : 0);
    m_statusBox->setCurrentIndex(f.status ? m_statusBox->findData(int(*f.status)) : 0);
    m_columnEdit->setText(f.column);
    m_columnDelay->stop();
    m_settingFilter = false;
    applyFilterWidgets();
}

void MismatchPanel::applyFilterWidgets()
{
    if (m_settingFilter || !m_reader)
        return;
    m_model->setFilter(filter());
}

void MismatchPanel::refresh()
{
    if (m_reader)
        m_model->refresh();
}

void MismatchPanel::updateCount()
{
    if (!m_reader)
        return;
    const qint64 total = m_model->totalCount();
    if (total < 0)
        m_count->setText(tr("Counting…"));
    else if (total == 0)
        m_count->setText(tr("No mismatches match."));
    else
        m_count->setText(tr("%1 mismatches · %2 loaded").arg(QLocale().toString(total)).arg(m_model->rowCount()));
}

QList<MismatchRecord> MismatchPanel::selectedRecords() const
{
    QList<MismatchRecord> out;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        if (const MismatchRecord *m = m_model->record(index.row()))
            out << *m;
    }
    return out;
}

void MismatchPanel::showCurrent()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const MismatchRecord *m = current.isValid() ? m_model->record(current.row()) : nullptr;
    if (!m && !m_table->selectionModel()->selectedRows().isEmpty())
        m = m_model->record(m_table->selectionModel()->selectedRows().first().row());
    if (m)
        m_compare->setMismatch(*m);
    else
        m_compare->clear();
    updateButtons();
}

void MismatchPanel::updateButtons()
{
    const bool any = m_reader && !m_busy && m_table->selectionModel()->hasSelection();
    m_recheck->setEnabled(any);
    m_repair->setEnabled(any);
    m_accept->setEnabled(any);
}

void MismatchPanel::recheckSelected()
{
    run(Action::Recheck, {}, m_operator);
}

void MismatchPanel::repairSelected()
{
    run(Action::Repair, {}, m_operator);
}

void MismatchPanel::acceptSelected()
{
    const QList<MismatchRecord> records = selectedRecords();
    if (records.isEmpty())
        return;
    QString what;
    if (records.size() == 1) {
        const MismatchRecord &m = records.first();
        what = tr("%1 key %2 (%3%4)")
                   .arg(m.tableName, m.keyJson, MismatchTableModel::kindText(m.kind),
                        m.differingColumns.isEmpty() ? QString()
                                                     : QStringLiteral(": ") + m.differingColumns.join(QStringLiteral(", ")));
    } else {
        what = tr("%n selected mismatches", nullptr, int(records.size()));
    }
    AcceptMismatchDialog dialog(what, m_operator, this);
    if (dialog.exec() != QDialog::Accepted || !dialog.canAccept())
        return;
    m_operator = dialog.operatorName();
    acceptSelected(dialog.reason(), dialog.operatorName());
}

void MismatchPanel::acceptSelected(const QString &reason, const QString &operatorName)
{
    run(Action::Accept, reason, operatorName);
}

void MismatchPanel::run(Action action, const QString &reason, const QString &operatorName)
{
    const QList<MismatchRecord> records = selectedRecords();
    if (!m_reader || m_busy || records.isEmpty())
        return;
    m_busy = true;
    updateButtons();
    static const char *const verbs[] = {"Rechecking", "Repairing", "Accepting"};
    m_result->setText(tr("%1 %n mismatch(es)…", nullptr, int(records.size())).arg(tr(verbs[int(action)])));
    const quint64 gen = m_generation;
    m_reader->request<ActionResult>(
        this,
        [action, records, reason, operatorName](StoreReader::Context &c) {
            ActionResult r;
            auto note = [&r](const MismatchRecord &m, bool ok, const QString &message) {
                ok ? ++r.done : ++r.failed;
                if (!message.isEmpty())
                    r.messages << QStringLiteral("%1 %2: %3").arg(m.tableName, m.keyJson, message);
            };
            if (action == Action::Repair) {
                MismatchRepair repair(c.plan(), c.store().location(), c.runId(),
                                      operatorName.isEmpty() ? QStringLiteral("cockpit") : operatorName);
                const QList<MismatchRepair::Outcome> outcomes = repair.repair(records);
                for (int i = 0; i < outcomes.size(); ++i) {
                    const MismatchRepair::Outcome &o = outcomes.at(i);
                    note(records.value(i), o.repaired,
                         o.repaired ? QStringLiteral("repaired (%1)").arg(o.action) : o.message);
                }
            } else {
                for (const MismatchRecord &m : records) {
                    const MismatchActions::Outcome o = action == Action::Recheck
                                                           ? c.mismatchActions().recheck(m.id, operatorName)
                                                           : c.mismatchActions().accept(m.id, reason, operatorName);
                    note(m, o.ok, o.message);
                }
            }
            for (const MismatchRecord &m : records) {
                if (auto now = c.store().mismatches().mismatch(m.id))
                    r.records << *now;
            }
            return r;
        },
        [this, gen, action](const ActionResult &r, const QString &error) {
            if (gen != m_generation)
                return;
            m_busy = false;
            for (const MismatchRecord &m : r.records)
                m_model->updateRecord(m);
            showCurrent();
            static const char *const done[] = {"Rechecked", "Repaired", "Accepted"};
            QString message;
            if (!error.isEmpty())
                message = tr("Failed: %1").arg(error);
            else if (r.messages.size() == 1)
                message = r.messages.first();
            else
                message = tr("%1 %2 of %3.").arg(tr(done[int(action)])).arg(r.done).arg(r.done + r.failed)
                          + (r.messages.isEmpty() ? QString() : QLatin1Char(' ') + r.messages.last());
            m_result->setText(message);
            m_result->setToolTip(r.messages.join(QLatin1Char('\n')));
            updateButtons();
            emit actionFinished(error.isEmpty() && r.failed == 0, message);
        });
}

QString MismatchPanel::resultText() const
{
    return m_result->text();
}

QString MismatchPanel::countText() const
{
    return m_count->text();
}

qint64 MismatchPanel::runId() const
{
    return m_reader ? m_reader->runId() : 0;
}

} // namespace switchyard::ui
