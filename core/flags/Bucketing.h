#pragma once
// Deterministic bucketing: which entities are inside a percentage ramp.
//
// The rule (docs/flags.md has it with test vectors, so an application in any
// language reproduces it):
//   h      = SHA-256 of the UTF-8 bytes of  <flag name> ":" <entity id>
//   v      = the first 8 bytes of h, read as an unsigned 64-bit big-endian integer
//   bucket = v mod 10000                    (basis points, 0..9999)
//   in ramp  ⇔  bucket < percent × 100
// An entity in the ramp at p% stays in it at every higher percentage (the
// threshold only grows), so a ramp 1 → 10 → 50 → 100 never moves an entity
// back. Different flags hash differently, so the 10% of one ramp are not the
// 10% of another.
//
// Pure and thread-safe.

#include <QString>

namespace switchyard::core {

/// The bucket (0..9999) of `entityId` for `flagName`.
int flagBucket(const QString &flagName, const QString &entityId);

/// True when `entityId` is inside the `percent` (0..100, clamped) ramp of `flagName`.
bool inRamp(const QString &flagName, const QString &entityId, int percent);

} // namespace switchyard::core
