#pragma once
// ConnectionStatusPanel: the plan's three servers — source (MySQL/MariaDB),
// target (PostgreSQL), control store — each with a status dot, whether it is
// reachable, the round-trip latency, the server version, where the password
// came from, and the error (with what to do) when it is not reachable.
//
// A view of plain values: setStatuses() takes what core::ServerProbe
// measured (on the engine's worker thread, never here). It never opens a
// connection itself; refreshRequested() asks the owner to probe again.
// summary() is a one-line version for the status bar. GUI thread only.

#include "engine/ServerProbe.h"
#include "plan/Plan.h"

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace switchyard::ui {

class ConnectionStatusPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { ServerColumn, StateColumn, LatencyColumn, VersionColumn, EndpointColumn };

    explicit ConnectionStatusPanel(QWidget *parent = nullptr);

    /// Shows the plan's endpoints as "checking…" until statuses arrive.
    void setPlan(const core::Plan &plan);
    void clear();
    void setStatuses(const QList<core::ServerStatus> &statuses);

    /// The last statuses shown.
    const QList<core::ServerStatus> &statuses() const { return m_statuses; }
    /// "Source 0.4 ms · Target 0.3 ms · Store 0.1 ms" or "Target unreachable".
    QString summary() const;

    QTreeWidget *serversView() const { return m_view; }

signals:
    void refreshRequested();
    void settingsRequested();

private:
    void showRow(int row, const core::ServerStatus &status);

    QTreeWidget *m_view = nullptr;
    QLabel *m_checked = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_settings = nullptr;
    QList<core::ServerStatus> m_statuses;
};

} // namespace switchyard::ui
