#include "types/Canonical.h"

#include "types/ValueCodec.h"

namespace switchyard::core {

Canonical::Value Canonical::fromSource(const ColumnMapping &mapping, const TypePolicies &policies,
                                       const SourceValue &value)
{
    return ValueCodec(mapping, policies).canonicalSource(value);
}

Canonical::Value Canonical::fromTarget(const ColumnMapping &mapping,
                                       const std::optional<QByteArray> &pgText)
{
    return ValueCodec(mapping, TypePolicies()).canonicalTarget(pgText);
}

QByteArray Canonical::tagged(const Value &value)
{
    if (!value)
        return QByteArray("N");
    return QByteArray::number(value->size()) + ':' + *value;
}

} // namespace switchyard::core
