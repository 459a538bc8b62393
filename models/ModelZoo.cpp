#include "models/ModelZoo.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "models/HfConfigImporter.h"

#include <QFileInfo>

namespace llmdse {

const std::vector<ModelSpec>& modelZoo()
{
    static const std::vector<ModelSpec> zoo = [] {
        std::vector<ModelSpec> v;
        for (const auto& path : bundledFiles("models")) {
            std::string id = QFileInfo(QString::fromStdString(path)).completeBaseName().toStdString();
            v.push_back(importHfConfig(parseJsonObject(readBundled(path), path), path, id));
        }
        return v;
    }();
    return zoo;
}

ModelSpec resolveModel(const std::string& idOrPath, const std::string& field)
{
    for (const auto& m : modelZoo())
        if (m.id == idOrPath) return m;
    if (fileExists(idOrPath + "/config.json")) return importHfConfigFile(idOrPath + "/config.json");
    if (QFileInfo(QString::fromStdString(idOrPath)).isDir())
        throw InputError(idOrPath, "config.json", "the folder has no config.json (a checkpoint folder needs one)");
    if (pathExists(idOrPath)) return importHfConfigFile(idOrPath); // refuses devices, FIFOs and oversized files
    throw InputError("", field, "unknown model '" + idOrPath +
                                    "' (not a zoo id, config.json or checkpoint folder; `llmdse zoo models` lists the zoo)");
}

} // namespace llmdse
