#include "estimators/calibration/ProfileCalibration.h"
#include "core/Errors.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/calibration/LevenbergMarquardt.h"
#include "estimators/validation/Prediction.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace llmdse {

namespace {

// Parameters live in an unconstrained space: logit for fractions, log for scales.
double logit(double p) { return std::log(p / (1 - p)); }
double sigmoid(double u) { return 1.0 / (1.0 + std::exp(-u)); }

struct Mapping {
    std::string name;
    bool fraction;
    std::function<double&(RuntimeProfile&)> field;
    bool optional = false; // fitted only where the starting profile gives the term a value
};

const std::vector<Mapping>& params()
{
    static const std::vector<Mapping> v = [] {
        using P = RuntimeProfile;
        auto member = [](double P::*m) { return [m](P& p) -> double& { return p.*m; }; };
        std::vector<Mapping> m = {
            {"kernel_overhead_us", false, member(&P::kernelOverheadS)},
            {"gemm_setup_us", false, member(&P::gemmSetupS)},
            {"efficiency.gemm", true, member(&P::gemmEfficiency)},
            {"efficiency.gemm_half_tokens", false, member(&P::gemmHalfTokens)},
            {"efficiency.attention", true, member(&P::attentionEfficiency)},
            {"efficiency.bandwidth", true, member(&P::bandwidthEfficiency)},
            {"efficiency.elementwise_bandwidth", true, member(&P::elementwiseEfficiency)},
            {"energy.busy_power_fraction", true, member(&P::busyPowerFraction)},
            {"energy.overhead_idle_fraction", true, member(&P::overheadIdleFraction), true},
            {"energy.flop_energy_scale", false, member(&P::flopEnergyScale)},
            {"energy.memory_energy_scale", false, member(&P::memoryEnergyScale)},
            {"step_overhead_us", false, member(&P::stepOverheadS), true},
        };
        // Per weight format: the GEMM rate and the streaming bandwidth of its kernels (relative to the
        // hardware's figures; not fractions, a preset's peak can be a measured reference rate).
        for (int i = 0; i < kPrecisionCount; ++i) {
            const std::string f = "weight_formats." + std::string(toString(static_cast<Precision>(i)));
            m.push_back({f + ".gemm", false, [i](P& p) -> double& { return p.weightKernels[i].gemmEfficiency; }, true});
            m.push_back({f + ".bandwidth", false, [i](P& p) -> double& { return p.weightKernels[i].bandwidthEfficiency; }, true});
        }
        return m;
    }();
    return v;
}

// Only the free parameters (indices in `free`) are in x.
Eigen::VectorXd encode(const RuntimeProfile& p, const std::vector<int>& free)
{
    Eigen::VectorXd x(static_cast<Eigen::Index>(free.size()));
    for (size_t k = 0; k < free.size(); ++k) {
        const Mapping& m = params()[size_t(free[k])];
        double v = m.field(const_cast<RuntimeProfile&>(p));
        if (m.fraction) v = std::min(std::max(v, 1e-3), 0.999);
        else v = std::max(v, 1e-9);
        x[static_cast<Eigen::Index>(k)] = m.fraction ? logit(v) : std::log(v);
    }
    return x;
}

RuntimeProfile decode(const RuntimeProfile& base, const Eigen::VectorXd& x, const std::vector<int>& free)
{
    RuntimeProfile p = base;
    for (size_t k = 0; k < free.size(); ++k) {
        const Mapping& m = params()[size_t(free[k])];
        const double u = x[static_cast<Eigen::Index>(k)];
        m.field(p) = m.fraction ? sigmoid(u) : std::exp(u);
    }
    return p;
}

struct Errors {
    double latency = 0, energy = 0;
};

} // namespace

std::vector<std::string> calibrationParameterNames()
{
    std::vector<std::string> v;
    for (const auto& m : params()) v.push_back(m.name);
    return v;
}

