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
QString sharedDir();  // ../shared beside the checkout (fixtures, validation)
QString sourceDir();

} // namespace llmdse::test
