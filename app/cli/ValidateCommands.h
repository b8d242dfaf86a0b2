#pragma once
// `switchyard-cli validate PLAN [--table T] [--mode count|sample|checksum|full]`
// `switchyard-cli mismatches PLAN [--table T] [--status S]`
// `switchyard-cli repair PLAN (--key JSON | --all-open) [--table T]`
// Thin wrappers over core/validate (ValidationJob, MismatchRepair) and the
// control store's mismatch records.

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

int runValidateCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int runMismatchesCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int runRepairCommand(const QStringList &args, QTextStream &out, QTextStream &err);
QString validateCommandHelp();
QString mismatchesCommandHelp();
QString repairCommandHelp();

} // namespace switchyard::cli
