#pragma once
// The migration plan document: the plan rendered for the people who review
// a migration before it starts — overview (what, why, when, owner, risk
// level), current state measured on the source, target state, every phase
// with its flags, ramp, jobs, gates and rollback, the timeline, and the risk
// register with mitigations. Markdown (for a repository or a wiki) or PDF
// (A4, the same text laid out by QTextDocument::setMarkdown()).
//
//   PlanMeasurements m = PlanDocument::measure(plan, 2);   // talks to the servers
//   QString md = PlanDocument::markdown(plan, sha, m);
//   QByteArray pdf = PlanDocument::pdf(plan, sha, m);      // needs a QGuiApplication
//
// measure() reads, on the source: the server version, each table's size
// (information_schema: data + index length) and row count (exact COUNT(*)
// under kExactCountLimit estimated rows, else the estimate, marked "≈"), and
// the server-wide statement rates from GLOBAL STATUS (Com_insert, Com_update,
// Com_delete, Com_replace, Com_select) sampled `sampleSeconds` apart; on the
// target, the server version. Whatever cannot be measured is reported as
// "not measured" with the reason — never invented. Blocks for about
// sampleSeconds; runs on the caller's thread with its own connections.

#include "plan/Plan.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace switchyard::core {

struct PlanMeasurements
{
    struct Table
    {
        QString name;
        qint64 rows = -1;
        bool rowsExact = false;
        qint64 bytes = -1;
        QString error;
    };
    bool attempted = false;
    QDateTime at;
    QString sourceVersion;
    QString sourceError;
    QString targetVersion;
    QString targetError;
    QList<Table> tables;
    double sampleSeconds = 0;
    double writesPerSecond = -1; // insert + update + delete + replace statements
    double readsPerSecond = -1;  // select statements
    QString ratesError;
};

class PlanDocument
{
public:
    static constexpr qint64 kExactCountLimit = 5'000'000;

    static PlanMeasurements measure(const Plan &plan, int sampleSeconds);
    static QString markdown(const Plan &plan, const QString &planSha256, const PlanMeasurements &m);
    static QByteArray pdf(const Plan &plan, const QString &planSha256, const PlanMeasurements &m);
};

} // namespace switchyard::core
