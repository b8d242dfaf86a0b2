#include "flags/Bucketing.h"

#include <QCryptographicHash>

#include <algorithm>

namespace switchyard::core {

int flagBucket(const QString &flagName, const QString &entityId)
{
    const QByteArray input = flagName.toUtf8() + ':' + entityId.toUtf8();
    const QByteArray h = QCryptographicHash::hash(input, QCryptographicHash::Sha256);
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | quint64(quint8(h.at(i)));
    return int(v % 10000u);
}

bool inRamp(const QString &flagName, const QString &entityId, int percent)
{
    const int p = std::clamp(percent, 0, 100);
    return flagBucket(flagName, entityId) < p * 100;
}

} // namespace switchyard::core
