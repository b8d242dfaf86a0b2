#pragma once
// `switchyard-cli reverse-sync PLAN status|install|remove|run`: change
// capture on the target and the job that applies it to the source
// (core/engine/ChangeCapture.h, ReverseSyncJob.h; docs/reverse-sync.md).

#include <QStringList>
#include <QTextStream>

namespace switchyard::cli {

QString reverseSyncCommandHelp();
int runReverseSyncCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace switchyard::cli
