#include "RecentPlans.h"

#include "Settings.h"

#include <QFileInfo>

namespace switchyard::ui {

namespace {
const QString kKey = QStringLiteral("recentPlans");

QString normalised(const QString &path)
{
    return QFileInfo(path).absoluteFilePath();
}
} // namespace

RecentPlans::RecentPlans(QObject *parent)
    : QObject(parent)
{
}

QStringList RecentPlans::paths() const
{
    QStringList list = openSettings()->value(kKey).toStringList();
    list.removeAll(QString());
    list.removeDuplicates();
    if (list.size() > kMaxEntries)
        list = list.mid(0, kMaxEntries);
    return list;
}

void RecentPlans::add(const QString &path)
{
    const QString entry = normalised(path);
    QStringList list = paths();
    list.removeAll(entry);
    list.prepend(entry);
    store(list.mid(0, kMaxEntries));
}

void RecentPlans::remove(const QString &path)
{
    QStringList list = paths();
    if (list.removeAll(normalised(path)) > 0)
        store(list);
}

void RecentPlans::clear()
{
    store({});
}

void RecentPlans::store(const QStringList &list)
{
    openSettings()->setValue(kKey, list);
    emit changed();
}

} // namespace switchyard::ui
