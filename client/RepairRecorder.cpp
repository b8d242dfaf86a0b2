#include "client/RepairRecorder.h"

#include "flags/FlagTables.h"
#include "target/PgConnection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <pqxx/pqxx>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace switchyard::client {

using namespace switchyard::core;

namespace {

void insertEntry(pqxx::transaction_base &tx, const RepairEntry &e, const char *origin)
{
    tx.exec_params("INSERT INTO switchyard.repair_queue (table_name, key_json, entity_id, "
                   "operation, error, sqlstate, origin, failed_at) "
                   "VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8::timestamptz)",
                   e.table.toStdString(), e.keyJson.toStdString(), e.entityId.toStdString(),
                   e.operation.toStdString(), e.error.toStdString(),
                   e.sqlState.isEmpty() ? std::optional<std::string>()
                                        : std::optional<std::string>(e.sqlState.toStdString()),
                   std::string(origin),
                   e.failedAt.toUTC().toString(Qt::ISODateWithMs).toStdString());
}

QByteArray toLine(const RepairEntry &e)
{
    QJsonObject o;
    o.insert(QStringLiteral("table"), e.table);
    o.insert(QStringLiteral("key"), e.keyJson);
    o.insert(QStringLiteral("entity_id"), e.entityId);
    o.insert(QStringLiteral("operation"), e.operation);
    o.insert(QStringLiteral("error"), e.error);
    o.insert(QStringLiteral("sqlstate"), e.sqlState);
    o.insert(QStringLiteral("failed_at"), e.failedAt.toUTC().toString(Qt::ISODateWithMs));
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<RepairEntry> fromLine(const QByteArray &line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (o.isEmpty())
        return std::nullopt;
    RepairEntry e;
    e.table = o.value(QStringLiteral("table")).toString();
    e.keyJson = o.value(QStringLiteral("key")).toString();
    e.entityId = o.value(QStringLiteral("entity_id")).toString();
    e.operation = o.value(QStringLiteral("operation")).toString();
    e.error = o.value(QStringLiteral("error")).toString();
    e.sqlState = o.value(QStringLiteral("sqlstate")).toString();
    e.failedAt = QDateTime::fromString(o.value(QStringLiteral("failed_at")).toString(), Qt::ISODateWithMs);
    return e;
}

// An flock on the file for the duration of a scope (other processes).
class FileLock
{
public:
    explicit FileLock(int fd)
        : m_fd(fd)
    {
        ::flock(m_fd, LOCK_EX);
    }
    ~FileLock() { ::flock(m_fd, LOCK_UN); }
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

private:
    int m_fd;
};

} // namespace

RepairRecorder::RepairRecorder(const QString &localFile)
    : m_localFile(localFile)
{
}

QString RepairRecorder::defaultLocalFile(const QString &migrationName)
{
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/state");
    QString name = migrationName;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    return base + QStringLiteral("/switchyard/repair-%1.jsonl").arg(name);
}

RepairRecorder::Where RepairRecorder::record(const RepairEntry &entry, PgConnection *target)
{
    if (target && target->isOpen()) {
        try {
            target->run(QStringLiteral("recording a repair"), [&] {
                pqxx::work tx(target->connection());
                insertEntry(tx, entry, "direct");
                tx.commit();
            });
            return Where::TargetQueue;
        } catch (const std::exception &) {
            // Fall through to the local file: the entry must not be lost.
        }
    }
    appendLocal(entry);
    return Where::LocalFile;
}

void RepairRecorder::appendLocal(const RepairEntry &entry)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    QDir().mkpath(QFileInfo(m_localFile).absolutePath());
    const int fd = ::open(QFile::encodeName(m_localFile).constData(),
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error(QStringLiteral("cannot open the local repair file %1: %2")
                                     .arg(m_localFile, QString::fromLocal8Bit(std::strerror(errno)))
                                     .toStdString());
    bool ok = true;
    {
        FileLock fl(fd);
        const QByteArray line = toLine(entry);
        ok = ::write(fd, line.constData(), size_t(line.size())) == line.size() && ::fsync(fd) == 0;
    }
    const int savedErrno = errno;
    ::close(fd);
    if (!ok)
        throw std::runtime_error(QStringLiteral("cannot write the local repair file %1: %2")
                                     .arg(m_localFile, QString::fromLocal8Bit(std::strerror(savedErrno)))
                                     .toStdString());
}

int RepairRecorder::localCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    QFile f(m_localFile);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    int n = 0;
    while (!f.atEnd()) {
        if (!f.readLine().trimmed().isEmpty())
            ++n;
    }
    return n;
}

int RepairRecorder::drainLocal(PgConnection &target)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const int fd = ::open(QFile::encodeName(m_localFile).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0; // no file: nothing waits
    FileLock fl(fd);
    QFile f;
    if (!f.open(fd, QIODevice::ReadOnly, QFileDevice::DontCloseHandle)) {
        ::close(fd);
        return 0;
    }
    QList<RepairEntry> entries;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty())
            continue;
        if (auto e = fromLine(line))
            entries << *e;
    }
    f.close();
    if (entries.isEmpty()) {
        ::close(fd);
        return 0;
    }
    try {
        target.run(QStringLiteral("moving local repair entries to the target"), [&] {
            pqxx::work tx(target.connection());
            for (const RepairEntry &e : std::as_const(entries))
                insertEntry(tx, e, "local_file");
            tx.commit();
        });
    } catch (...) {
        ::close(fd);
        throw;
    }
    const int rc = ::ftruncate(fd, 0);
    ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        throw std::runtime_error("cannot empty the local repair file after moving it");
    return int(entries.size());
}

} // namespace switchyard::client
