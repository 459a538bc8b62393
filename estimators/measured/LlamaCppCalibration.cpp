#include "estimators/measured/LlamaCppCalibration.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/RuntimeProfileJson.h"
#include "core/RuntimeZoo.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/calibration/ProfileCalibration.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/measured/LlamaCpp.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "estimators/validation/Prediction.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QStandardPaths>
#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

namespace llmdse {

namespace {

ModelSpec shape(const char* id, int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab)
{
    ModelSpec m;
    m.id = id;
    m.family = "llama";
    m.source = "llama.cpp calibration shape (not a zoo model)";
    m.hidden = hidden, m.layers = layers, m.heads = heads, m.kvHeads = kvHeads, m.headDim = hidden / heads;
    m.intermediate = intermediate, m.vocab = vocab, m.maxPosition = 4096, m.ropeTheta = 10000, m.normEps = 1e-5;
    m.tiedEmbeddings = true;
    m.validate();
    return m;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

QJsonObject designOverrides(GgmlType t, int threads)
{
    const QuantFormat q = quantFormatOf(t);
    return {{"weights", QString::fromStdString(toString(q))}, {"activations", "fp32"}, {"kv", "fp16"},
            {"quantized_lm_head", true}, {"hardware.threads", threads}};
}

} // namespace

std::vector<ModelSpec> llamaCppCalibrationShapes()
{
    // Not zoo shapes: the profile is checked on the zoo's models, never fitted to them. They span
    // the sizes it is used on (0.07-1.2B): per-node costs dominate the small ones, the achieved
    // streaming rate of long weight rows the large one, and a fit on small shapes alone trades one
    // for the other (decode of 1-1.5B models came out 30% slow).
    return {shape("calib-a-70m", 512, 8, 8, 4, 1536, 32000), shape("calib-b-250m", 1024, 16, 16, 4, 2816, 32000),
            shape("calib-c-600m", 1536, 20, 12, 4, 4096, 49152),
            shape("calib-d-1200m", 1792, 24, 14, 2, 6144, 100352)};
}

LlamaCppCalibration calibrateLlamaCppHost(const LlamaCppCalibrationRequest& req,
                                          const std::function<void(const std::string&)>& progress)
{
    const LlamaCppInfo info = llamaCppInfo(); // fails early, with how to get llama.cpp
    LlamaCppCalibration c;
    c.threads = req.threads > 0 ? req.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    c.measuredAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    if (progress) progress("measuring this computer (host microbenchmarks)");
    // Every llama.cpp run below is kept only while the machine runs at the speed of this
    // measurement, so that the fitted efficiencies relate llama.cpp to one machine state.
    const HostMeasurements snapshot = hostMeasurements(true);
    const MachineState reference = snapshot.state;
    c.host = toJson(snapshot);

    MeasurementSet set;
    set.file = "llama.cpp measurements on this computer";
    struct Point {
        ModelSpec model;
        GgmlType type;
        int prompt;
        std::string gguf;
        std::vector<double> prefill, decode;
    };
    std::vector<Point> points;
    for (const ModelSpec& m : llamaCppCalibrationShapes()) {
        set.models[m.id] = m;
        for (GgmlType t : req.formats) {
            ModelSource source;
            source.spec = m;
            if (progress) progress(std::string("exporting ") + m.id + " as " + toString(t));
            const std::string gguf = cachedGguf(source, t);
            for (int prompt : req.prompts) points.push_back({m, t, prompt, gguf, {}, {}});
        }
    }
    // A shared machine's speed wanders over the half hour this takes. Each measurement is repeated
    // in every round and the rounds alternate direction (A..Z, Z..A), so the mean time of every
    // measurement is the same and a steady drift shifts them all alike instead of the last shapes.
    const int rounds = std::max(1, req.rounds);
    for (int round = 0; round < rounds; ++round) {
        for (size_t k = 0; k < points.size(); ++k) {
            Point& p = points[round % 2 ? points.size() - 1 - k : k];
            if (progress)
                progress("llama.cpp (round " + std::to_string(round + 1) + " of " + std::to_string(rounds) + "): " + p.model.id +
                         " " + toString(p.type) + ", prompt " + std::to_string(p.prompt));
            for (const auto& r : measureLlamaCpp({p.gguf, c.threads, p.prompt, req.output, req.repeats}, {reference}))
                p.prefill.push_back(r.prefillS), p.decode.push_back(r.decodeStepS());
        }
    }
    for (const Point& p : points) {
        Measurement pm;
        pm.device = "host", pm.model = p.model.id, pm.phase = Phase::Prefill, pm.batch = 1, pm.tokens = p.prompt;
        pm.latencyS = median(p.prefill);
        pm.design = designOverrides(p.type, c.threads);
        set.rows.push_back(pm);
        Measurement dm = pm;
        // The decode steps attend prompt + 1 .. prompt + output - 1 tokens; their mean is the step at the mean context.
        dm.phase = Phase::Decode;
        dm.tokens = p.prompt + req.output / 2;
        dm.latencyS = median(p.decode);
        set.rows.push_back(dm);
    }

    const RuntimeProfile start = resolveRuntime("llama.cpp");
    // Energy is not measured here; those terms keep the bundled values.
    const std::vector<std::string> fixed{"gemm_setup_us", "efficiency.gemm", "efficiency.gemm_half_tokens", "efficiency.bandwidth",
                                         "energy.busy_power_fraction", "energy.flop_energy_scale", "energy.memory_energy_scale"};
    if (progress) progress("fitting the llama.cpp profile to " + std::to_string(set.rows.size()) + " measurements");
    const CalibrationResult fit = calibrateProfile(set, start, "host", fixed);
    c.profile = fit.profile;

    AnalyticalEstimator est;
    double pb = 0, pa = 0, db = 0, da = 0;
    int pn = 0, dn = 0;
    for (const Measurement& m : set.rows) {
        const double before = predictRow(est, designForMeasurement(set, m, start), m.phase).latencyS;
        const double after = predictRow(est, designForMeasurement(set, m, c.profile), m.phase).latencyS;
        c.rows.append(QJsonObject{{"model", QString::fromStdString(m.model)},
                                  {"weights", m.design.value("weights")},
                                  {"phase", toString(m.phase)},
                                  {"tokens", m.tokens},
                                  {"measured_s", m.latencyS},
                                  {"predicted_before_s", before},
                                  {"predicted_s", after},
                                  {"error_percent", 100.0 * (after / m.latencyS - 1.0)}});
        const double eb = std::fabs(before / m.latencyS - 1), ea = std::fabs(after / m.latencyS - 1);
        if (m.phase == Phase::Prefill) pb += eb, pa += ea, ++pn;
        else db += eb, da += ea, ++dn;
    }
    c.prefillMapeBefore = 100 * pb / std::max(1, pn), c.prefillMapeAfter = 100 * pa / std::max(1, pn);
    c.decodeMapeBefore = 100 * db / std::max(1, dn), c.decodeMapeAfter = 100 * da / std::max(1, dn);

    std::string shapes, prompts;
    for (const auto& m : llamaCppCalibrationShapes()) shapes += (shapes.empty() ? "" : ", ") + m.id;
    for (int p : req.prompts) prompts += (prompts.empty() ? "" : ", ") + std::to_string(p);
    char prov[900];
    std::snprintf(prov, sizeof prov,
                  "Fitted on this computer by `llmdse calibrate --runtime llama.cpp --host` at %s: llama.cpp %s (%s), %d "
                  "thread(s), %zu measurements (shapes %s; f32, f16, q8_0, q4_0; prompts %s, %d decode steps; median "
                  "of %d runs in %d rounds, alternately forward and backward, each after a warm-up). MAPE prefill %.1f%% -> %.1f%%, decode %.1f%% -> %.1f%%. The zoo's models "
                  "were not measured for the fit.",
                  c.measuredAt.c_str(), info.version.c_str(), info.libraryDir.c_str(), c.threads, set.rows.size(),
                  shapes.c_str(), prompts.c_str(), req.output - 1, req.repeats * rounds, rounds, c.prefillMapeBefore, c.prefillMapeAfter, c.decodeMapeBefore, c.decodeMapeAfter);
    c.profile.provenance = std::string(prov) + " Structure from the bundled profile: " + start.provenance;
    c.profile.description = "llama.cpp on this computer with " + std::to_string(c.threads) + " thread(s), calibrated.";
    return c;
}

std::string llamaCppCalibrationPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + "/.local/share";
    return (dir + "/llmdse/host-llama.cpp.json").toStdString();
}

namespace {

std::mutex gFitMutex;
struct Fit {
    RuntimeProfile profile;
    std::optional<HardwareSpec> host; // the host as measured when the profile was fitted
};
struct LoadedFits {
    qint64 stamp = -1;
    std::map<int, Fit> byThreads;
};
LoadedFits gFits;

// Re-read when the file changes (a calibration in another process), else from memory.
std::optional<Fit> fitFor(int threads)
{
    const QFileInfo fi(QString::fromStdString(llamaCppCalibrationPath()));
    std::lock_guard<std::mutex> lock(gFitMutex);
    const qint64 stamp = fi.exists() ? fi.lastModified().toMSecsSinceEpoch() : -1;
    if (stamp != gFits.stamp) {
        gFits = LoadedFits{stamp, {}};
        if (stamp >= 0) {
            try {
                const JsonReader root(readJsonObjectFile(llamaCppCalibrationPath()));
                const JsonReader byThreads = root.object("threads");
                for (auto it = byThreads.raw().begin(); it != byThreads.raw().end(); ++it) {
                    const JsonReader entry(it.value().toObject(), "threads." + it.key().toStdString());
                    Fit fit{runtimeFromJson(entry.object("profile").raw(), llamaCppCalibrationPath()), std::nullopt};
                    if (entry.raw().contains("host"))
                        fit.host = hostHardware(hostFromJson(entry.object("host").raw(), llamaCppCalibrationPath()));
                    gFits.byThreads[it.key().toInt()] = fit;
                }
            } catch (const InputError& e) {
                std::fprintf(stderr, "llmdse: note: ignoring an unreadable llama.cpp calibration (%s)\n", e.what());
            }
        }
    }
    auto it = gFits.byThreads.find(threads);
    if (it == gFits.byThreads.end()) return std::nullopt;
    return it->second;
}

double ratio(double fitted, double now) { return fitted > 0 && now > 0 ? fitted / now : 1.0; }

// The fitted efficiencies are fractions of the host's rates as measured during calibration. A
// later host measurement on a shared machine can come out 2-3x apart (a neighbour on the same
// cores for those seconds) while llama.cpp's own speed over a run moves far less; so the fit keeps
// the absolute rates it measured: each efficiency is rescaled by the calibration-time rate over
// the rate of the hardware it is now applied to.
RuntimeProfile anchored(const Fit& fit, const HardwareSpec& now)
{
    RuntimeProfile p = fit.profile;
    if (!fit.host) return p;
    HardwareSpec then = *fit.host;
    then.threads = now.threads;
    const double matrix = ratio(then.peakFlops[int(Precision::FP32)], now.peakFlops[int(Precision::FP32)]);
    const double vector = ratio(then.vectorFlops, now.vectorFlops);
    const double memory = ratio(then.streamBandwidthBytesPerS(), now.streamBandwidthBytesPerS());
    p.gemmEfficiency *= matrix, p.attentionEfficiency *= matrix, p.vectorEfficiency *= vector;
    p.bandwidthEfficiency *= memory, p.elementwiseEfficiency *= memory;
    for (int i = 0; i < kPrecisionCount; ++i) {
        WeightFormatKernel& k = p.weightKernels[size_t(i)];
        if (!k.set) continue;
        // Converted-activation kernels run at the weight format's rate, the others at fp32's (OpTiming).
        const Precision rate = k.kind == WeightKernel::ConvertActivations ? Precision(i) : Precision::FP32;
        const int executed = int(now.executedPrecision(rate));
        k.gemmEfficiency *= ratio(then.peakFlops[executed], now.peakFlops[executed]);
        k.bandwidthEfficiency *= memory;
    }
    return p;
}

} // namespace

void saveLlamaCppCalibration(const LlamaCppCalibration& c)
{
    const std::string path = llamaCppCalibrationPath();
    // Every later command reads this file and falls back to the bundled profile when it cannot:
    // a fit that would not read back fails here, where the user is waiting for it, not silently later.
    (void)runtimeFromJson(toJson(c.profile), path);
    QJsonObject root;
    if (QFileInfo::exists(QString::fromStdString(path))) {
        try {
            root = readJsonObjectFile(path);
        } catch (const InputError&) {
            root = {};
        }
    }
    QJsonObject threads = root.value("threads").toObject();
    threads[QString::number(c.threads)] =
        QJsonObject{{"measured_at", QString::fromStdString(c.measuredAt)},
                    {"profile", toJson(c.profile)},
                    {"rows", c.rows},
                    {"mape_percent", QJsonObject{{"prefill_before", c.prefillMapeBefore}, {"prefill", c.prefillMapeAfter},
                                                 {"decode_before", c.decodeMapeBefore}, {"decode", c.decodeMapeAfter}}}};
    if (!c.host.isEmpty()) { // older fits have none: their efficiencies follow the host's latest measurement
        QJsonObject entry = threads[QString::number(c.threads)].toObject();
        entry["host"] = c.host;
        threads[QString::number(c.threads)] = entry;
    }
    root["threads"] = threads;
    root["about"] = "llama.cpp runtime profiles fitted on this computer by `llmdse calibrate --runtime llama.cpp --host`, per "
                    "thread count; used for designs that run llama.cpp on the `host` preset with that many threads.";
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
    writeJsonFile(path, root);
}

void registerLlamaCppHostCalibration()
{
    registerRuntimeCalibration("llama.cpp", "host", [](const HardwareSpec& hw) {
        const int threads = hw.threads > 0 ? hw.threads : hw.cpuCores;
        const auto fit = fitFor(threads);
        return fit ? std::optional<RuntimeProfile>(anchored(*fit, hw)) : std::nullopt;
    });
}

} // namespace llmdse
