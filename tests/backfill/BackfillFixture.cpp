#include "BackfillFixture.h"

#include "plan/PlanWriter.h"
#include "source/MySqlStatement.h"
#include "source/SchemaIntrospector.h"
#include "types/SchemaConversion.h"
#include "types/SourceValue.h"
#include "types/ValueCodec.h"

#include <pqxx/pqxx>

namespace switchyard::test {

using namespace switchyard::core;

BackfillFixture::BackfillFixture(const Sandbox &sb, const QString &name)
    : m_sb(sb)
    , m_name(name)
{
    MySqlConnection admin;
    admin.open(mysqlSettings(sb, sb.mysql.database));
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(name)));
    admin.exec(QStringLiteral("CREATE DATABASE %1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                   .arg(quoteMySqlIdentifier(name)));
    m_source.open(mysqlSettings(sb, name));

    PgConnection pgAdmin;
    pgAdmin.open(pgSettings(sb, sb.pg.database));
    pgAdmin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quotePgIdentifier(name)));
    pgAdmin.exec(QStringLiteral("CREATE DATABASE %1").arg(quotePgIdentifier(name)));
    m_target.open(pgSettings(sb, name));
}

BackfillFixture::~BackfillFixture()
{
    // Leave the databases when a test failed, for a look; drop them otherwise.
    if (QTest::currentTestFailed())
        return;
    try {
        m_source.close();
        m_target.close();
        MySqlConnection admin;
        admin.open(mysqlSettings(m_sb, m_sb.mysql.database));
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(m_name)));
        PgConnection pgAdmin;
        pgAdmin.open(pgSettings(m_sb, m_sb.pg.database));
        pgAdmin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quotePgIdentifier(m_name)));
    } catch (const std::exception &) {
    }
}

TableSpec BackfillFixture::table(const QString &name, int batchRows, const QStringList &key)
{
    TableSpec t;
    t.name = name;
    t.batchRows = batchRows;
    t.keyColumns = key;
    return t;
}

QString BackfillFixture::controlStorePath() const
{
    return m_dir.filePath(QStringLiteral("control.sqlite"));
}

Plan BackfillFixture::plan(const QList<TableSpec> &tables) const
{
    Plan p;
    p.migration.name = m_name;
    p.migration.owner = QStringLiteral("tests");
    p.source = mysqlSettings(m_sb, m_name);
    p.target = pgSettings(m_sb, m_name);
    p.controlStore.kind = ControlStoreSettings::Kind::Sqlite;
    p.controlStore.location = controlStorePath();
    p.tables = tables;
    p.strategies = {Strategy::DualWrite};
    PhaseSpec phase;
    phase.id = QStringLiteral("backfill");
    phase.title = QStringLiteral("Backfill");
    phase.flags << FlagSetting{QStringLiteral("write_target"), true, {}};
    p.phases << phase;
    return p;
}

QString BackfillFixture::writePlanFile(const Plan &plan) const
{
    const QString path = m_dir.filePath(QStringLiteral("plan.yaml"));
    QString error;
    if (!PlanWriter::saveFile(plan, path, &error))
        qFatal("cannot write the plan: %s", qPrintable(error));
    return path;
}

void BackfillFixture::applySchema(const Plan &plan)
{
    const SchemaConversion conversion = convertSchema(plan, m_source);
    SchemaApplyOptions options;
    const SchemaApplyResult r = core::applySchema(conversion, m_target, m_source, options);
    if (!r.applied)
        qFatal("schema apply refused: %s\n%s", qPrintable(r.refusal),
               qPrintable(conversion.ddl.script()));
}

