#pragma once
// Estimator contract: a Design in, Metrics out (latency, energy, memory, and
// per-op costs on request). Implementations are stateless after construction
// and safe to call from many threads at once.
#include "core/Design.h"
#include "core/Metrics.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llmdse {

class Estimator {
public:
    virtual ~Estimator() = default;
    virtual std::string id() const = 0;
    virtual std::string version() const = 0;
    // The design's metrics. Throws InputError naming the metric when a derived quantity is not
    // finite: inputs are bounded where they are read, so this is a backstop that keeps inf/NaN
    // from ever reaching a table or a JSON file as `null`.
    Metrics evaluate(const Design& d, bool withOps = false) const;
    // Where the estimator's own constants come from (beyond the design's presets).
    virtual std::string provenance() const { return ""; }

protected:
    virtual Metrics estimate(const Design& d, bool withOps) const = 0;
};

// Throws InputError on the first non-finite headline metric of `m`.
void requireFiniteMetrics(const Metrics& m);

using EstimatorFactory = std::function<std::unique_ptr<Estimator>()>;

// Implementations register by name (see each implementation's .cpp).
bool registerEstimator(const std::string& id, EstimatorFactory factory);
std::unique_ptr<Estimator> createEstimator(const std::string& id); // InputError("estimator") if unknown
std::vector<std::string> estimatorIds();

// A hardware class may name the estimator that describes it when the user names none: an FPGA
// runs the design compiled onto it (its own engine, memory ports and clock), which a roofline of
// the part's peaks does not see. `takes` says whether that estimator maps a design; the designs it
// does not take, and every class without one, get the analytical estimator.
using DesignPredicate = std::function<bool(const Design&)>;
bool registerClassEstimator(HardwareClass cls, const std::string& id, DesignPredicate takes);
// The estimator `d` gets when the user names none.
std::string defaultEstimatorId(const Design& d);

// The estimators a command evaluates designs with: the one the user named, for every design, or
// (named none) each design's default. Built once, then read-only, so many threads may share it.
class EstimatorChoice {
public:
    explicit EstimatorChoice(const std::string& named = {}); // InputError("estimator") if unknown
    const Estimator& forDesign(const Design& d) const;
    // Per class only: the estimator d's hardware class names when it takes d, else null (the analytical
    // estimator's). Sweeps call it per point: no string is built or looked up.
    const Estimator* classEstimator(const Design& d) const;
    bool perClass() const { return named_.empty(); }
    // The named estimator's id, or the per-class rule in words.
    std::string describe() const;

private:
    struct ClassChoice {
        const Estimator* estimator;
        DesignPredicate takes;
    };
    std::string named_;
    std::map<std::string, std::unique_ptr<Estimator>> byId_;
    std::map<HardwareClass, ClassChoice> byClass_; // per class: each class's estimator, owned by byId_
};

} // namespace llmdse
