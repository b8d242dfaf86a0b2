#pragma once
// PlanOverviewPanel: what a migration is, at a glance. Name, owner, why, risk
// level, window, strategies, source and target (engine, host:port, database;
// never a secret), the control store, and the tables with their keys.
//
// A read-only view of a Plan value. GUI thread only.

#include "plan/Plan.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QStackedWidget;
class QTreeWidget;

namespace switchyard::ui {

class PlanOverviewPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PlanOverviewPanel(QWidget *parent = nullptr);

    void setPlan(const core::Plan &plan);
    void clear();

    /// The text shown for a field ("owner", "risk", "window", "strategies",
    /// "source", "target", "controlStore", "why"); for tests and accessibility.
    QString fieldText(const QString &field) const;
    QTreeWidget *tablesView() const { return m_tables; }

private:
    QLabel *addField(QFormLayout *form, const QString &label, const QString &name);

    QStackedWidget *m_stack = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_risk = nullptr;
    QLabel *m_why = nullptr;
    QLabel *m_owner = nullptr;
    QLabel *m_window = nullptr;
    QLabel *m_strategies = nullptr;
    QLabel *m_source = nullptr;
    QLabel *m_target = nullptr;
    QLabel *m_controlStore = nullptr;
    QLabel *m_tablesCaption = nullptr;
    QTreeWidget *m_tables = nullptr;
};

} // namespace switchyard::ui
