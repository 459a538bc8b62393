#include "core/ResourceFiles.h"
#include "core/Errors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace llmdse {

std::vector<std::string> bundledFiles(const std::string& folder)
{
    QDir dir(QString::fromStdString(":/" + folder));
    std::vector<std::string> out;
    for (const auto& name : dir.entryList(QDir::Files, QDir::Name))
        out.push_back(":/" + folder + "/" + name.toStdString());
    return out;
}

QByteArray readBundled(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw InputError(path, "", "cannot open bundled resource");
    return f.readAll();
}

bool fileExists(const std::string& path)
{
    QFileInfo fi(QString::fromStdString(path));
    return fi.exists() && fi.isFile();
}

} // namespace llmdse

namespace llmdse {

bool pathExists(const std::string& path) { return !path.empty() && QFileInfo::exists(QString::fromStdString(path)); }

} // namespace llmdse
