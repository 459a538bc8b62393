#include "estimators/uncertainty/ErrorModel.h"
#include "core/Errors.h"
#include "core/Json.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace llmdse {

const ErrorBand& ErrorModelEntry::band(const char* key) const
{
    for (size_t i = 0; i < kErrorBandKeys.size(); ++i)
        if (std::strcmp(kErrorBandKeys[i], key) == 0) return bands[i];
    throw InputError("", key, "not an error band");
}

const ErrorModelEntry& ErrorModel::find(const std::string& runtime, const std::string& cls,
                                        const std::string& estimator, const std::string& hardware) const
{
    for (const ErrorModelEntry& e : entries) {
        if (e.estimator != estimator || e.cls != cls) continue;
        if (!e.runtime.empty() && e.runtime != runtime) continue;
        if (!e.hardware.empty() && std::find(e.hardware.begin(), e.hardware.end(), hardware) == e.hardware.end())
            continue;
        return e;
    }
    return fallback;
}

namespace {

ErrorModelEntry parseEntry(const JsonReader& r, bool fallback)
{
    ErrorModelEntry e;
    if (!fallback) {
        e.runtime = r.string("runtime", "");
        e.cls = r.string("class");
        if (e.cls != "cpu" && e.cls != "gpu" && e.cls != "fpga" && e.cls != "asic" && e.cls != "pim")
            r.fail("class", "unknown class '" + e.cls + "' (expected cpu, gpu, fpga, asic or pim)");
        e.estimator = r.string("estimator", "analytical");
        if (r.has("hardware"))
            for (const auto& v : r.array("hardware")) {
                if (!v.isString()) r.fail("hardware", "must list preset ids");
                e.hardware.push_back(v.toString().toStdString());
            }
    }
    e.basis = r.string("basis");
    const JsonReader bands = r.object("bands");
    for (size_t i = 0; i < kErrorBandKeys.size(); ++i) {
        const JsonReader b = bands.object(kErrorBandKeys[i]);
        const QJsonArray range = b.array("range");
        if (range.size() != 2 || !range[0].isDouble() || !range[1].isDouble())
            b.fail("range", "must be [low, high], factors of measured over estimated");
        ErrorBand& band = e.bands[i];
        band.lo = range[0].toDouble();
        band.hi = range[1].toDouble();
        if (!(band.lo > 0 && band.lo <= band.hi && band.hi <= 100))
            b.fail("range", "needs 0 < low <= high <= 100");
        band.rows = b.nonNegativeInt("rows", 0);
    }
    return e;
}

} // namespace

ErrorModel parseErrorModel(const QJsonObject& obj, const std::string& file)
{
    ErrorModel m;
    m.file = file;
    try {
        JsonReader r(obj);
        m.level = r.fraction("level", 0.9);
        const QJsonArray list = r.array("entries");
        for (int i = 0; i < list.size(); ++i) {
            const std::string where = "entries[" + std::to_string(i) + "]";
            if (!list[i].isObject()) throw InputError("", where, "must be an object");
            m.entries.push_back(parseEntry(JsonReader(list[i].toObject(), where), false));
        }
        m.fallback = parseEntry(r.object("fallback"), true);
    } catch (const InputError& e) {
        throw InputError(file, e.field(), e.reason());
    }
    return m;
}

ErrorModel loadErrorModel(const std::string& path) { return parseErrorModel(readJsonObjectFile(path), path); }

const ErrorModel& bundledErrorModel()
{
    static const ErrorModel model = loadErrorModel(":/uncertainty/error-model.json");
    return model;
}

ErrorBand bandFromLogResiduals(std::vector<double> v, double level)
{
    if (v.size() < 2) throw InputError("", "residuals", "a band needs at least 2 residuals");
    std::sort(v.begin(), v.end());
    const int n = int(v.size());
    const int rank = std::min(n, int(std::ceil((n + 1) * (1 + level) / 2))); // 1-based, upper
    ErrorBand b;
    b.hi = std::exp(v[rank - 1]);
    b.lo = std::exp(v[n - rank]);
    b.rows = n;
    return b;
}

} // namespace llmdse
