#pragma once
// Helpers shared by the test suites: running the llmdse binary, temp files.
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace llmdse::test {

struct RunResult {
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the built `llmdse` with `args` (no shell), waiting up to `timeoutMs`.
RunResult runLlmdse(const QStringList& args, int timeoutMs = 120000);
QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content);
QString dataDir();    // tests/data in the source tree (fixtures)
QString sourceDir();

} // namespace llmdse::test
