#pragma once
// ConnectionSettingsDialog: edit where the source (MySQL/MariaDB) and the
// target (PostgreSQL) are — host, port, user, database, target schema, TLS
// mode — for this cockpit, and test them.
//
// Where the edits go. Into the user's settings, keyed by the plan's
// migration name (ConnectionOverrides below), and applied to the plan each
// time it is opened here: the plan file is the team's document and its
// SHA-256 names the run, so the cockpit never rewrites it. (A worker started
// with `switchyard-cli worker` reads the plan file's own settings.)
//
// Passwords are never written into the plan nor into these settings. With a
// keychain hook installed (core/common/Credentials.h) the password would go
// there; no keychain is available on this system, so the dialog says where
// the drivers look instead — ~/.my.cnf ([client] password=…) or
// $SWITCHYARD_SOURCE_PASSWORD for the source, ~/.pgpass or
// $SWITCHYARD_TARGET_PASSWORD for the target — and where each connection's
// password comes from now.
//
// "Test" probes the edited settings with core::ServerProbe on the thread
// pool (never on the GUI thread) and shows reachable / latency / version or
// the error. GUI thread only.

#include "engine/ServerProbe.h"
#include "plan/Plan.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace switchyard::ui {

/// Per-user connection settings for a plan (see above). GUI thread only.
namespace ConnectionOverrides {
/// Stores `source` and `target` (never a password) for the plan's migration name.
void save(const QString &planName, const core::ConnectionSettings &source, const core::ConnectionSettings &target);
/// Forgets them: the plan file's settings apply again.
void clear(const QString &planName);
bool exists(const QString &planName);
/// `plan` with the saved settings (if any) in place of its own; `applied` says whether any were.
core::Plan apply(core::Plan plan, bool *applied = nullptr);
} // namespace ConnectionOverrides

class ConnectionSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectionSettingsDialog(const core::Plan &plan, QWidget *parent = nullptr);

    core::ConnectionSettings source() const;
    core::ConnectionSettings target() const;
    /// Runs ServerProbe on the edited settings in the background; testFinished() follows.
    void test();

signals:
    void testFinished(const QList<switchyard::core::ServerStatus> &statuses);

private:
    struct Fields
    {
        QLineEdit *host = nullptr;
        QSpinBox *port = nullptr;
        QLineEdit *user = nullptr;
        QLineEdit *database = nullptr;
        QLineEdit *schema = nullptr;
        QComboBox *sslMode = nullptr;
        QLabel *password = nullptr;
        QLabel *result = nullptr;
    };
    QWidget *buildGroup(const QString &title, const core::ConnectionSettings &settings, Fields &fields);
    core::ConnectionSettings read(const core::ConnectionSettings &base, const Fields &fields) const;
    void showTest(const QList<core::ServerStatus> &statuses);

    core::Plan m_plan;
    Fields m_source;
    Fields m_target;
    QPushButton *m_test = nullptr;
    QPushButton *m_reset = nullptr;
};

} // namespace switchyard::ui
