#pragma once
// PlanLoader: YAML (plan format version 1, docs/plan-format.md) → Plan.
//
// Loading never throws and never stops at the first problem: it collects every
// error it can find, each with file, line and column and what was expected, so
// a DBA fixes a plan in one pass. Unknown keys are errors (a typo such as
// `gtaes:` must not silently drop the gates). A plan that contains a password
// anywhere is rejected.
//
// Thread-safe: the functions are pure; call them from any thread.

#include "plan/Plan.h"

#include <QByteArray>
#include <QList>
#include <optional>

namespace switchyard::core {

struct PlanLoadResult
{
    std::optional<Plan> plan; // set only when errors is empty
    QList<PlanError> errors;

    bool ok() const { return plan.has_value() && errors.isEmpty(); }
    /// All errors, one per line, in file order.
    QString errorText() const;
};

class PlanLoader
{
public:
    /// Reads and validates a plan file. Paths inside the plan stay as written;
    /// Plan::controlStorePath() resolves them against the plan's folder.
    static PlanLoadResult loadFile(const QString &path);

    /// Validates YAML text; `fileName` is used in error messages and to resolve
    /// relative paths.
    static PlanLoadResult loadText(const QByteArray &yaml, const QString &fileName);
};

} // namespace switchyard::core
