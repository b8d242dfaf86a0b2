#include "PlanOpener.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace switchyard::ui {

namespace {

// Longest line kept for the error excerpt; a minified or binary "line" can be
// megabytes long.
constexpr int kMaxExcerptChars = 400;
// Files larger than this are not scanned for excerpts (the loader has
// already said what is wrong; the excerpt is a convenience).
constexpr qint64 kMaxExcerptFileBytes = 16 * 1024 * 1024;

QString printable(const QString &line)
{
    QString out;
    out.reserve(qMin(line.size(), kMaxExcerptChars + 1));
    for (QChar c : line) {
        if (out.size() >= kMaxExcerptChars) {
            out += QChar(0x2026); // …
            break;
        }
        // Keep tabs (columns count them); show other control characters as a
        // replacement glyph so a binary file cannot garble the dialog.
        if (c == QLatin1Char('\t') || c.isPrint())
            out += c;
        else
            out += QChar(0xfffd);
    }
    return out;
}

QHash<int, QString> readErrorLines(const QString &path, const QList<core::PlanError> &errors)
{
    QSet<int> wanted;
    int last = 0;
    for (const core::PlanError &e : errors) {
        if (e.where.line > 0) {
            wanted.insert(e.where.line);
            last = qMax(last, e.where.line);
        }
    }
    QHash<int, QString> lines;
    if (wanted.isEmpty())
        return lines;
    QFile file(path);
    if (file.size() > kMaxExcerptFileBytes || !file.open(QIODevice::ReadOnly))
        return lines;
    int number = 0;
    while (!file.atEnd() && number < last) {
        QByteArray bytes = file.readLine(1024 * 1024);
        ++number;
        if (!wanted.contains(number))
            continue;
        while (bytes.endsWith('\n') || bytes.endsWith('\r'))
            bytes.chop(1);
        lines.insert(number, printable(QString::fromUtf8(bytes)));
    }
    return lines;
}

core::PlanError errorAt(const QString &path, const QString &message)
{
    core::PlanError error;
    error.where.file = path;
    error.message = message;
    return error;
}

} // namespace

PlanOpener::PlanOpener(QObject *parent)
    : QObject(parent)
{
}

PlanLoadOutcome PlanOpener::load(const QString &path)
{
    PlanLoadOutcome outcome;
    outcome.path = path;
    try {
        outcome.result = core::PlanLoader::loadFile(path);
    } catch (const std::exception &e) {
        outcome.result = {};
        outcome.result.errors << errorAt(path, QStringLiteral("internal error while loading: %1")
                                                   .arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        outcome.result = {};
        outcome.result.errors << errorAt(path, QStringLiteral("internal error while loading"));
    }
    if (!outcome.result.ok()) {
        // A failed load must always say something, whatever the loader did.
        if (outcome.result.errors.isEmpty())
            outcome.result.errors << errorAt(path, QStringLiteral("the plan could not be loaded"));
        outcome.result.plan.reset();
        try {
            outcome.errorLines = readErrorLines(path, outcome.result.errors);
        } catch (...) {
            outcome.errorLines.clear(); // excerpts are optional; the errors stand
        }
    }
    return outcome;
}

void PlanOpener::open(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const quint64 generation = ++m_generation;
    m_pendingPath = absolute;

    auto *watcher = new QFutureWatcher<PlanLoadOutcome>(this);
    connect(watcher, &QFutureWatcher<PlanLoadOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // superseded by a later open() or cancel()
        m_pendingPath.clear();
        const PlanLoadOutcome outcome = watcher->result();
        if (outcome.result.ok())
            emit planLoaded(*outcome.result.plan, outcome.path);
        else
            emit loadFailed(outcome);
    });
    emit loadStarted(absolute);
    watcher->setFuture(QtConcurrent::run(&PlanOpener::load, absolute));
}

void PlanOpener::cancel()
{
    ++m_generation;
    m_pendingPath.clear();
}

} // namespace switchyard::ui
