#include "core/RuntimeZoo.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "core/RuntimeProfileJson.h"

#include <map>

namespace llmdse {

const std::vector<RuntimeProfile>& runtimeZoo()
{
    static const std::vector<RuntimeProfile> zoo = [] {
        std::vector<RuntimeProfile> v;
        for (const auto& path : bundledFiles("runtimes"))
            v.push_back(runtimeFromJson(parseJsonObject(readBundled(path), path), path));
        return v;
    }();
    return zoo;
}

static std::map<std::string, std::function<RuntimeProfile()>>& providers()
{
    static std::map<std::string, std::function<RuntimeProfile()>> p;
    return p;
}

void registerRuntimeProvider(const std::string& id, std::function<RuntimeProfile()> make)
{
    providers()[id] = std::move(make);
}

RuntimeProfile resolveRuntime(const std::string& idOrPath, const std::string& field)
{
    for (const auto& p : runtimeZoo())
        if (p.id == idOrPath) return p;
    if (auto it = providers().find(idOrPath); it != providers().end()) return it->second();
    if (fileExists(idOrPath)) return runtimeFromJson(readJsonObjectFile(idOrPath), idOrPath);
    throw InputError("", field, "unknown runtime profile '" + idOrPath +
                                    "' (not a zoo id and no such file; `llmdse zoo runtimes` lists them)");
}

std::string defaultRuntimeId(HardwareClass c)
{
    switch (c) {
    case HardwareClass::GPU: return "torch-cudagraph";
    case HardwareClass::CPU: return "llama.cpp";
    default: return "dataflow";
    }
}

} // namespace llmdse
