#pragma once
// PlanWriter: Plan → YAML in the canonical layout of docs/plan-format.md.
//
// What PlanWriter writes, PlanLoader reads back to an equal plan (the
// round-trip is tested). Defaults are written out explicitly so a saved plan
// says exactly what will happen. Thread-safe (pure functions).

#include "plan/Plan.h"

#include <QByteArray>

namespace switchyard::core {

class PlanWriter
{
public:
    static QByteArray toYaml(const Plan &plan);
    /// Writes atomically (QSaveFile); returns false and sets *error on failure.
    static bool saveFile(const Plan &plan, const QString &path, QString *error);
};

} // namespace switchyard::core
