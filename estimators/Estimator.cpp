#include "estimators/Estimator.h"
#include "core/Errors.h"

#include <cmath>
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

Metrics Estimator::evaluate(const Design& d, bool withOps) const
{
    Metrics m = estimate(d, withOps);
    requireFiniteMetrics(m);
    return m;
}

void requireFiniteMetrics(const Metrics& m)
{
    const std::pair<const char*, double> values[] = {
        {"ttft_s", m.ttftS}, {"tpot_s", m.tpotS}, {"e2e_s", m.e2eS}, {"decode_tokens_per_s", m.decodeTokensPerS},
        {"energy_per_token_j", m.energyPerTokenJ}, {"tokens_per_j", m.tokensPerJ}, {"avg_power_w", m.avgPowerW},
        {"prefill_energy_j", m.prefillEnergyJ}, {"total_energy_j", m.totalEnergyJ},
        {"memory.weights_bytes", m.memory.weightsBytes}, {"memory.kv_cache_bytes", m.memory.kvCacheBytes},
        {"memory.activation_bytes", m.memory.activationBytes}, {"area_mm2", m.areaMm2}};
    for (const auto& [name, v] : values)
        if (!std::isfinite(v) || (v < 0 && std::string(name) != "area_mm2"))
            throw InputError("", name, std::string("derived value ") + (std::isfinite(v) ? "is negative" : "is not finite") +
                                           ": an input (hardware, runtime or workload figure) lies outside what can be "
                                           "estimated; check its magnitude and unit");
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

namespace {

struct ClassEstimator {
    std::string id;
    DesignPredicate takes;
};

std::map<HardwareClass, ClassEstimator>& classEstimators()
{
    static std::map<HardwareClass, ClassEstimator> r;
    return r;
}

const std::map<HardwareClass, ClassEstimator>& populatedClassEstimators()
{
    populatedRegistry(); // the built-in estimators register their classes as they register
    return classEstimators();
}

} // namespace

bool registerClassEstimator(HardwareClass cls, const std::string& id, DesignPredicate takes)
{
    classEstimators()[cls] = {id, std::move(takes)};
    return true;
}

std::string defaultEstimatorId(const Design& d)
{
    const auto& classes = populatedClassEstimators();
    const auto it = classes.find(d.hardware.cls);
    return it != classes.end() && it->second.takes(d) ? it->second.id : std::string("analytical");
}

EstimatorChoice::EstimatorChoice(const std::string& named) : named_(named)
{
    if (!named_.empty()) {
        byId_[named_] = createEstimator(named_);
        return;
    }
    byId_["analytical"] = createEstimator("analytical");
    for (const auto& [cls, e] : populatedClassEstimators()) {
        auto& owned = byId_[e.id];
        if (!owned) owned = createEstimator(e.id);
        byClass_[cls] = {owned.get(), e.takes};
    }
}

const Estimator* EstimatorChoice::classEstimator(const Design& d) const
{
    const auto it = byClass_.find(d.hardware.cls);
    return it != byClass_.end() && it->second.takes(d) ? it->second.estimator : nullptr;
}

const Estimator& EstimatorChoice::forDesign(const Design& d) const
{
    if (!named_.empty()) return *byId_.begin()->second; // the only one
    const Estimator* e = classEstimator(d);
    return e ? *e : *byId_.at("analytical");
}

std::string EstimatorChoice::describe() const
{
    if (!named_.empty()) return named_;
    std::string s = "per hardware class:";
    for (const auto& [cls, e] : populatedClassEstimators()) s += std::string(" ") + toString(cls) + " " + e.id + ",";
    return s + " analytical otherwise";
}

std::vector<std::string> estimatorIds()
{
    std::vector<std::string> v;
    for (const auto& [k, f] : populatedRegistry()) v.push_back(k);
    return v;
}

} // namespace llmdse
