#include "ConnectionSettingsDialog.h"

#include "Settings.h"
#include "Theme.h"

#include "common/Credentials.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace switchyard::ui {

namespace {

QString groupFor(const QString &planName, const QString &which)
{
    // Plan names are [a-z0-9-] by convention; percent-encode anything else so the key stays one level.
    return QStringLiteral("connections/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(planName)), which);
}

void write(QSettings &settings, const QString &group, const core::ConnectionSettings &c)
{
    settings.beginGroup(group);
    settings.setValue(QStringLiteral("host"), c.host);
    settings.setValue(QStringLiteral("port"), c.port);
    settings.setValue(QStringLiteral("user"), c.user);
    settings.setValue(QStringLiteral("database"), c.database);
    settings.setValue(QStringLiteral("schema"), c.schema);
    settings.setValue(QStringLiteral("sslMode"), c.sslMode);
    settings.endGroup();
}

bool readInto(QSettings &settings, const QString &group, core::ConnectionSettings &c)
{
    settings.beginGroup(group);
    const bool present = settings.contains(QStringLiteral("host"));
    if (present) {
        c.host = settings.value(QStringLiteral("host")).toString();
        c.port = settings.value(QStringLiteral("port")).toInt();
        c.user = settings.value(QStringLiteral("user")).toString();
        c.database = settings.value(QStringLiteral("database")).toString();
        c.schema = settings.value(QStringLiteral("schema")).toString();
        c.sslMode = settings.value(QStringLiteral("sslMode")).toString();
    }
    settings.endGroup();
    return present;
}

QString passwordHelp(const core::ConnectionSettings &c)
{
    const core::ResolvedCredential credential = core::resolveCredential(c);
    const bool mysql = c.engine != core::ConnectionSettings::Engine::PostgreSQL;
    const QString where = mysql
        ? QStringLiteral("~/.my.cnf (<tt>[client]</tt> <tt>password=\u2026</tt>, mode 600) or $SWITCHYARD_SOURCE_PASSWORD")
        : QStringLiteral("~/.pgpass (<tt>host:port:db:user:password</tt>, mode 600) or $SWITCHYARD_TARGET_PASSWORD");
    return QStringLiteral("Now: <b>%1</b>.<br>No keychain is available here: the password is never stored by "
                          "Switchyard nor written into the plan. Put it in %2.")
        .arg(credential.describe().toHtmlEscaped(), where);
}

} // namespace

namespace ConnectionOverrides {

void save(const QString &planName, const core::ConnectionSettings &source, const core::ConnectionSettings &target)
{
    const auto settings = openSettings();
    write(*settings, groupFor(planName, QStringLiteral("source")), source);
    write(*settings, groupFor(planName, QStringLiteral("target")), target);
}

void clear(const QString &planName)
{
    const auto settings = openSettings();
    settings->remove(groupFor(planName, QStringLiteral("source")));
    settings->remove(groupFor(planName, QStringLiteral("target")));
}

bool exists(const QString &planName)
{
    const auto settings = openSettings();
    return settings->contains(groupFor(planName, QStringLiteral("source")) + QStringLiteral("/host"));
}

core::Plan apply(core::Plan plan, bool *applied)
{
    const auto settings = openSettings();
    bool any = readInto(*settings, groupFor(plan.migration.name, QStringLiteral("source")), plan.source);
    any = readInto(*settings, groupFor(plan.migration.name, QStringLiteral("target")), plan.target) || any;
    if (applied)
        *applied = any;
    return plan;
}

} // namespace ConnectionOverrides

ConnectionSettingsDialog::ConnectionSettingsDialog(const core::Plan &plan, QWidget *parent)
    : QDialog(parent)
    , m_plan(plan)
{
    setObjectName(QStringLiteral("connectionSettings"));
    setWindowTitle(QStringLiteral("Connections \u2014 %1").arg(plan.migration.name));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        QStringLiteral("These settings apply to this plan in this cockpit only; the plan file is not changed "
                       "(its checksum identifies the run)."),
        this);
    intro->setWordWrap(true);
    theme::makeMuted(intro);
    layout->addWidget(intro);
    auto *groups = new QHBoxLayout;
    groups->addWidget(buildGroup(QStringLiteral("Source (%1)").arg(core::ConnectionSettings::engineName(plan.source.engine)),
                                 plan.source, m_source));
    groups->addWidget(buildGroup(QStringLiteral("Target (PostgreSQL)"), plan.target, m_target));
    layout->addLayout(groups);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_test = buttons->addButton(QStringLiteral("&Test"), QDialogButtonBox::ActionRole);
    m_test->setObjectName(QStringLiteral("testConnections"));
    m_reset = buttons->addButton(QStringLiteral("Use the plan's settings"), QDialogButtonBox::ResetRole);
    m_reset->setObjectName(QStringLiteral("resetConnections"));
    connect(m_test, &QPushButton::clicked, this, &ConnectionSettingsDialog::test);
    connect(m_reset, &QPushButton::clicked, this, [this] {
        ConnectionOverrides::clear(m_plan.migration.name);
        reject();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        ConnectionOverrides::save(m_plan.migration.name, source(), target());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(this, &ConnectionSettingsDialog::testFinished, this, &ConnectionSettingsDialog::showTest);
    layout->addWidget(buttons);
}

QWidget *ConnectionSettingsDialog::buildGroup(const QString &title, const core::ConnectionSettings &c, Fields &f)
{
    auto *box = new QGroupBox(title, this);
    auto *form = new QFormLayout(box);
    const bool pg = c.engine == core::ConnectionSettings::Engine::PostgreSQL;
    const QString prefix = pg ? QStringLiteral("target.") : QStringLiteral("source.");
    f.host = new QLineEdit(c.host, box);
    f.host->setObjectName(prefix + QStringLiteral("host"));
    form->addRow(QStringLiteral("Host:"), f.host);
    f.port = new QSpinBox(box);
    f.port->setObjectName(prefix + QStringLiteral("port"));
    f.port->setRange(0, 65535);
    f.port->setSpecialValueText(QStringLiteral("default (%1)").arg(pg ? 5432 : 3306));
    f.port->setValue(c.port);
    form->addRow(QStringLiteral("Port:"), f.port);
    f.user = new QLineEdit(c.user, box);
    f.user->setObjectName(prefix + QStringLiteral("user"));
    form->addRow(QStringLiteral("User:"), f.user);
    f.database = new QLineEdit(c.database, box);
    f.database->setObjectName(prefix + QStringLiteral("database"));
    form->addRow(QStringLiteral("Database:"), f.database);
    if (pg) {
        f.schema = new QLineEdit(c.schema, box);
        f.schema->setObjectName(prefix + QStringLiteral("schema"));
        f.schema->setPlaceholderText(QStringLiteral("public"));
        form->addRow(QStringLiteral("Schema:"), f.schema);
    }
    f.sslMode = new QComboBox(box);
    f.sslMode->setObjectName(prefix + QStringLiteral("sslMode"));
    f.sslMode->setEditable(false);
    const QStringList modes = pg ? QStringList{QString(), QStringLiteral("disable"), QStringLiteral("prefer"),
                                               QStringLiteral("require"), QStringLiteral("verify-ca"),
                                               QStringLiteral("verify-full")}
                                 : QStringList{QString(), QStringLiteral("disabled"), QStringLiteral("preferred"),
                                               QStringLiteral("required"), QStringLiteral("verify_ca"),
                                               QStringLiteral("verify_identity")};
    for (const QString &mode : modes)
        f.sslMode->addItem(mode.isEmpty() ? QStringLiteral("driver default") : mode, mode);
    f.sslMode->setCurrentIndex(qMax(0, f.sslMode->findData(c.sslMode)));
    form->addRow(QStringLiteral("TLS:"), f.sslMode);
    f.password = new QLabel(passwordHelp(c), box);
    f.password->setObjectName(prefix + QStringLiteral("password"));
    f.password->setWordWrap(true);
    f.password->setTextFormat(Qt::RichText);
    form->addRow(QStringLiteral("Password:"), f.password);
    f.result = new QLabel(box);
    f.result->setObjectName(prefix + QStringLiteral("testResult"));
    f.result->setWordWrap(true);
    f.result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), f.result);
    return box;
}