void dropNegligibleCosts(RuntimeProfile& fitted, const RuntimeProfile& start)
{
    constexpr double negligible = 1e-9; // of the starting value: zero to any precision a profile needs
    RuntimeProfile from = start;
    for (const Mapping& m : params()) {
        const bool cost = m.name.size() > 3 && m.name.compare(m.name.size() - 3, 3, "_us") == 0;
        if (cost && m.field(fitted) < negligible * m.field(from)) m.field(fitted) = 0;
    }
}

CalibrationResult calibrateProfile(const MeasurementSet& data, const RuntimeProfile& start, const std::string& hardware,
                                   const std::vector<std::string>& fixed)
{
    std::vector<int> free;
    RuntimeProfile probe = start;
    for (size_t i = 0; i < params().size(); ++i) {
        const Mapping& m = params()[i];
        if (m.optional && !(m.field(probe) > 0)) continue; // a term the starting profile does not have stays absent
        if (std::find(fixed.begin(), fixed.end(), m.name) == fixed.end()) free.push_back(int(i));
    }
    for (const auto& f : fixed) {
        bool known = false;
        for (const auto& m : params()) known = known || f == m.name;
        if (!known) throw InputError("", "--fix", "unknown parameter '" + f + "'");
    }
    std::vector<const Measurement*> rows;
    for (const auto& m : data.rows)
        if (hardware.empty() || m.device == hardware) rows.push_back(&m);
    if (rows.size() < free.size())
        throw InputError(data.file, "runs", "only " + std::to_string(rows.size()) + " rows" +
                                                (hardware.empty() ? "" : " for hardware '" + hardware + "'") +
                                                "; need at least " + std::to_string(free.size()) + " to fit the profile");
    AnalyticalEstimator est;
    std::vector<Design> designs;
    for (const auto* m : rows) designs.push_back(designForMeasurement(data, *m, start));

    auto evaluate = [&](const RuntimeProfile& p, Eigen::VectorXd* r) {
        Errors e;
        int energyRows = 0;
        int k = 0;
        for (size_t i = 0; i < rows.size(); ++i) {
            designs[i].runtime = p;
            RowPrediction pr = predictRow(est, designs[i], rows[i]->phase);
            double lt = std::log(pr.latencyS / rows[i]->latencyS);
            e.latency += std::fabs(pr.latencyS / rows[i]->latencyS - 1);
            if (r) (*r)[k++] = lt;
            if (rows[i]->energyJ > 0) {
                e.energy += std::fabs(pr.energyJ / rows[i]->energyJ - 1);
                ++energyRows;
                if (r) (*r)[k++] = std::log(pr.energyJ / rows[i]->energyJ);
            } else if (r) {
                (*r)[k++] = 0;
            }
        }
        e.latency *= 100.0 / rows.size();
        e.energy *= energyRows ? 100.0 / energyRows : 0;
        return e;
    };
    const Eigen::Index residualCount = static_cast<Eigen::Index>(2 * rows.size());
    auto residuals = [&](const Eigen::VectorXd& x) {
        Eigen::VectorXd r(residualCount);
        evaluate(decode(start, x, free), &r);
        return r;
    };

    CalibrationResult res;
    Errors before = evaluate(start, nullptr);
    auto fit = levenbergMarquardt(residuals, encode(start, free), 200);
    res.profile = decode(start, fit.x, free);
    dropNegligibleCosts(res.profile, start);
    Errors after = evaluate(res.profile, nullptr);
    res.latencyMapeBefore = before.latency;
    res.energyMapeBefore = before.energy;
    res.latencyMapeAfter = after.latency;
    res.energyMapeAfter = after.energy;
    res.rows = static_cast<int>(rows.size());
    res.iterations = fit.iterations;
    for (int i : free) res.parameters.push_back({params()[size_t(i)].name, params()[size_t(i)].field(res.profile)});
    return res;
}

} // namespace llmdse
