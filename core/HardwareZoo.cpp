#include "core/HardwareZoo.h"
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

#include <map>

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

static std::map<std::string, std::function<HardwareSpec()>>& providers()
{
    static std::map<std::string, std::function<HardwareSpec()>> p;
    return p;
}

void registerHardwareProvider(const std::string& id, std::function<HardwareSpec()> make)
{
    providers()[id] = std::move(make);
}

HardwareSpec resolveHardware(const std::string& idOrPath, const std::string& field)
{
    for (const auto& hw : hardwareZoo())
        if (hw.id == idOrPath) return hw;
    if (auto it = providers().find(idOrPath); it != providers().end()) return it->second();
    if (fileExists(idOrPath)) return hardwareFromJson(readJsonObjectFile(idOrPath), idOrPath);
    throw InputError("", field, "unknown hardware preset '" + idOrPath +
                                    "' (not a zoo id and no such file; `llmdse zoo hardware` lists the presets)");
}

} // namespace llmdse
