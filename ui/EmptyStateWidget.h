#pragma once
// EmptyStateWidget: what the window shows before any plan is open. Says how
// to open one (menu, shortcut, drag and drop), with an Open button and the
// recent plans as one-click links. GUI thread only.

#include <QStringList>
#include <QWidget>

class QVBoxLayout;

namespace switchyard::ui {

class EmptyStateWidget : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyStateWidget(QWidget *parent = nullptr);

    /// Shows up to five of `paths` as links (newest first).
    void setRecentPlans(const QStringList &paths);

signals:
    void openRequested();
    void recentPlanRequested(const QString &path);

private:
    QWidget *m_recentBox = nullptr;
    QVBoxLayout *m_recentList = nullptr;
};

} // namespace switchyard::ui
