#include "PlanOverviewPanel.h"

#include "PlanFormat.h"
#include "Theme.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {
enum Page { EmptyPage, PlanPage };
enum Column { TableColumn, KeyColumn, TargetColumn };
} // namespace

PlanOverviewPanel::PlanOverviewPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("planOverview"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);

    auto *empty = new QLabel(QStringLiteral("The overview of the plan you open appears here."), m_stack);
    empty->setWordWrap(true);
    empty->setMargin(16);
    empty->setAlignment(Qt::AlignCenter);
    theme::makeMuted(empty);
    m_stack->addWidget(empty);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(14, 12, 14, 12);
    layout->setSpacing(6);

    m_name = new QLabel(page);
    m_name->setObjectName(QStringLiteral("migrationName"));
    m_name->setTextFormat(Qt::PlainText);
    m_name->setWordWrap(true);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_name->setFont(theme::scaledFont(font(), 1.4, true));
    layout->addWidget(m_name);

    m_risk = new QLabel(page);
    m_risk->setObjectName(QStringLiteral("risk"));
    auto *chips = new QHBoxLayout;
    chips->addWidget(m_risk);
    chips->addStretch(1);
    layout->addLayout(chips);

    m_why = theme::valueLabel({}, page);
    m_why->setObjectName(QStringLiteral("why"));
    layout->addSpacing(2);
    layout->addWidget(m_why);
    layout->addSpacing(8);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->setHorizontalSpacing(14);
    form->setVerticalSpacing(7);
    m_owner = addField(form, QStringLiteral("Owner"), QStringLiteral("owner"));
    m_window = addField(form, QStringLiteral("Window"), QStringLiteral("window"));
    m_strategies = addField(form, QStringLiteral("Strategies"), QStringLiteral("strategies"));
    m_source = addField(form, QStringLiteral("Source"), QStringLiteral("source"));
    m_target = addField(form, QStringLiteral("Target"), QStringLiteral("target"));
    m_controlStore = addField(form, QStringLiteral("Control store"), QStringLiteral("controlStore"));
    layout->addLayout(form);
    layout->addSpacing(10);

    m_tablesCaption = theme::caption(QStringLiteral("Tables"), page);
    layout->addWidget(m_tablesCaption);
    m_tables = new QTreeWidget(page);
    m_tables->setObjectName(QStringLiteral("tables"));
    m_tables->setColumnCount(3);
    m_tables->setHeaderLabels({QStringLiteral("Table"), QStringLiteral("Key columns"),
                               QStringLiteral("Target table")});
    m_tables->setRootIsDecorated(false);
    m_tables->setUniformRowHeights(true);
    m_tables->setAlternatingRowColors(true);
    m_tables->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tables->header()->setStretchLastSection(true);
    m_tables->header()->setSectionResizeMode(QHeaderView::Interactive);
    // As tall as its rows (up to the space there is); the rest stays below.
    m_tables->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_tables->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_tables->setMinimumHeight(60);
    layout->addWidget(m_tables);
    layout->addStretch(1);

    m_stack->addWidget(page);
    m_stack->setCurrentIndex(EmptyPage);
}

QLabel *PlanOverviewPanel::addField(QFormLayout *form, const QString &label, const QString &name)
{
    auto *caption = new QLabel(label, form->parentWidget());
    theme::makeMuted(caption);
    auto *value = theme::valueLabel({}, form->parentWidget());
    value->setObjectName(name);
    caption->setBuddy(value);
    form->addRow(caption, value);
    return value;
}

void PlanOverviewPanel::setPlan(const core::Plan &plan)
{
    const core::MigrationInfo &m = plan.migration;
    m_name->setText(m.name.isEmpty() ? QStringLiteral("(unnamed migration)") : m.name);

    const QColor riskColor = theme::riskColor(m.riskLevel);
    if (m.riskLevel.isEmpty()) {
        m_risk->hide();
    } else {
        m_risk->setText(QStringLiteral("%1 risk").arg(m.riskLevel.toLower()));
        theme::styleChip(m_risk, riskColor.isValid() ? riskColor : QColor(0x6b, 0x72, 0x80));
        m_risk->setAccessibleName(QStringLiteral("Risk level: ") + m.riskLevel);
        m_risk->show();
    }

    m_why->setText(m.why.trimmed());
    m_why->setVisible(!m.why.trimmed().isEmpty());
    m_owner->setText(m.owner.isEmpty() ? QStringLiteral("not set") : m.owner);
    m_window->setText(format::window(m));
    m_strategies->setText(format::strategies(plan.strategies));
    m_source->setText(format::connection(plan.source));
    m_target->setText(format::connection(plan.target));
    m_controlStore->setText(format::controlStore(plan));

    m_tablesCaption->setText(QStringLiteral("TABLES (%1)").arg(plan.tables.size()));
    m_tables->clear();
    bool anyRenamed = false;
    for (const core::TableSpec &table : plan.tables) {
        auto *item = new QTreeWidgetItem(m_tables);
        item->setText(TableColumn, table.name);
        if (table.keyColumns.isEmpty()) {
            item->setText(KeyColumn, QStringLiteral("primary key"));
            QFont italic = m_tables->font();
            italic.setItalic(true);
            item->setFont(KeyColumn, italic);
        } else {
            item->setText(KeyColumn, table.keyColumns.join(QStringLiteral(", ")));
        }
        item->setText(TargetColumn, table.effectiveTargetName());
        anyRenamed = anyRenamed || table.effectiveTargetName() != table.name;
        item->setToolTip(TableColumn, QStringLiteral("%1 → %2").arg(table.name, table.effectiveTargetName()));
    }
    // The target column only earns its space when some table is renamed.
    m_tables->setColumnHidden(TargetColumn, !anyRenamed);
    m_tables->resizeColumnToContents(TableColumn);
    m_stack->setCurrentIndex(PlanPage);
}

void PlanOverviewPanel::clear()
{
    m_tables->clear();
    m_stack->setCurrentIndex(EmptyPage);
}

QString PlanOverviewPanel::fieldText(const QString &field) const
{
    if (field == QLatin1String("risk"))
        return m_risk->isHidden() ? QString() : m_risk->text();
    if (const auto *label = findChild<QLabel *>(field))
        return label->text();
    return {};
}

} // namespace switchyard::ui
