#include "PlanRisksPanel.h"

#include "Theme.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {

// A small coloured dot before "low/medium/high", readable on any background.
QIcon levelIcon(const QString &level)
{
    const QColor color = theme::riskColor(level);
    if (!color.isValid())
        return {};
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    return QIcon(pixmap);
}

QTableWidgetItem *cell(const QString &text, const QIcon &icon = {})
{
    auto *item = new QTableWidgetItem(icon, text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return item;
}

} // namespace

PlanRisksPanel::PlanRisksPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("planRisks"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    m_empty = new QLabel(QStringLiteral("The plan's risks appear here."), m_stack);
    m_empty->setAlignment(Qt::AlignCenter);
    theme::makeMuted(m_empty);
    m_stack->addWidget(m_empty);

    m_risks = new QTableWidget(0, 5, m_stack);
    m_risks->setObjectName(QStringLiteral("risks"));
    m_risks->setHorizontalHeaderLabels({QStringLiteral("Risk"), QStringLiteral("Likelihood"),
                                        QStringLiteral("Impact"), QStringLiteral("Owner"),
                                        QStringLiteral("Mitigation")});
    m_risks->verticalHeader()->hide();
    m_risks->setShowGrid(false);
    m_risks->setAlternatingRowColors(true);
    m_risks->setWordWrap(true);
    m_risks->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_risks->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_risks->setFrameShape(QFrame::NoFrame);
    m_risks->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    QHeaderView *header = m_risks->horizontalHeader();
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(LikelihoodColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ImpactColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(OwnerColumn, QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    // Wrapped text needs the rows re-measured whenever a column changes width.
    connect(header, &QHeaderView::sectionResized, m_risks, &QTableWidget::resizeRowsToContents);
    m_stack->addWidget(m_risks);
}

void PlanRisksPanel::setPlan(const core::Plan &plan)
{
    m_risks->setRowCount(0);
    m_risks->setRowCount(plan.risks.size());
    for (int row = 0; row < plan.risks.size(); ++row) {
        const core::Risk &risk = plan.risks[row];
        m_risks->setItem(row, RiskColumn, cell(risk.risk));
        m_risks->setItem(row, LikelihoodColumn, cell(risk.likelihood, levelIcon(risk.likelihood)));
        m_risks->setItem(row, ImpactColumn, cell(risk.impact, levelIcon(risk.impact)));
        m_risks->setItem(row, OwnerColumn, cell(risk.owner));
        m_risks->setItem(row, MitigationColumn, cell(risk.mitigation));
    }
    m_risks->setColumnWidth(RiskColumn, 330);
    m_risks->resizeRowsToContents();
    // Columns settle after the next layout pass; measure the rows again then.
    QTimer::singleShot(0, m_risks, &QTableWidget::resizeRowsToContents);
    if (plan.risks.isEmpty()) {
        m_empty->setText(QStringLiteral("This plan lists no risks."));
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_risks);
    }
}

void PlanRisksPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Row heights depend on the wrapped width of the text; re-measure once
    // the columns have their final widths.
    m_risks->resizeRowsToContents();
}

void PlanRisksPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_risks->resizeRowsToContents();
}

void PlanRisksPanel::clear()
{
    m_risks->setRowCount(0);
    m_empty->setText(QStringLiteral("The plan's risks appear here."));
    m_stack->setCurrentWidget(m_empty);
}

} // namespace switchyard::ui
