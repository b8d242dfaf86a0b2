#pragma once
// FlagSet: the switches an application reads, as one plain value.
//
// The built-in flags and their types (docs/flags.md is the reference):
//   write_source           bool     the source (MySQL/MariaDB) is written
//   write_target           bool     the target (PostgreSQL) is written
//   read_from              choice   "source" | "target": the side reads move to
//   read_percent           0..100   share of entities whose reads go to read_from
//                                   when it is "target" (bucketed, Bucketing.h)
//   shadow_read            bool     compare the other side's row in the background
//   shadow_sample_percent  0..100   share of entities whose reads are shadowed
//   active_side            choice   "blue" | "green" (blue/green strategy)
//   feature.<name>         0..100   application feature ramps
//
// The defaults are the state before any migration: the source is the only
// side written and read. FlagSet is copyable, holds no Qt object and is safe
// to send across threads. Validation of names and values follows the plan
// loader's rules exactly (same names, same messages), so `flags set` accepts
// what a plan accepts.

#include "plan/Plan.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace switchyard::core {

enum class FlagType { Bool, Percent, Choice };

/// The type of a flag name, and the allowed values of a choice flag.
struct FlagTypeInfo
{
    FlagType type = FlagType::Bool;
    QStringList choices;
};

struct FlagSet
{
    enum class Side { Source, Target };
    enum class Color { Blue, Green };

    bool writeSource = true;
    bool writeTarget = false;
    Side readFrom = Side::Source;
    int readPercent = 0;
    bool shadowRead = false;
    int shadowSamplePercent = 0;
    Color activeSide = Color::Blue;
    /// "feature.<name>" → percent. Keys include the "feature." prefix.
    QMap<QString, int> features;

    /// The type of `name`, or nullopt for a name that is not a flag.
    static std::optional<FlagTypeInfo> typeOf(const QString &name);
    /// The names of the built-in flags, in the order documentation lists them.
    static QStringList builtInNames();

    /// Sets one flag from a typed value (bool, int or QString), as the plan
    /// loader produces. Returns an error message (empty on success) and
    /// leaves the set unchanged on error.
    QString set(const QString &name, const QVariant &value);
    /// Sets one flag from text as a person types it: on/off/true/false/yes/no
    /// for bools, a whole number 0..100 for percentages, a listed choice.
    QString setFromText(const QString &name, const QString &text);
    /// Applies a plan phase's settings in order; returns the first error.
    QString apply(const QList<FlagSetting> &settings);

    /// The typed value of a flag (bool, int or QString); invalid for an
    /// unknown name or a feature not set.
    QVariant value(const QString &name) const;
    /// Every flag name in this set: the built-ins, then the features sorted.
    QStringList names() const;
    /// The value as JSON text, as stored in switchyard.flags.value:
    /// true/false, a number, or a JSON string.
    QString jsonValue(const QString &name) const;
    /// Parses what jsonValue() writes. Returns an error message (empty on success).
    QString setFromJson(const QString &name, const QString &json);
    /// "on"/"off", "42", "target": for people.
    QString displayValue(const QString &name) const;

    static QString sideName(Side s);
    static QString colorName(Color c);

    friend bool operator==(const FlagSet &a, const FlagSet &b);
    friend bool operator!=(const FlagSet &a, const FlagSet &b) { return !(a == b); }
};

} // namespace switchyard::core
