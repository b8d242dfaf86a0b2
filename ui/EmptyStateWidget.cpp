#include "EmptyStateWidget.h"

#include "Theme.h"

#include <QApplication>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace switchyard::ui {

namespace {
constexpr int kMaxRecentLinks = 5;
}

EmptyStateWidget::EmptyStateWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("emptyState"));
    setAutoFillBackground(true);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(2);

    auto *column = new QWidget(this);
    column->setFixedWidth(480);
    auto *layout = new QVBoxLayout(column);
    layout->setSpacing(10);

    auto *icon = new QLabel(column);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/switchyard.svg")).pixmap(88, 88));
    icon->setFixedSize(88, 88);
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    layout->addSpacing(6);

    auto *heading = new QLabel(QStringLiteral("No migration plan open"), column);
    heading->setFont(theme::scaledFont(font(), 1.5, true));
    heading->setAlignment(Qt::AlignHCenter);
    layout->addWidget(heading);

    auto *body = new QLabel(
        QStringLiteral("Open a plan file (YAML) to see its phases, gates and tables. Use "
                       "File \u203a Open\u2026 (Ctrl+O), pick one from File \u203a Open Recent, "
                       "or drop a .yaml file onto this window."),
        column);
    body->setObjectName(QStringLiteral("emptyStateHint"));
    body->setWordWrap(true);
    body->setAlignment(Qt::AlignHCenter);
    theme::makeMuted(body);
    layout->addWidget(body);
    layout->addSpacing(8);

    auto *open = new QPushButton(QIcon::fromTheme(QStringLiteral("document-open")),
                                 QStringLiteral("Open Plan\u2026"), column);
    open->setObjectName(QStringLiteral("openPlanButton"));
    open->setDefault(true);
    open->setMinimumWidth(160);
    connect(open, &QPushButton::clicked, this, &EmptyStateWidget::openRequested);
    layout->addWidget(open, 0, Qt::AlignHCenter);

    m_recentBox = new QWidget(column);
    auto *recentLayout = new QVBoxLayout(m_recentBox);
    recentLayout->setContentsMargins(0, 18, 0, 0);
    recentLayout->setSpacing(2);
    auto *caption = theme::caption(QStringLiteral("Recent plans"), m_recentBox);
    caption->setAlignment(Qt::AlignHCenter);
    recentLayout->addWidget(caption);
    m_recentList = new QVBoxLayout;
    m_recentList->setSpacing(0);
    recentLayout->addLayout(m_recentList);
    layout->addWidget(m_recentBox);
    m_recentBox->hide();

    // Centred with stretches rather than an alignment flag: an aligned item
    // gets its plain size hint, which is too short for the wrapped text.
    auto *centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addWidget(column);
    centre->addStretch(1);
    outer->addLayout(centre);
    outer->addStretch(3);
}

void EmptyStateWidget::setRecentPlans(const QStringList &paths)
{
    while (QLayoutItem *item = m_recentList->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const QString &path : paths.mid(0, kMaxRecentLinks)) {
        auto *link = new QPushButton(QFileInfo(path).fileName(), m_recentBox);
        link->setFlat(true);
        link->setCursor(Qt::PointingHandCursor);
        link->setToolTip(path);
        link->setAccessibleDescription(QStringLiteral("Open ") + path);
        connect(link, &QPushButton::clicked, this, [this, path] { emit recentPlanRequested(path); });
        m_recentList->addWidget(link, 0, Qt::AlignHCenter);
    }
    m_recentBox->setVisible(!paths.isEmpty());
}

} // namespace switchyard::ui
