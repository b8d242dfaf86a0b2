#include "engine/ReverseSyncApplier.h"

#include "engine/ReverseSyncValue.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "target/PgConnection.h"

#include <pqxx/pqxx>

#include <QSet>

#include <functional>

namespace switchyard::core {

ReverseSyncApplier::ReverseSyncApplier(const Plan &plan, const TableMapping &mapping)
    : m_plan(plan)
    , m_mapping(mapping)
{
    const TableSpec *spec = plan.table(mapping.source.name);
    m_schema = plan.target.schema.isEmpty() ? QStringLiteral("public") : plan.target.schema;
    m_targetTable = spec ? spec->effectiveTargetName() : mapping.targetName;
    for (int c = 0; c < m_mapping.columns.size(); ++c) {
        // MySQL computes its generated columns itself and refuses values for them.
        if (m_mapping.columns.at(c).source.generationExpression.isEmpty())
            m_written << c;
    }
    for (const QString &k : m_mapping.keyColumns) {
        for (int c = 0; c < m_mapping.columns.size(); ++c) {
            if (m_mapping.columns.at(c).source.name == k)
                m_keyIndexes << c;
        }
    }
    bool keyWritten = true;
    for (int k : std::as_const(m_keyIndexes))
        keyWritten = keyWritten && m_written.contains(k);
    if (m_keyIndexes.size() != m_mapping.keyColumns.size() || m_keyIndexes.isEmpty() || !keyWritten)
        throw ReverseApplyError(QStringLiteral("table '%1': the key columns are not all mapped; "
                                               "reverse sync needs the whole key on both sides, not generated")
                                    .arg(mapping.source.name)
                                    .toStdString());
}

ReverseSyncApplier::Images ReverseSyncApplier::readTarget(PgConnection &target, const QList<Key> &keys) const
{
    Images images;
    if (keys.isEmpty())
        return images;
    const QString table = quotePgQualifiedName(m_schema, m_targetTable);
    QStringList select, build, join;
    std::vector<std::string> params;
    QByteArray all = "[";
    for (int i = 0; i < keys.size(); ++i) {
        if (i > 0)
            all += ',';
        all += keys.at(i).json;
    }
    all += ']';
    params.push_back(all.toStdString());
    for (int c : m_written)
        select << QStringLiteral("t.") + quotePgIdentifier(m_mapping.columns.at(c).targetName);
    for (int i = 0; i < m_keyIndexes.size(); ++i) {
        const QString name = m_mapping.columns.at(m_keyIndexes.at(i)).targetName;
        params.push_back(name.toStdString());
        build << QStringLiteral("$%1::text, l.key->%2").arg(params.size()).arg(i);
        join << QStringLiteral("t.%1 = k.%1").arg(quotePgIdentifier(name));
    }
    // jsonb_populate_record turns each key part into its column's type, so
    // the join is an index lookup on the primary key.
    const std::string sql =
        QStringLiteral("SELECT l.key::text, %1 FROM jsonb_array_elements($1::jsonb) AS l(key) "
                       "CROSS JOIN LATERAL jsonb_populate_record(NULL::%2, jsonb_build_object(%3)) AS k "
                       "JOIN %2 AS t ON %4")
            .arg(select.join(QStringLiteral(", ")), table, build.join(QStringLiteral(", ")),
                 join.join(QStringLiteral(" AND ")))
            .toStdString();
    target.run(QStringLiteral("reading the current rows of %1 on the target").arg(table), [&] {
        pqxx::nontransaction tx(target.connection());
        const pqxx::result r = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        for (const auto &row : r) {
            QList<std::optional<QByteArray>> values;
            for (int i = 1; i < int(row.size()); ++i) {
                if (row[i].is_null())
                    values << std::nullopt;
                else
                    values << QByteArray(row[i].c_str(), int(row[i].size()));
            }
            images.insert(QByteArray(row[0].c_str(), int(row[0].size())), values);
        }
    });
    return images;
}

namespace {

// A key's identity for matching what MySQL returns against what was asked
// for: the parts' text, joined by a unit separator.
QByteArray keyText(const QList<QByteArray> &parts)
{
    return parts.join('\x1f');
}

QByteArray valueText(const ReverseValue &v)
{
    switch (v.kind) {
    case ReverseValue::Kind::Int: return QByteArray::number(v.i);
    case ReverseValue::Kind::UInt: return QByteArray::number(v.u);
    case ReverseValue::Kind::Double: return QByteArray::number(v.d, 'g', 17);
    case ReverseValue::Kind::Text:
    case ReverseValue::Kind::Bytes: return v.bytes;
    case ReverseValue::Kind::Time: return v.toDisplay().toUtf8();
    case ReverseValue::Kind::Null: return QByteArray();
    }
    return {};
}

QByteArray valueText(const MySqlValue &v)
{
    switch (v.kind()) {
    case MySqlValue::Kind::Int: return QByteArray::number(v.toInt64());
    case MySqlValue::Kind::UInt: return QByteArray::number(v.toUInt64());
    case MySqlValue::Kind::Double: return QByteArray::number(v.toDouble(), 'g', 17);
    case MySqlValue::Kind::Bytes: return v.bytes().toByteArray();
    case MySqlValue::Kind::Time: {
        ReverseValue r;
        r.kind = ReverseValue::Kind::Time;
        r.time = v.toTime();
        return r.toDisplay().toUtf8();
    }
    case MySqlValue::Kind::Null: return QByteArray();
    }
    return {};
}

// "(?, ?), (?, ?)" for `rows` rows of `width` values.
QString placeholders(int rows, int width)
{
    QStringList one;
    for (int i = 0; i < width; ++i)
        one << QStringLiteral("?");
    const QString row = QLatin1Char('(') + one.join(QStringLiteral(", ")) + QLatin1Char(')');
    QStringList all;
    for (int r = 0; r < rows; ++r)
        all << row;
    return all.join(QStringLiteral(", "));
}

} // namespace

ReverseSyncApplier::Applied ReverseSyncApplier::apply(MySqlConnection &source, const QList<Key> &keys,
                                                      const Images &images) const
{
    Applied applied;
    if (keys.isEmpty())
        return applied;
    const QString table = quoteMySqlQualifiedName(m_plan.source.database, m_mapping.source.name);
    const int keyWidth = int(m_keyIndexes.size());
    QStringList keyNames, cols, updates;
    for (int k : m_keyIndexes)
        keyNames << quoteMySqlIdentifier(m_mapping.columns.at(k).source.name);
    for (int c : m_written) {
        const QString name = quoteMySqlIdentifier(m_mapping.columns.at(c).source.name);
        cols << name;
        if (!m_keyIndexes.contains(c))
            updates << QStringLiteral("%1 = VALUES(%1)").arg(name);
    }
    const QString keyTuple = keyWidth == 1 ? keyNames.first()
                                           : QLatin1Char('(') + keyNames.join(QStringLiteral(", ")) + QLatin1Char(')');
    auto fail = [&](const Key &key, const QString &why) {
        return ReverseApplyError(QStringLiteral("table '%1', key %2: %3")
                                     .arg(m_mapping.source.name, QString::fromUtf8(key.json), why)
                                     .toStdString());
    };

    // Convert everything first: a value MySQL cannot hold stops the batch
    // before anything is written.
    struct Row
    {
        QList<ReverseValue> key;
        QList<ReverseValue> values; // present rows: every written column
        QByteArray text;            // keyText of the key values
    };
    QList<Row> gone, present;
    for (const Key &key : keys) {
        Row row;
        const auto image = images.constFind(key.json);
        if (image == images.cend()) {
            if (key.parts.size() != keyWidth)
                throw fail(key, QStringLiteral("the captured key has %1 part(s), the key has %2 column(s)")
                                    .arg(key.parts.size())
                                    .arg(keyWidth));
            for (int i = 0; i < keyWidth; ++i) {
                const ReverseConversion v = reverseKeyValue(m_mapping.columns.at(m_keyIndexes.at(i)), key.parts.at(i));
                if (!v.ok())
                    throw fail(key, v.error);
                row.key << v.value;
            }
            gone << row;
            continue;
        }
        for (int w = 0; w < m_written.size(); ++w) {
            const ReverseConversion v = reverseValue(m_mapping.columns.at(m_written.at(w)), image->at(w));
            if (!v.ok())
                throw fail(key, v.error);
            row.values << v.value;
        }
        QList<QByteArray> parts;
        for (int k : m_keyIndexes) {
            row.key << row.values.at(int(m_written.indexOf(k)));
            parts << valueText(row.key.last());
        }
        row.text = keyText(parts);
        present << row;
    }

    // Statements carry at most kChunk rows (and MySQL's 65535 placeholders).
    const int kChunk = std::max(1, std::min(500, 60000 / int(std::max<qsizetype>(1, cols.size()))));
    auto chunks = [&](const QList<Row> &rows, const std::function<void(const QList<Row> &)> &fn) {
        for (qsizetype from = 0; from < rows.size(); from += kChunk)
            fn(rows.mid(from, kChunk));
    };

    // 1. Gone on the target: delete by key.
    chunks(gone, [&](const QList<Row> &part) {
        MySqlStatement del(source, QStringLiteral("DELETE FROM %1 WHERE %2 IN (%3)")
                                       .arg(table, keyTuple, keyWidth == 1 ? placeholders(1, int(part.size())).mid(1).chopped(1)
                                                                           : placeholders(int(part.size()), keyWidth)));
        int i = 0;
        for (const Row &r : part)
            for (const ReverseValue &v : r.key)
                v.bind(del, i++);
        del.execute();
        applied.deleted += qint64(del.affectedRows());
    });

    // 2. Present: lock the rows that exist (and learn which do).
    QSet<QByteArray> existing;
    chunks(present, [&](const QList<Row> &part) {
        MySqlStatement lock(source, QStringLiteral("SELECT %1 FROM %2 WHERE %3 IN (%4) FOR UPDATE")
                                        .arg(keyNames.join(QStringLiteral(", ")), table, keyTuple,
                                             keyWidth == 1 ? placeholders(1, int(part.size())).mid(1).chopped(1)
                                                           : placeholders(int(part.size()), keyWidth)));
        int i = 0;
        for (const Row &r : part)
            for (const ReverseValue &v : r.key)
                v.bind(lock, i++);
        lock.execute();
        while (lock.fetch()) {
            QList<QByteArray> parts;
            for (int k = 0; k < keyWidth; ++k)
                parts << valueText(lock.value(k));
            existing.insert(keyText(parts));
        }
    });
    QList<Row> toUpdate, toInsert;
    for (const Row &r : std::as_const(present))
        (existing.contains(r.text) ? toUpdate : toInsert) << r;

    // 3. Rows that exist: INSERT … ON DUPLICATE KEY UPDATE. The row is there
    // (and locked), so InnoDB meets the primary key first and updates THAT
    // row; a clash of the new values with another row's secondary unique key
    // then fails loudly (1062) instead of touching the other row.
    // 4. Rows that do not exist: a plain INSERT (a clash fails loudly too).
    auto write = [&](const QList<Row> &rows, bool update) {
        chunks(rows, [&](const QList<Row> &part) {
            QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
                              .arg(table, cols.join(QStringLiteral(", ")), placeholders(int(part.size()), int(cols.size())));
            if (update)
                sql += updates.isEmpty() ? QStringLiteral(" ON DUPLICATE KEY UPDATE %1 = %1").arg(keyNames.first())
                                         : QStringLiteral(" ON DUPLICATE KEY UPDATE ") + updates.join(QStringLiteral(", "));
            MySqlStatement st(source, sql);
            int i = 0;
            for (const Row &r : part)
                for (const ReverseValue &v : r.values)
                    v.bind(st, i++);
            st.execute();
        });
    };
    write(toUpdate, true);
    write(toInsert, false);
    applied.updated += toUpdate.size();
    applied.inserted += toInsert.size();
    return applied;
}

} // namespace switchyard::core
