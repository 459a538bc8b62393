#include "estimators/uncertainty/ResidualBands.h"

#include <QJsonArray>
#include <cmath>

namespace llmdse {

namespace {

// ln(measured / predicted) of one row for `key`; false when the row lacks it.
bool logResidual(const Measurement& m, const RowPrediction& p, const std::string& key, double& out)
{
    const bool prefill = key.rfind("prefill", 0) == 0;
    if ((m.phase == Phase::Prefill) != prefill || !(p.latencyS > 0)) return false;
    const std::string metric = key.substr(key.find('_') + 1);
    if (metric == "latency") {
        out = std::log(m.latencyS / p.latencyS);
        return m.latencyS > 0;
    }
    if (!(m.energyJ > 0 && p.energyJ > 0)) return false;
    if (metric == "energy") {
        out = std::log(m.energyJ / p.energyJ);
        return true;
    }
    const double measuredW = m.powerW > 0 ? m.powerW : m.energyJ / m.latencyS;
    out = std::log(measuredW / (p.energyJ / p.latencyS));
    return true;
}

} // namespace

std::vector<double> logResiduals(const MeasurementSet& set, const std::vector<RowPrediction>& pred,
                                 const std::string& key, const std::string& leaveOut)
{
    std::vector<double> v;
    for (size_t i = 0; i < set.rows.size() && i < pred.size(); ++i) {
        double r = 0;
        if (set.rows[i].model != leaveOut && logResidual(set.rows[i], pred[i], key, r)) v.push_back(r);
    }
    return v;
}

bool covered(const Measurement& m, const RowPrediction& p, const std::string& key, const ErrorBand& band, bool& has)
{
    double r = 0;
    has = logResidual(m, p, key, r);
    return has && r >= std::log(band.lo) - 1e-12 && r <= std::log(band.hi) + 1e-12;
}

QJsonObject residualBandsJson(const MeasurementSet& set, const std::vector<RowPrediction>& pred, double level)
{
    QJsonObject o;
    for (const char* key : kErrorBandKeys) {
        const ErrorBand b = bandFromLogResiduals(logResiduals(set, pred, key), level);
        auto round3 = [](double x) { return std::round(x * 1000) / 1000; };
        o[key] = QJsonObject{{"range", QJsonArray{round3(b.lo), round3(b.hi)}}, {"rows", b.rows}};
    }
    return o;
}

} // namespace llmdse
