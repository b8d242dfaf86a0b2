#include "cli/CliCommon.h"

#include "plan/PlanLoader.h"

#include <QCryptographicHash>
#include <QFile>

#include <csignal>
#include <thread>
#include <unistd.h>

namespace switchyard::cli {

std::optional<core::Plan> loadPlan(const QString &path, QTextStream &err)
{
    const core::PlanLoadResult r = core::PlanLoader::loadFile(path);
    if (!r.ok()) {
        err << r.errorText() << "\n";
        return std::nullopt;
    }
    return r.plan;
}

QString planSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

Options::Options(const QStringList &args, const QStringList &valueOptions, const QStringList &flags)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args.at(i);
        if (!a.startsWith(QLatin1String("--"))) {
            m_positional << a;
            continue;
        }
        QString name = a.mid(2);
        QString value;
        const qsizetype eq = name.indexOf(QLatin1Char('='));
        const bool inlineValue = eq >= 0;
        if (inlineValue) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        if (flags.contains(name) && !inlineValue) {
            m_values.insert(name, QString());
        } else if (valueOptions.contains(name)) {
            if (!inlineValue) {
                if (i + 1 >= args.size()) {
                    m_error = QStringLiteral("option --%1 needs a value").arg(name);
                    return;
                }
                value = args.at(++i);
            }
            m_values.insert(name, value);
        } else {
            m_error = QStringLiteral("unknown option --%1").arg(name);
            return;
        }
    }
}

bool Options::has(const QString &name) const
{
    return m_values.contains(name);
}

QString Options::value(const QString &name) const
{
    return m_values.value(name);
}

std::optional<double> Options::number(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    bool ok = false;
    const double v = value(name).toDouble(&ok);
    if (!ok || v < 0) {
        m_error = QStringLiteral("--%1 takes a number ≥ 0, not '%2'").arg(name, value(name));
        return std::nullopt;
    }
    return v;
}

// Signal handling: the handler only writes a byte to a pipe; a watcher thread
// turns it into the callback, where any code may run.
namespace {
int g_pipe[2] = {-1, -1};
std::atomic_bool g_interrupted{false};
std::function<void()> g_callback;
std::thread g_watcher;

void onSignal(int)
{
    if (g_interrupted.exchange(true)) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::raise(SIGINT);
        return;
    }
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &c, 1);
}
} // namespace

InterruptGuard::InterruptGuard(std::function<void()> onInterrupt)
{
    g_callback = std::move(onInterrupt);
    g_interrupted = false;
    if (::pipe(g_pipe) != 0)
        return;
    g_watcher = std::thread([] {
        char c = 0;
        if (::read(g_pipe[0], &c, 1) == 1 && c == 1 && g_callback)
            g_callback();
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    const char c = 0; // wake the watcher without calling back
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &c, 1);
    if (g_watcher.joinable())
        g_watcher.join();
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_callback = nullptr;
}

bool InterruptGuard::interrupted() const
{
    return g_interrupted;
}

} // namespace switchyard::cli
