#pragma once
// The verdict at the top of a validation report, and the rule for signing it.
//
// PASS only when every table of the plan is fully checked with nothing open:
// its newest validation finished, in a mode that covers every row (checksum
// or full — count and sample modes prove less), with verdict "pass" (or
// "fail" only through mismatches that have since been repaired — re-checked
// equal — or accepted by a person with a reason), no unchecked range, and no
// open or in-flight mismatch; and the run's audit chain verifies. Anything else is NOT READY, with one reason per problem,
// in words a DBA can act on. Warnings (shown too, but not blocking) cover
// what the report could not measure or what changed since the evidence was
// taken (live row counts that differ at report time, a plan file edited
// since the run, rows the backfill rejected).
//
// Sign-off: a PASS report may be signed plainly or "with exceptions"; a NOT
// READY report only "with exceptions", and then the statement must say why
// (refusal() says what is wrong). Pure functions of plain values.

#include "report/ReportData.h"

namespace switchyard::core {

struct ReportVerdict
{
    bool pass = false;
    QStringList reasons;  // why NOT READY (empty when pass)
    QStringList warnings; // shown, not blocking

    QString label() const { return pass ? QStringLiteral("PASS") : QStringLiteral("NOT READY"); }
    static ReportVerdict decide(const ReportData &data);
};

/// What the DBA enters in the sign-off, and what the report records with it.
struct ReportSignOff
{
    QString signer;
    QString role;
    QString statement;
    bool withExceptions = false;
    QDateTime at;               // UTC, when the report was signed
    QString keyFingerprint;     // "SHA256:<hex>" of the signer's Ed25519 public key

    bool isEmpty() const { return signer.isEmpty(); }
    /// "PASS" or "SIGNED WITH EXCEPTIONS".
    QString label() const;
    /// The SignOff::verdict stored in the control store: "approved" or
    /// "approved_with_exceptions".
    QString storeVerdict() const;
    /// Empty when this sign-off may be given for `verdict`; otherwise why not.
    QString refusal(const ReportVerdict &verdict) const;
};

} // namespace switchyard::core
