#pragma once
// Bundled presets of one kind (resources/<folder>/*.json), loaded once, plus
// presets computed at run time (e.g. "host"), resolvable by id or file path.
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace llmdse {

template <class T>
class PresetRegistry {
public:
    using Parse = T (*)(const QJsonObject&, const std::string& file);

    PresetRegistry(std::string folder, std::string what, std::string listCommand, Parse parse)
        : folder_(std::move(folder)), what_(std::move(what)), listCommand_(std::move(listCommand)), parse_(parse)
    {
    }

    const std::vector<T>& bundled() const
    {
        std::call_once(loaded_, [this] {
            for (const auto& path : bundledFiles(folder_)) presets_.push_back(parse_(parseJsonObject(readBundled(path), path), path));
        });
        return presets_;
    }

    void addProvider(const std::string& id, std::function<T()> make) { providers_[id] = std::move(make); }

    T resolve(const std::string& idOrPath, const std::string& field) const
    {
        for (const auto& p : bundled())
            if (p.id == idOrPath) return p;
        if (auto it = providers_.find(idOrPath); it != providers_.end()) return it->second();
        if (pathExists(idOrPath)) return parse_(readJsonObjectFile(idOrPath), idOrPath);
        throw InputError("", field, "unknown " + what_ + " '" + idOrPath + "' (not a zoo id and no such file; `" +
                                        listCommand_ + "` lists them)");
    }

private:
    std::string folder_, what_, listCommand_;
    Parse parse_;
    mutable std::once_flag loaded_;
    mutable std::vector<T> presets_;
    std::map<std::string, std::function<T()>> providers_;
};

} // namespace llmdse
