#pragma once
// PlanOpener loads plan files off the GUI thread.
//
// open() starts PlanLoader::loadFile on the global thread pool and returns at
// once. When the load finishes, exactly one of planLoaded / loadFailed is
// emitted on the GUI thread, for the most recent open() only: a generation
// counter drops the result of an earlier open() that finishes late, so a slow
// first file can never replace the plan the operator opened after it.
//
// A failed load carries the lines of the file the errors point at (read in
// the worker too), so the error dialog can show them without touching the
// disk. Loading never throws into the GUI: an exception in the worker becomes
// a PlanError.

#include "plan/PlanLoader.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace switchyard::ui {

/// What a load produced: the plan or the errors, plus the offending lines.
struct PlanLoadOutcome
{
    QString path; // absolute
    core::PlanLoadResult result;
    /// 1-based line number → text of that line, for each line an error points at.
    QHash<int, QString> errorLines;
};

class PlanOpener : public QObject
{
    Q_OBJECT
public:
    explicit PlanOpener(QObject *parent = nullptr);

    /// Starts loading `path`; any load still running is superseded.
    void open(const QString &path);
    /// Forgets the load in progress (its result will be dropped).
    void cancel();

    bool isLoading() const { return !m_pendingPath.isEmpty(); }
    /// The file being loaded, empty when idle.
    QString pendingPath() const { return m_pendingPath; }

    /// The work done on the pool thread; public so tests can call it directly.
    static PlanLoadOutcome load(const QString &path);

signals:
    void loadStarted(const QString &path);
    void planLoaded(const switchyard::core::Plan &plan, const QString &path);
    void loadFailed(const switchyard::ui::PlanLoadOutcome &outcome);

private:
    quint64 m_generation = 0;
    QString m_pendingPath;
};

} // namespace switchyard::ui
