#include "ConnectionStatusPanel.h"

#include "Theme.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {

using core::ServerStatus;

enum class Light { Unknown, Up, Down };

QIcon dot(Light light)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    switch (light) {
    case Light::Up: p.setBrush(QColor(0x2e, 0x9e, 0x4f)); break;
    case Light::Down: p.setBrush(QColor(0xd0, 0x3b, 0x2f)); break;
    case Light::Unknown: p.setBrush(QColor(0x9a, 0x9a, 0x9a)); break;
    }
    p.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    return QIcon(pixmap);
}

QString formatLatency(double ms)
{
    if (ms < 0)
        return QStringLiteral("\u2014");
    if (ms < 10)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 2);
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', 0);
}

QString shortRole(ServerStatus::Role role)
{
    return role == ServerStatus::Role::ControlStore ? QStringLiteral("Store") : ServerStatus::roleName(role);
}

} // namespace

ConnectionStatusPanel::ConnectionStatusPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("connectionStatus"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    m_view = new QTreeWidget(this);
    m_view->setObjectName(QStringLiteral("servers"));
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setColumnCount(5);
    m_view->setHeaderLabels({QStringLiteral("Server"), QStringLiteral("State"), QStringLiteral("Latency"),
                             QStringLiteral("Version"), QStringLiteral("Endpoint")});
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(true);
    layout->addWidget(m_view, 1);

    auto *row = new QHBoxLayout;
    m_checked = new QLabel(QStringLiteral("Not checked yet"), this);
    m_checked->setObjectName(QStringLiteral("checkedAt"));
    theme::makeMuted(m_checked);
    row->addWidget(m_checked, 1);
    m_settings = new QPushButton(QStringLiteral("Connections\u2026"), this);
    m_settings->setObjectName(QStringLiteral("connectionSettings"));
    m_settings->setToolTip(QStringLiteral("Edit the source and target connections"));
    connect(m_settings, &QPushButton::clicked, this, &ConnectionStatusPanel::settingsRequested);
    row->addWidget(m_settings);
    m_refresh = new QPushButton(QStringLiteral("Check now"), this);
    m_refresh->setObjectName(QStringLiteral("checkConnections"));
    connect(m_refresh, &QPushButton::clicked, this, &ConnectionStatusPanel::refreshRequested);
    row->addWidget(m_refresh);
    layout->addLayout(row);
    clear();
}

void ConnectionStatusPanel::clear()
{
    m_statuses.clear();
    m_view->clear();
    m_checked->setText(QStringLiteral("Open a plan to see its servers."));
    m_refresh->setEnabled(false);
    m_settings->setEnabled(false);
}

void ConnectionStatusPanel::setPlan(const core::Plan &plan)
{
    clear();
    const auto endpoint = [](const core::ConnectionSettings &c) {
        return QStringLiteral("%1@%2:%3/%4").arg(c.user, c.host).arg(c.effectivePort()).arg(c.database);
    };
    const QStringList endpoints = {endpoint(plan.source), endpoint(plan.target),
                                   core::ControlStoreLocation::fromPlan(plan).describe()};
    const QList<ServerStatus::Role> roles = {ServerStatus::Role::Source, ServerStatus::Role::Target,
                                             ServerStatus::Role::ControlStore};
    for (int i = 0; i < roles.size(); ++i) {
        auto *item = new QTreeWidgetItem(m_view);
        item->setIcon(ServerColumn, dot(Light::Unknown));
        item->setText(ServerColumn, ServerStatus::roleName(roles[i]));
        item->setText(StateColumn, QStringLiteral("checking\u2026"));
        item->setText(EndpointColumn, endpoints[i]);
        item->setToolTip(EndpointColumn, endpoints[i]);
    }
    m_checked->setText(QStringLiteral("Checking the servers\u2026"));
    m_refresh->setEnabled(true);
    m_settings->setEnabled(true);
}

void ConnectionStatusPanel::setStatuses(const QList<core::ServerStatus> &statuses)
{
    m_statuses = statuses;
    QDateTime newest;
    for (const ServerStatus &status : statuses) {
        const int row = int(status.role);
        while (m_view->topLevelItemCount() <= row)
            new QTreeWidgetItem(m_view);
        showRow(row, status);
        if (!newest.isValid() || status.checkedAt > newest)
            newest = status.checkedAt;
    }
    if (newest.isValid())
        m_checked->setText(QStringLiteral("Checked at %1")
                               .arg(QLocale().toString(newest.toLocalTime().time(), QLocale::LongFormat)));
    m_refresh->setEnabled(true);
}

void ConnectionStatusPanel::showRow(int row, const core::ServerStatus &status)
{
    QTreeWidgetItem *item = m_view->topLevelItem(row);
    item->setText(ServerColumn, ServerStatus::roleName(status.role));
    item->setIcon(ServerColumn, dot(status.reachable ? Light::Up : Light::Down));
    item->setText(StateColumn, status.reachable ? QStringLiteral("reachable") : QStringLiteral("unreachable"));
    item->setText(LatencyColumn, formatLatency(status.latencyMs));
    item->setText(VersionColumn, status.version);
    item->setText(EndpointColumn, status.endpoint);
    QStringList tip;
    tip << QStringLiteral("<b>%1</b>: %2").arg(ServerStatus::roleName(status.role).toHtmlEscaped(),
                                                status.endpoint.toHtmlEscaped());
    if (!status.credential.isEmpty())
        tip << status.credential.toHtmlEscaped();
    if (status.connectMs >= 0)
        tip << QStringLiteral("connected in %1").arg(formatLatency(status.connectMs));
    if (!status.error.isEmpty())
        tip << QStringLiteral("<span style='color:#d03b2f'>%1</span>").arg(status.error.toHtmlEscaped());
    const QString html = tip.join(QStringLiteral("<br>"));
    for (int c = 0; c < m_view->columnCount(); ++c)
        item->setToolTip(c, html);
}

QString ConnectionStatusPanel::summary() const
{
    if (m_statuses.isEmpty())
        return {};
    QStringList parts;
    for (const ServerStatus &status : m_statuses) {
        parts << (status.reachable ? QStringLiteral("%1 %2").arg(shortRole(status.role), formatLatency(status.latencyMs))
                                   : QStringLiteral("%1 unreachable").arg(shortRole(status.role)));
    }
    return parts.join(QStringLiteral(" \u00b7 "));
}

} // namespace switchyard::ui
