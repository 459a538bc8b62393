#include "estimators/Estimator.h"
#include "core/Errors.h"

#include <map>

namespace llmdse {

void registerBuiltinEstimators();

static std::map<std::string, EstimatorFactory>& registry()
{
    static std::map<std::string, EstimatorFactory> r;
    return r;
}

static std::map<std::string, EstimatorFactory>& populatedRegistry()
{
    static const bool builtins = (registerBuiltinEstimators(), true);
    (void)builtins;
    return registry();
}

bool registerEstimator(const std::string& id, EstimatorFactory factory)
{
    registry()[id] = std::move(factory);
    return true;
}

std::unique_ptr<Estimator> createEstimator(const std::string& id)
{
    auto& reg = populatedRegistry();
    auto it = reg.find(id);
    if (it == reg.end()) {
        std::string known;
        for (const auto& [k, v] : reg) known += (known.empty() ? "" : ", ") + k;
        throw InputError("", "estimator", "unknown estimator '" + id + "' (available: " + known + ")");
    }
    return it->second();
}

std::vector<std::string> estimatorIds()
{
    std::vector<std::string> v;
    for (const auto& [k, f] : populatedRegistry()) v.push_back(k);
    return v;
}

} // namespace llmdse
