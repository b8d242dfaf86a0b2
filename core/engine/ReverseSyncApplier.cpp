#include "engine/ReverseSyncApplier.h"

#include "engine/ReverseSyncValue.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "target/PgConnection.h"

#include <pqxx/pqxx>

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
    if (m_keyIndexes.size() != m_mapping.keyColumns.size() || m_keyIndexes.isEmpty())
        throw ReverseApplyError(QStringLiteral("table '%1': the key columns are not all mapped; "
                                               "reverse sync needs the whole key on both sides")
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

ReverseSyncApplier::Applied ReverseSyncApplier::apply(MySqlConnection &source, const QList<Key> &keys,
                                                      const Images &images) const
{
    Applied applied;
    if (keys.isEmpty())
        return applied;
    const QString table = quoteMySqlQualifiedName(m_plan.source.database, m_mapping.source.name);
    QStringList keyWhere, cols, marks, sets;
    QList<int> setColumns; // positions in m_written
    for (int k : m_keyIndexes)
        keyWhere << quoteMySqlIdentifier(m_mapping.columns.at(k).source.name) + QStringLiteral(" = ?");
    for (int w = 0; w < m_written.size(); ++w) {
        const int c = m_written.at(w);
        const QString name = quoteMySqlIdentifier(m_mapping.columns.at(c).source.name);
        cols << name;
        marks << QStringLiteral("?");
        if (!m_keyIndexes.contains(c)) {
            sets << name + QStringLiteral(" = ?");
            setColumns << w;
        }
    }
    const QString where = keyWhere.join(QStringLiteral(" AND "));
    MySqlStatement lock(source, QStringLiteral("SELECT 1 FROM %1 WHERE %2 FOR UPDATE").arg(table, where));
    MySqlStatement del(source, QStringLiteral("DELETE FROM %1 WHERE %2").arg(table, where));
    MySqlStatement ins(source, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                   .arg(table, cols.join(QStringLiteral(", ")), marks.join(QStringLiteral(", "))));
    std::optional<MySqlStatement> upd;
    if (!sets.isEmpty())
        upd.emplace(source, QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                                .arg(table, sets.join(QStringLiteral(", ")), where));

    for (const Key &key : keys) {
        const auto image = images.constFind(key.json);
        if (image == images.cend()) {
            // Gone on the target: delete by the captured key.
            if (key.parts.size() != m_keyIndexes.size())
                throw ReverseApplyError(QStringLiteral("table '%1': captured key %2 has %3 part(s), the "
                                                       "key has %4 column(s)")
                                            .arg(m_mapping.source.name, QString::fromUtf8(key.json))
                                            .arg(key.parts.size())
                                            .arg(m_keyIndexes.size())
                                            .toStdString());
            for (int i = 0; i < m_keyIndexes.size(); ++i) {
                const ReverseConversion v = reverseKeyValue(m_mapping.columns.at(m_keyIndexes.at(i)), key.parts.at(i));
                if (!v.ok())
                    throw ReverseApplyError(QStringLiteral("table '%1', key %2: %3")
                                                .arg(m_mapping.source.name, QString::fromUtf8(key.json), v.error)
                                                .toStdString());
                v.value.bind(del, i);
            }
            del.execute();
            applied.deleted += qint64(del.affectedRows());
            continue;
        }
        // Present: convert every value first, so nothing is half-written.
        QList<ReverseValue> values;
        for (int w = 0; w < m_written.size(); ++w) {
            const ReverseConversion v = reverseValue(m_mapping.columns.at(m_written.at(w)), image->at(w));
            if (!v.ok())
                throw ReverseApplyError(QStringLiteral("table '%1', key %2: %3")
                                            .arg(m_mapping.source.name, QString::fromUtf8(key.json), v.error)
                                            .toStdString());
            values << v.value;
        }
        auto bindKey = [&](MySqlStatement &st, int first) {
            for (int i = 0; i < m_keyIndexes.size(); ++i)
                values.at(m_written.indexOf(m_keyIndexes.at(i))).bind(st, first + i);
        };
        bindKey(lock, 0);
        lock.execute();
        bool exists = false;
        while (lock.fetch())
            exists = true;
        if (exists) {
            if (upd) {
                for (int s = 0; s < setColumns.size(); ++s)
                    values.at(setColumns.at(s)).bind(*upd, s);
                bindKey(*upd, int(setColumns.size()));
                upd->execute();
            }
            ++applied.updated;
        } else {
            for (int w = 0; w < values.size(); ++w)
                values.at(w).bind(ins, w);
            ins.execute();
            ++applied.inserted;
        }
    }
    return applied;
}

} // namespace switchyard::core
