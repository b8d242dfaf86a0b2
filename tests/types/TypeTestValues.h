#pragma once
// Test helper: a compact spelling of source values for data-driven tests.
//   "null"                      SQL NULL
//   "i:-5" / "u:18446744073709551615"   binary-protocol integers
//   "d:0.1" / "f:0.1"           double / float (float widened, as MySqlStatement delivers it)
//   "dt:2020-01-02 03:04:05.5"  MYSQL_TIME of a date/datetime/timestamp
//   "tm:-838:59:59.5"           MYSQL_TIME of a TIME (sign and hours > 24)
//   "s:text"                    bytes, UTF-8 of the rest (\0 written as "\\0")
//   "x:00ff"                    bytes from hex
#include "types/SourceValue.h"
#include "types/ValueText.h"

#include <QByteArray>
#include <QString>

namespace switchyard::test {

struct TestValue
{
    QByteArray storage; // keeps the bytes a SourceValue views
    core::SourceValue value;
};

inline TestValue makeValue(const QString &spec)
{
    using core::SourceValue;
    TestValue t;
    const int colon = int(spec.indexOf(QLatin1Char(':')));
    const QString kind = colon < 0 ? spec : spec.left(colon);
    const QString rest = colon < 0 ? QString() : spec.mid(colon + 1);
    if (kind == QLatin1String("null")) {
        t.value = SourceValue::null();
    } else if (kind == QLatin1String("i")) {
        t.value = SourceValue::fromInt(rest.toLongLong());
    } else if (kind == QLatin1String("u")) {
        t.value = SourceValue::fromUInt(rest.toULongLong());
    } else if (kind == QLatin1String("d")) {
        t.value = SourceValue::fromDouble(rest.toDouble());
    } else if (kind == QLatin1String("f")) {
        t.value = SourceValue::fromFloat(rest.toFloat());
    } else if (kind == QLatin1String("dt")) {
        core::SourceDateTime dt;
        core::valuetext::parseDateTime(rest.toUtf8(), dt);
        t.value = SourceValue::fromDateTime(dt);
    } else if (kind == QLatin1String("tm")) {
        const qint64 micros = core::valuetext::parseTimeMicros(rest.toUtf8()).value_or(0);
        core::SourceDateTime dt;
        dt.negative = micros < 0;
        const qint64 a = micros < 0 ? -micros : micros;
        dt.microsecond = int(a % 1000000);
        dt.second = int((a / 1000000) % 60);
        dt.minute = int((a / 60000000) % 60);
        dt.hour = int(a / 3600000000LL);
        t.value = SourceValue::fromDateTime(dt);
    } else if (kind == QLatin1String("s")) {
        t.storage = rest.toUtf8();
        t.storage.replace("\\0", QByteArray(1, '\0'));
        t.value = SourceValue::fromBytes(t.storage);
    } else if (kind == QLatin1String("x")) {
        t.storage = QByteArray::fromHex(rest.toLatin1());
        t.value = SourceValue::fromBytes(t.storage);
    }
    return t;
}

} // namespace switchyard::test
