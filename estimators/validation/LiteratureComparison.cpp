#include "estimators/validation/LiteratureComparison.h"
#include "core/Errors.h"
#include "core/Statistics.h"
#include "core/TextTable.h"
#include "models/DesignJson.h"

#include <cmath>

namespace llmdse {

double LiteratureComparison::tokensPerSError() const { return estimatedTokensPerS / row.point->tokensPerS - 1; }
double LiteratureComparison::powerError() const { return estimatedPowerW / row.point->powerW - 1; }
double LiteratureComparison::tokensPerJError() const
{
    return row.point->tokensPerJ > 0 ? estimatedTokensPerJ / row.point->tokensPerJ - 1 : 0;
}

namespace {

// Bytes a decode step must read from the memory the weights live in, per generated token, against the
// fastest that memory can deliver: a published rate above it cannot be plain decoding of that model.
bool reachable(const Design& d, const Metrics& m, double tokensPerS, std::string& why)
{
    const double bandwidth = d.hardware.isPim() ? std::max(d.hardware.pimInternalBandwidthBytesPerS,
                                                           d.hardware.mainMemory().bandwidthBytesPerS)
                                                : d.hardware.mainMemory().bandwidthBytesPerS;
    const double devices = std::max(1, d.parallel.devices());
    const double need = tokensPerS * m.memory.weightsBytes;
    if (need <= bandwidth) return true;
    why = "unreachable: " + fmt(tokensPerS, 4) + " tokens/s x " + fmt(m.memory.weightsBytes / 1e9, 3) +
          " GB of weights per device needs " + fmt(need / 1e9, 4) + " GB/s, above the " + fmt(bandwidth / 1e9, 4) +
          " GB/s peak of " + d.hardware.id + (devices > 1 ? " (per device)" : "");
    return false;
}

std::vector<LiteratureComparison> compareRows(const std::function<const Estimator&(const Design&)>& estimatorFor,
                                              const std::vector<MappedLiteratureRow>& rows)
{
    std::vector<LiteratureComparison> out;
    for (const MappedLiteratureRow& r : rows) {
        LiteratureComparison c;
        c.row = r;
        const QJsonObject& flat = r.design.isEmpty() ? r.reachCheck : r.design;
        if (flat.isEmpty()) {
            c.excluded = r.unmapped.empty() ? "no design" : r.unmapped;
            out.push_back(std::move(c));
            continue;
        }
        try {
            const Design d = designFromJson(flat, "literature row " + std::to_string(r.point->row));
            const Metrics m = estimatorFor(d).evaluate(d);
            std::string why;
            const bool reach = reachable(d, m, r.point->tokensPerS, why);
            if (!r.unmapped.empty()) c.excluded = r.unmapped + (reach ? "" : "; " + why);
            else if (!r.notPlain.empty()) c.excluded = "not plain decoding: " + r.notPlain;
            else if (!reach) c.excluded = why;
            else if (!m.memory.fits) c.excluded = "the model does not fit: " + m.memory.fitMessage();
            if (r.unmapped.empty()) {
                c.estimatedTokensPerS = m.decodeTokensPerS;
                c.estimatedPowerW = m.decodeStep.timeS > 0 ? m.decodeStep.energyJ / m.decodeStep.timeS : 0;
                c.estimatedTokensPerJ = m.tokensPerJ;
            }
            c.compared = c.excluded.empty();
            const double tdp = d.hardware.tdpW * std::max(1, d.parallel.devices());
            c.powerMeasured = c.compared && r.powerAssumed.empty() && std::abs(r.point->powerW / tdp - 1) > 0.02;
        } catch (const InputError& e) {
            c.excluded = std::string("estimate failed: ") + e.what();
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

std::vector<LiteratureComparison> compareLiterature(const Estimator& est, const std::vector<MappedLiteratureRow>& rows)
{
    return compareRows([&](const Design&) -> const Estimator& { return est; }, rows);
}

std::vector<LiteratureComparison> compareLiterature(const EstimatorChoice& choice,
                                                    const std::vector<MappedLiteratureRow>& rows)
{
    return compareRows([&](const Design& d) -> const Estimator& { return choice.forDesign(d); }, rows);
}

std::vector<LiteratureClassSummary> summariseLiterature(const std::vector<LiteratureComparison>& cmp)
{
    std::vector<LiteratureClassSummary> out;
    for (const char* cls : {"cpu", "gpu", "fpga", "asic", "pim"}) {
        LiteratureClassSummary s;
        s.cls = cls;
        std::vector<double> abs, logs, power, perJ;
        for (const auto& c : cmp) {
            if (c.row.cls != cls) continue;
            ++s.rows;
            if (c.row.unmapped.empty()) ++s.mapped;
            if (!c.compared) continue;
            ++s.compared;
            const double e = c.tokensPerSError();
            abs.push_back(std::abs(e));
            logs.push_back(std::log1p(e));
            s.within25 += std::abs(e) <= 0.25;
            s.within2x += std::abs(std::log1p(e)) <= std::log(2.0);
            if (c.powerMeasured) {
                power.push_back(std::abs(c.powerError()));
                if (c.row.point->tokensPerJ > 0) perJ.push_back(std::abs(c.tokensPerJError()));
            }
        }
        if (s.rows == 0) continue;
        s.powerRows = int(power.size());
        s.medianAbsError = median(abs);
        s.medianLogRatio = median(logs);
        if (s.compared > 0) s.within25 /= s.compared, s.within2x /= s.compared;
        s.medianAbsPowerError = median(power);
        s.medianAbsTokensPerJError = median(perJ);
        out.push_back(s);
    }
    return out;
}

} // namespace llmdse
