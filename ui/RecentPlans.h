#pragma once
// The "Open Recent" list: the last plans opened successfully, newest first,
// at most kMaxEntries, stored in the user settings (Settings.h).
//
// GUI thread only. Paths are stored absolute; the list is read from the
// settings on every call, so two windows share one list.

#include <QObject>
#include <QStringList>

namespace switchyard::ui {

class RecentPlans : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxEntries = 8;

    explicit RecentPlans(QObject *parent = nullptr);

    QStringList paths() const;
    /// Moves `path` to the top (adding it if new) and trims the list.
    void add(const QString &path);
    void remove(const QString &path);
    void clear();

signals:
    void changed();

private:
    void store(const QStringList &paths);
};

} // namespace switchyard::ui
