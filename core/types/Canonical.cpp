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

bool Canonical::fixedAlphabet(CanonicalKind kind)
{
    switch (kind) {
    case CanonicalKind::Integer:
    case CanonicalKind::Decimal:
    case CanonicalKind::Float:
    case CanonicalKind::Boolean:
    case CanonicalKind::Bytes:
    case CanonicalKind::Date:
    case CanonicalKind::Timestamp:
    case CanonicalKind::TimestampUtc:
    case CanonicalKind::Time:
    case CanonicalKind::Bits:
        return true;
    case CanonicalKind::Text:
    case CanonicalKind::PaddedText:
    case CanonicalKind::Json:
    case CanonicalKind::Set:
        break;
    }
    return false;
}

QByteArray Canonical::tagged(const Value &value, CanonicalKind kind)
{
    if (fixedAlphabet(kind))
        return (value ? *value : QByteArray("N")) + ';';
    if (!value)
        return QByteArray("N");
    return QByteArray::number(value->size()) + ':' + *value;
}

} // namespace switchyard::core
