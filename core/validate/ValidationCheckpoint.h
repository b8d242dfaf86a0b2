#pragma once
// What a validation job keeps in its control-store checkpoint: the resume
// point and, once done, the per-table summary. Stored as a JSON object in
// Checkpoint::lastKeyJson (the store keeps the text as given):
//   {"v":1,"mode":"checksum","after":"[4200]","phase":"source","done":false,
//    "rows":4200,"chunks":42,"unchecked":[{"lower":"[1000]","upper":"[1100]",
//    "error":"…"}],"verdict":"pass","source_rows":…,"target_rows":…,"statement":"…"}
// Keys are kept as their JSON text (integers may exceed 2^53). A plain value.

#include "validate/ValidationTypes.h"

namespace switchyard::core {

struct ValidationCheckpoint
{
    QString mode;
    std::optional<ValidationKey> after; // upper key of the last finished chunk / page
    QString phase;                      // key-list comparison: "source", then "target"
    bool done = false;
    qint64 rows = 0;
    qint64 chunks = 0;
    QList<UncheckedChunk> unchecked;
    QString verdict;         // when done
    qint64 sourceRows = -1;  // count and sample modes
    qint64 targetRows = -1;
    QString statement;

    QString toJson(const QList<CanonicalKind> &keyKinds) const;
    /// nullopt when `json` is not an object this version wrote.
    static std::optional<ValidationCheckpoint> fromJson(const QString &json);
};

} // namespace switchyard::core
