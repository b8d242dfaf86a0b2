#pragma once
// Where the cockpit keeps its per-user preferences (window layout, recent
// plans). Not the control store: nothing here matters to a migration.
//
// Organisation "Switchyard", application "Switchyard". When
// QStandardPaths::setTestModeEnabled(true) is on, the settings live in an INI
// file under the test-mode config folder instead, so tests never touch the
// user's real settings. GUI thread only (QSettings objects are not shared).

#include <QSettings>

#include <memory>

namespace switchyard::ui {

/// Opens the user's settings (or the test-mode file, see above).
std::unique_ptr<QSettings> openSettings();

/// The INI file used in test mode; empty when test mode is off.
QString testSettingsFile();

} // namespace switchyard::ui
