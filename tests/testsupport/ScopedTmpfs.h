#pragma once
// Real full disks and read-only media for tests. ScopedTmpfs: a small tmpfs mounted on a temporary folder for the test's lifetime: a real full
// disk (size=) and real read-only media (remount ro), which chmod cannot give to root.
// Needs root and permission to mount; `error()` says why when it could not.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>
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

// A folder whose contents can then be made read-only for this process. Root ignores file
// permissions, so root gets a tmpfs remounted read-only; anyone else gets chmod a-w.
class ReadOnlyFolder {
public:
    ReadOnlyFolder()
    {
        if (geteuid() != 0) return;
        fs_ = std::make_unique<ScopedTmpfs>("32m");
        if (!fs_->mounted()) error_ = "root ignores file permissions and no read-only file system can be mounted: " + fs_->error();
    }
    ~ReadOnlyFolder()
    {
        if (!fs_) QFile::setPermissions(plain_.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    bool usable() const { return error_.isEmpty(); }
    QString error() const { return error_; }
    QString path(const QString& name) const { return (fs_ ? fs_->path() : plain_.path()) + "/" + name; }
    bool makeReadOnly()
    {
        if (fs_) return fs_->remount("ro");
        const auto readOnly = QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther;
        bool ok = true;
        for (const QString& f : QDir(plain_.path()).entryList(QDir::Files)) ok = QFile::setPermissions(path(f), readOnly) && ok;
        return QFile::setPermissions(plain_.path(), readOnly | QFile::ExeOwner) && ok;
    }

private:
    QTemporaryDir plain_;
    std::unique_ptr<ScopedTmpfs> fs_;
    QString error_;
};

} // namespace llmdse::test
