#pragma once
// Helpers for the offscreen widget tests.

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QSharedPointer>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <QtTest>

#include <functional>

namespace switchyard::test {

/// Arms a timer that waits for a modal widget of type T (a dialog opened with
/// exec() or open()), hands it to `inspect`, then closes it. Returns a flag
/// that turns true once that happened; wait on it with QTRY_VERIFY. Do the
/// QCOMPARE/QVERIFY in the test body on values `inspect` copied out: a failed
/// check inside a timer callback cannot stop the test.
template <typename T>
QSharedPointer<bool> whenModalShown(std::function<void(T *)> inspect, int timeoutMs = 15000)
{
    auto done = QSharedPointer<bool>::create(false);
    auto *timer = new QTimer(qApp);
    timer->setInterval(20);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(timer, &QTimer::timeout, timer, [timer, done, inspect, clock, timeoutMs] {
        if (auto *widget = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            inspect(widget);
            widget->close();
            *done = true;
        } else if (clock.elapsed() > timeoutMs) {
            timer->stop();
            timer->deleteLater();
        }
    });
    timer->start();
    return done;
}

/// Writes `bytes` to `path`; false on failure.
inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

/// Saves `widget` as <SWITCHYARD_SCREENSHOT_DIR>/<name>.png when that variable is set.
inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("SWITCHYARD_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    // Let pending layout requests run, so the picture shows the settled window.
    const QPointer<QWidget> guard(widget);
    QTest::qWait(100);
    if (!guard)
        return;
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    if (!widget->grab().save(path))
        qWarning("could not save screenshot %s", qPrintable(path));
    else
        qInfo("screenshot: %s", qPrintable(path));
}

} // namespace switchyard::test
