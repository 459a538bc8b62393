#include "core/InputFile.h"
#include "core/Errors.h"
#include "core/Units.h"

#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace llmdse {

void requireRegularFile(const std::string& path)
{
    if (path.rfind(":/", 0) == 0) { // compiled-in resources
        if (!QFileInfo(QString::fromStdString(path)).isFile()) throw InputError(path, "", "no such bundled resource");
        return;
    }
    struct stat st {};
    if (path.empty()) throw InputError("", "", "an empty file name");
    if (::stat(path.c_str(), &st) != 0) throw InputError(path, "", std::string("cannot open file: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw InputError(path, "", "is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        throw InputError(path, "", "is not a regular file (a device, FIFO or socket cannot be read as input)");
}

QByteArray readInputFile(const std::string& path, std::int64_t maxBytes)
{
    requireRegularFile(path);
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw InputError(path, "", "cannot open file: " + f.errorString().toStdString());
    auto tooLarge = [&] {
        return InputError(path, "", "is larger than the " + formatBytes(double(maxBytes)) + " an input file of this kind may have");
    };
    if (f.size() > maxBytes) throw tooLarge();
    // Read one byte past the cap: a file that grows while it is read is refused too.
    QByteArray data = f.read(maxBytes + 1);
    if (data.size() > maxBytes) throw tooLarge();
    if (f.error() != QFile::NoError) throw InputError(path, "", "cannot read file: " + f.errorString().toStdString());
    return data;
}

} // namespace llmdse
