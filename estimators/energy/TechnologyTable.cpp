#include "estimators/energy/TechnologyTable.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

const TechnologyTable& TechnologyTable::instance()
{
    static const TechnologyTable t;
    return t;
}

TechnologyTable::TechnologyTable()
{
    const std::string path = ":/energy/technology.json";
    JsonReader r(parseJsonObject(readBundled(path), path));
    source_ = r.string("source");
    auto pj = r.object("pj_per_flop_45nm");
    for (int i = 0; i < kPrecisionCount; ++i) pj45_[i] = pj.positive(toString(static_cast<Precision>(i)));
    auto nodes = r.object("node_energy_factor");
    for (auto it = nodes.raw().begin(); it != nodes.raw().end(); ++it)
        nodeFactors_.emplace_back(it.key().toDouble(), it.value().toDouble());
    std::sort(nodeFactors_.begin(), nodeFactors_.end());
    linkPjPerBit_ = r.positive("link_pj_per_bit");
}

double TechnologyTable::nodeFactor(double nm) const
{
    // Log-log interpolation between tabulated nodes; clamp-extrapolate at the ends.
    const auto& f = nodeFactors_;
    if (nm <= f.front().first) return f.front().second * std::sqrt(nm / f.front().first);
    if (nm >= f.back().first) return f.back().second * (nm / f.back().first);
    for (size_t i = 1; i < f.size(); ++i) {
        if (nm <= f[i].first) {
            double t = std::log(nm / f[i - 1].first) / std::log(f[i].first / f[i - 1].first);
            return std::exp(std::log(f[i - 1].second) + t * (std::log(f[i].second) - std::log(f[i - 1].second)));
        }
    }
    return 1.0;
}

double TechnologyTable::pjPerFlop(Precision p, double nodeNm) const
{
    return pj45_[static_cast<int>(p)] * nodeFactor(nodeNm);
}

} // namespace llmdse
