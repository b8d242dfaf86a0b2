#pragma once
// Small pieces every switchyard-cli command shares: loading the plan (with
// the errors printed the same way as `plan check`), reading options, and
// Ctrl-C handling for long-running commands.

#include "plan/Plan.h"

#include <QMap>
#include <QStringList>
#include <QTextStream>

#include <atomic>
#include <functional>
#include <optional>

namespace switchyard::cli {

/// Loads and validates `path`; on failure prints every error to `err`.
std::optional<core::Plan> loadPlan(const QString &path, QTextStream &err);

/// The SHA-256 (lower-case hex) of the plan file's bytes, recorded with a run.
QString planSha256(const QString &path);

/// A tiny option reader: "--name value" and "--name=value" forms, flags, and
/// positional arguments; unknown options are errors.
class Options
{
public:
    Options(const QStringList &args, const QStringList &valueOptions, const QStringList &flags);

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    const QStringList &positional() const { return m_positional; }
    bool has(const QString &name) const;
    QString value(const QString &name) const;
    /// The option as a non-negative number; sets error() when it is not one.
    std::optional<double> number(const QString &name);

private:
    QStringList m_positional;
    QMap<QString, QString> m_values;
    QString m_error;
};

/// Runs `onInterrupt` (from a watcher thread, not the signal handler) the
/// first time SIGINT or SIGTERM arrives while the guard lives; a second
/// signal kills the process the default way.
class InterruptGuard
{
public:
    explicit InterruptGuard(std::function<void()> onInterrupt);
    ~InterruptGuard();
    bool interrupted() const;
};

} // namespace switchyard::cli
