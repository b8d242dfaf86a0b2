#include "Settings.h"

#include <QDir>
#include <QStandardPaths>

namespace switchyard::ui {

namespace {
const QString kOrganisation = QStringLiteral("Switchyard");
const QString kApplication = QStringLiteral("Switchyard");
} // namespace

QString testSettingsFile()
{
    if (!QStandardPaths::isTestModeEnabled())
        return {};
    // QSettings ignores the test mode, QStandardPaths honours it: use the latter.
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return QDir(dir).filePath(kOrganisation + QLatin1Char('/') + kApplication + QStringLiteral(".ini"));
}

std::unique_ptr<QSettings> openSettings()
{
    const QString testFile = testSettingsFile();
    if (!testFile.isEmpty())
        return std::make_unique<QSettings>(testFile, QSettings::IniFormat);
    return std::make_unique<QSettings>(QSettings::UserScope, kOrganisation, kApplication);
}

} // namespace switchyard::ui