BackfillFixture::Snapshot BackfillFixture::sourceRows(const Plan &plan, const QString &table)
{
    const SchemaConversion conversion = convertSchema(plan, m_source);
    const TableMapping *mapping = conversion.table(table);
    Q_ASSERT(mapping);
    Snapshot snap;
    QStringList select;
    QList<ValueCodec> codecs;
    for (const ColumnMapping &c : mapping->columns) {
        select << quoteMySqlIdentifier(c.source.name);
        snap.columns << c.targetName;
        codecs << ValueCodec(c, plan.types);
    }
    MySqlStatement st(m_source, QStringLiteral("SELECT %1 FROM %2")
                                    .arg(select.join(QStringLiteral(", ")),
                                         quoteMySqlIdentifier(mapping->source.name)));
    st.execute();
    while (st.fetch()) {
        QList<std::optional<QByteArray>> row;
        QByteArray key;
        for (int i = 0; i < codecs.size(); ++i) {
            const auto canon = codecs.at(i).canonicalSource(SourceValue::fromMySql(st.value(i)));
            row << canon;
            if (mapping->keyColumns.contains(mapping->columns.at(i).source.name))
                key += canon.value_or("<NULL>") + '\x1f';
        }
        snap.rows.insert(key, row);
    }
    return snap;
}

BackfillFixture::Snapshot BackfillFixture::targetRows(const Plan &plan, const QString &table)
{
    const SchemaConversion conversion = convertSchema(plan, m_source);
    const TableMapping *mapping = conversion.table(table);
    Q_ASSERT(mapping);
    const TableSpec *spec = plan.table(table);
    Snapshot snap;
    QStringList select;
    QList<ValueCodec> codecs;
    for (const ColumnMapping &c : mapping->columns) {
        select << quotePgIdentifier(c.targetName);
        snap.columns << c.targetName;
        codecs << ValueCodec(c, plan.types);
    }
    m_target.run(QStringLiteral("reading the target"), [&] {
        pqxx::work tx(m_target.connection());
        tx.exec("SET LOCAL extra_float_digits = 3");
        const pqxx::result r = tx.exec(
            QStringLiteral("SELECT %1 FROM %2")
                .arg(select.join(QStringLiteral(", ")),
                     quotePgQualifiedName(QStringLiteral("public"), spec->effectiveTargetName()))
                .toStdString());
        for (const auto &dbRow : r) {
            QList<std::optional<QByteArray>> row;
            QByteArray key;
            for (int i = 0; i < codecs.size(); ++i) {
                std::optional<QByteArray> text;
                if (!dbRow[i].is_null())
                    text = QByteArray(dbRow[i].c_str(), int(dbRow[i].size()));
                const auto canon = codecs.at(i).canonicalTarget(text);
                row << canon;
                if (mapping->keyColumns.contains(mapping->columns.at(i).source.name))
                    key += canon.value_or("<NULL>") + '\x1f';
            }
            snap.rows.insert(key, row);
        }
        tx.commit();
    });
    return snap;
}

QStringList BackfillFixture::differences(const Plan &plan, const QString &table)
{
    const Snapshot src = sourceRows(plan, table);
    const Snapshot dst = targetRows(plan, table);
    QStringList out;
    auto add = [&out](const QString &line) {
        if (out.size() < 10)
            out << line;
    };
    for (auto it = src.rows.begin(); it != src.rows.end(); ++it) {
        const auto other = dst.rows.find(it.key());
        if (other == dst.rows.end()) {
            add(QStringLiteral("missing in target: key %1").arg(QString::fromUtf8(it.key())));
            continue;
        }
        for (int c = 0; c < src.columns.size(); ++c) {
            if (it.value().at(c) != other.value().at(c))
                add(QStringLiteral("key %1 column %2: source %3, target %4")
                        .arg(QString::fromUtf8(it.key()), src.columns.at(c),
                             QString::fromUtf8(it.value().at(c).value_or("NULL")),
                             QString::fromUtf8(other.value().at(c).value_or("NULL"))));
        }
    }
    for (auto it = dst.rows.begin(); it != dst.rows.end(); ++it) {
        if (!src.rows.contains(it.key()))
            add(QStringLiteral("extra in target: key %1").arg(QString::fromUtf8(it.key())));
    }
    if (src.rows.size() != dst.rows.size())
        add(QStringLiteral("row counts: source %1, target %2").arg(src.rows.size()).arg(dst.rows.size()));
    return out;
}

qint64 BackfillFixture::targetCount(const QString &table)
{
    return m_target
        .query(QStringLiteral("SELECT count(*) FROM %1")
                   .arg(quotePgQualifiedName(QStringLiteral("public"), table)))
        .scalar()
        .toLongLong();
}

} // namespace switchyard::test