core::ConnectionSettings ConnectionSettingsDialog::read(const core::ConnectionSettings &base, const Fields &f) const
{
    core::ConnectionSettings c = base;
    c.host = f.host->text().trimmed();
    c.port = f.port->value();
    c.user = f.user->text().trimmed();
    c.database = f.database->text().trimmed();
    if (f.schema)
        c.schema = f.schema->text().trimmed();
    c.sslMode = f.sslMode->currentData().toString();
    return c;
}

core::ConnectionSettings ConnectionSettingsDialog::source() const
{
    return read(m_plan.source, m_source);
}

core::ConnectionSettings ConnectionSettingsDialog::target() const
{
    return read(m_plan.target, m_target);
}

void ConnectionSettingsDialog::test()
{
    core::Plan plan = m_plan;
    plan.source = source();
    plan.target = target();
    m_test->setEnabled(false);
    m_source.result->setText(QStringLiteral("Testing\u2026"));
    m_target.result->setText(QStringLiteral("Testing\u2026"));
    auto *watcher = new QFutureWatcher<QList<core::ServerStatus>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        emit testFinished(watcher->result());
        watcher->deleteLater();
    });
    // The probe lives and dies on the pool thread that runs it (its connections belong there).
    watcher->setFuture(QtConcurrent::run([plan] {
        core::ServerProbe probe(plan, core::ControlStoreLocation::fromPlan(plan));
        return QList<core::ServerStatus>{probe.probeSource(), probe.probeTarget()};
    }));
}

void ConnectionSettingsDialog::showTest(const QList<core::ServerStatus> &statuses)
{
    m_test->setEnabled(true);
    for (const core::ServerStatus &s : statuses) {
        QLabel *label = s.role == core::ServerStatus::Role::Source ? m_source.result : m_target.result;
        if (s.reachable) {
            label->setText(QStringLiteral("\u2714 reachable, %1 ms, %2").arg(s.latencyMs, 0, 'f', 2).arg(s.version));
            label->setStyleSheet(QStringLiteral("color: #2e9e4f;"));
        } else {
            label->setText(QStringLiteral("\u2718 %1").arg(s.error));
            label->setStyleSheet(QStringLiteral("color: #d03b2f;"));
        }
    }
}

} // namespace switchyard::ui
