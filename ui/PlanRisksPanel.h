#pragma once
// PlanRisksPanel: the plan's risk register (risk, likelihood, impact, owner,
// mitigation), so the people running a phase see what could go wrong and who
// watches it. A read-only view of a Plan value. GUI thread only.

#include "plan/Plan.h"

#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableWidget;

namespace switchyard::ui {

class PlanRisksPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { RiskColumn, LikelihoodColumn, ImpactColumn, OwnerColumn, MitigationColumn };

    explicit PlanRisksPanel(QWidget *parent = nullptr);

    void setPlan(const core::Plan &plan);
    void clear();

    QTableWidget *risksView() const { return m_risks; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QTableWidget *m_risks = nullptr;
};

} // namespace switchyard::ui
