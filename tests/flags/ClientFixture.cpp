#include "ClientFixture.h"

#include "flags/FlagPublisher.h"
#include "flags/FlagReader.h"
#include "target/PgConnection.h"


namespace switchyard::test {

using namespace switchyard::core;

ClientFixture::ClientFixture(const Sandbox &sb, const QString &name)
    : BackfillFixture(sb, name)
{
    source().exec(QStringLiteral(
        "CREATE TABLE users ("
        " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,"
        " email VARCHAR(255) NOT NULL,"
        " name VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,"
        " status ENUM('active', 'pending', 'suspended', 'closed') NOT NULL DEFAULT 'pending',"
        " is_admin TINYINT(1) NOT NULL DEFAULT 0,"
        " balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,"
        " score DOUBLE NULL,"
        " prefs JSON NULL,"
        " avatar_hash VARBINARY(32) NULL,"
        " created_at DATETIME(6) NOT NULL,"
        " updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
        " PRIMARY KEY (id),"
        " UNIQUE KEY uq_users_email (email),"
        " KEY ix_users_status (status)) ENGINE=InnoDB"));
    m_plan = BackfillFixture::plan({BackfillFixture::table(QStringLiteral("users"))});
    applySchema(m_plan);
}

qint64 ClientFixture::publish(const QStringList &settings)
{
    FlagReader reader(target());
    FlagSet flags = reader.read().flags;
    for (const QString &s : settings) {
        const qsizetype eq = s.indexOf(QLatin1Char('='));
        const QString e = flags.setFromText(s.left(eq), s.mid(eq + 1));
        if (!e.isEmpty())
            qFatal("bad flag in a test: %s", qPrintable(e));
    }
    return FlagPublisher(target()).publish(flags, QStringLiteral("tests"), QStringLiteral("test")).version;
}

QString ClientFixture::tempPath(const QString &name) const
{
    return m_tmp.filePath(name);
}

QVariantMap ClientFixture::user(int n)
{
    return {{QStringLiteral("email"), QStringLiteral("user%1@example.com").arg(n)},
            {QStringLiteral("name"), QStringLiteral("User %1 🚂").arg(n)},
            {QStringLiteral("status"), QStringLiteral("active")},
            {QStringLiteral("is_admin"), n % 7 == 0},
            {QStringLiteral("balance"), QStringLiteral("%1.25").arg(n)},
            {QStringLiteral("score"), n * 0.1},
            {QStringLiteral("prefs"), QStringLiteral("{\"theme\": \"dark\", \"n\": %1}").arg(n)},
            {QStringLiteral("avatar_hash"), QByteArray::fromHex("00ff10") + QByteArray::number(n)},
            {QStringLiteral("created_at"), QStringLiteral("2024-03-31 01:30:00.123456")}};
}

namespace {

// Merged output, up to 90 s: validate --mode full and the repair drain.
std::pair<int, QString> runCliMerged(const QStringList &args)
{
    CliOptions o;
    o.mergeChannels = true;
    o.timeoutMs = 90000;
    const CliRun r = runCli(args, o);
    return {r.exitCode, r.output()};
}

} // namespace

std::pair<int, QString> ClientFixture::validateFullCli(const Plan &plan, const QString &table) const
{
    return runCliMerged({QStringLiteral("validate"), writePlanFile(plan), QStringLiteral("--mode"), QStringLiteral("full"),
                         QStringLiteral("--table"), table, QStringLiteral("--recheck-delay-ms"), QStringLiteral("50")});
}

std::pair<int, QString> ClientFixture::drainRepairQueueCli(const Plan &plan) const
{
    return runCliMerged({QStringLiteral("repair"), writePlanFile(plan), QStringLiteral("--queue")});
}

} // namespace switchyard::test
