#pragma once
// How far an estimate may be from the truth, per (runtime profile, hardware class, estimator, phase, metric):
// the 90% band of measured / estimated seen in validation residuals (resources/uncertainty/error-model.json),
// with the evidence it rests on and its row count.
#include <QJsonObject>
#include <array>
#include <string>
#include <vector>

namespace llmdse {

// The phase metrics the bands are kept for, in the JSON's key order.
constexpr std::array<const char*, 6> kErrorBandKeys{"prefill_latency", "decode_latency", "prefill_energy",
                                                    "decode_energy",   "prefill_power",  "decode_power"};

struct ErrorBand {
    double lo = 1, hi = 1; // measured / estimated lies in [lo, hi] at the model's level
    int rows = 0;          // residuals behind it; 0: argued from the nearest evidence (see the entry's basis)
};

struct ErrorModelEntry {
    std::string runtime, cls, estimator = "analytical";
    std::vector<std::string> hardware; // empty: any preset of the class
    std::string basis;
    std::array<ErrorBand, kErrorBandKeys.size()> bands;
    const ErrorBand& band(const char* key) const;
};

struct ErrorModel {
    std::string file;
    double level = 0.9;
    std::vector<ErrorModelEntry> entries;
    ErrorModelEntry fallback; // where no entry matches: no evidence
    // The first entry for this design; the fallback when none matches.
    const ErrorModelEntry& find(const std::string& runtime, const std::string& cls, const std::string& estimator,
                                const std::string& hardware) const;
};

// Throws InputError naming the file and the field on malformed data.
ErrorModel loadErrorModel(const std::string& path);
ErrorModel parseErrorModel(const QJsonObject& obj, const std::string& file);
const ErrorModel& bundledErrorModel();

// The band holding `level` of exp(logResiduals): the empirical quantiles at the conformal ranks
// ceil((n + 1)(1 + level)/2) and its mirror, so a new draw from the same population falls inside
// at least `level` of the time; rows = n. Needs at least 2 residuals.
ErrorBand bandFromLogResiduals(std::vector<double> logResiduals, double level);

} // namespace llmdse
