#pragma once
// A small tmpfs mounted on a temporary folder for the test's lifetime: a real full
// disk (size=) and real read-only media (remount ro), which chmod cannot give to root.
// Needs root and permission to mount; `error()` says why when it could not.
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <unistd.h>

namespace llmdse::test {

class ScopedTmpfs {
public:
    explicit ScopedTmpfs(const QString& size)
    {
        if (geteuid() != 0) {
            error_ = "mounting a tmpfs needs root";
            return;
        }
        mounted_ = run({"-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir_.path()});
    }
    ~ScopedTmpfs()
    {
        if (mounted_) run({"-l", dir_.path()}, "umount");
    }
    ScopedTmpfs(const ScopedTmpfs&) = delete;
    ScopedTmpfs& operator=(const ScopedTmpfs&) = delete;

    bool mounted() const { return mounted_; }
    QString error() const { return error_; }
    QString path(const QString& name = {}) const { return name.isEmpty() ? dir_.path() : dir_.filePath(name); }
    bool remount(const QString& options) { return run({"-o", "remount," + options, dir_.path()}); }

private:
    bool run(const QStringList& args, const QString& program = "mount")
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            error_ = program + " " + args.join(' ') + ": " + QString::fromUtf8(p.readAllStandardError()).trimmed() +
                     (p.error() == QProcess::FailedToStart ? p.errorString() : QString());
            return false;
        }
        return true;
    }

    QTemporaryDir dir_;
    bool mounted_ = false;
    QString error_;
};

} // namespace llmdse::test
