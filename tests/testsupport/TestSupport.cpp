#include "testsupport/TestSupport.h"

#include <QFile>
#include <QProcess>

namespace llmdse::test {

RunResult runLlmdse(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(LLMDSE_BINARY), args);
    RunResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(content);
    return path;
}

QString dataDir() { return QStringLiteral(LLMDSE_TEST_DATA_DIR); }
QString sourceDir() { return QStringLiteral(LLMDSE_SOURCE_DIR); }

} // namespace llmdse::test
