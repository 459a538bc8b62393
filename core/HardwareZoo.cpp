#include "core/HardwareZoo.h"
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

namespace llmdse {

const std::vector<HardwareSpec>& hardwareZoo()
{
    static const std::vector<HardwareSpec> zoo = [] {
        std::vector<HardwareSpec> v;
        for (const auto& path : bundledFiles("hardware"))
            v.push_back(hardwareFromJson(parseJsonObject(readBundled(path), path), path));
        return v;
    }();
    return zoo;
}

HardwareSpec resolveHardware(const std::string& idOrPath, const std::string& field)
{
    for (const auto& hw : hardwareZoo())
        if (hw.id == idOrPath) return hw;
    if (fileExists(idOrPath)) return hardwareFromJson(readJsonObjectFile(idOrPath), idOrPath);
    throw InputError("", field, "unknown hardware preset '" + idOrPath +
                                    "' (not a zoo id and no such file; `llmdse zoo hardware` lists the presets)");
}

} // namespace llmdse
