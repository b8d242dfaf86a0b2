#include "QueryResult.h"

namespace switchyard::core {

QString QueryResult::text(int row, int column) const
{
    const std::optional<QByteArray> &v = rows.at(row).at(column);
    if (!v)
        return QString();
    // Not a null QString: an empty value must stay distinguishable from NULL.
    return v->isEmpty() ? QString(QLatin1String("")) : QString::fromUtf8(*v);
}

QString QueryResult::scalar() const
{
    if (rows.isEmpty() || rows.first().isEmpty())
        return QString();
    return text(0, 0);
}

} // namespace switchyard::core
