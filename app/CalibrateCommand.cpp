// llmdse calibrate: fit a runtime profile to measured runs (least squares).
#include "app/Command.h"
#include "core/TextTable.h"
#include "core/Units.h"
#include "estimators/measured/LlamaCppCalibration.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/RuntimeProfileJson.h"
#include "core/RuntimeZoo.h"
#include "estimators/calibration/ProfileCalibration.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <cstdio>

namespace llmdse {

namespace {

// `calibrate --runtime llama.cpp --host`: measure llama.cpp here and fit its profile.
int calibrateHost(const QCommandLineParser& parser)
{
    if (parser.value("runtime") != "llama.cpp")
        throw InputError("", "--runtime", "--host calibrates the llama.cpp runtime on this computer; give --runtime llama.cpp");
    if (parser.isSet("data") || parser.isSet("out") || parser.isSet("fix"))
        throw InputError("", "--host", "measures its own data and stores the fit beside the host profile: no --data, --out or --fix");
    LlamaCppCalibrationRequest req;
    bool ok = true;
    if (parser.isSet("threads")) req.threads = parser.value("threads").toInt(&ok);
    if (!ok || req.threads < 0 || req.threads > 4096) throw InputError("", "--threads", "must be a whole number between 1 and 4096");
    req.repeats = parser.value("repeats").toInt(&ok);
    if (!ok || req.repeats < 1 || req.repeats > 100) throw InputError("", "--repeats", "must be a whole number between 1 and 100");
    req.rounds = parser.value("rounds").toInt(&ok);
    if (!ok || req.rounds < 1 || req.rounds > 20) throw InputError("", "--rounds", "must be a whole number between 1 and 20");
    const LlamaCppCalibration c = calibrateLlamaCppHost(req, [](const std::string& step) {
        std::fprintf(stderr, "llmdse: %s\n", step.c_str());
    });
    saveLlamaCppCalibration(c);
    TextTable t({"shape", "weights", "phase", "tokens", "measured", "before", "fitted", "error"});
    for (const auto& v : c.rows) {
        const QJsonObject r = v.toObject();
        t.add({r.value("model").toString().toStdString(), r.value("weights").toString().toStdString(),
               r.value("phase").toString().toStdString(), std::to_string(r.value("tokens").toInt()),
               formatSeconds(r.value("measured_s").toDouble()), formatSeconds(r.value("predicted_before_s").toDouble()),
               formatSeconds(r.value("predicted_s").toDouble()), fmt(r.value("error_percent").toDouble(), 3) + "%"});
    }
    std::fputs(t.render().c_str(), stdout);
    std::printf("\nMAPE prefill %.1f%% -> %.1f%%, decode %.1f%% -> %.1f%% (%d thread(s))\n", c.prefillMapeBefore,
                c.prefillMapeAfter, c.decodeMapeBefore, c.decodeMapeAfter, c.threads);
    const QJsonObject prof = toJson(c.profile);
    std::printf("step %.1f us, per graph node %.2f us; per format gemm / bandwidth efficiency:", c.profile.stepOverheadS * 1e6,
                c.profile.kernelOverheadS * 1e6);
    const QJsonObject wf = prof.value("weight_formats").toObject();
    for (auto it = wf.begin(); it != wf.end(); ++it)
        std::printf(" %s %.3g / %.3g", it.key().toUtf8().constData(), it.value().toObject().value("gemm").toDouble(),
                    it.value().toObject().value("bandwidth").toDouble());
    std::printf("\nstored in %s; `llmdse evaluate --hardware host --runtime llama.cpp` now uses it\n",
                llamaCppCalibrationPath().c_str());
    return 0;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Fit a runtime profile's physical parameters (per-kernel cost, GEMM/attention/bandwidth efficiency,\n"
        "busy power, energy scales) to measured runs by least squares on log(predicted/measured).\n"
        "Example: llmdse calibrate --data gpu-measurements.json --runtime torch-cudagraph --out profile.json");
    parser.addHelpOption();
    parser.addOption({"data", "Measurements (JSON, as resources/validation/gpu-measurements.json).", "file"});
    parser.addOption({"hardware", "Use only the rows of this preset (default: every row on its own device).", "id"});
    parser.addOption({"runtime", "Profile to start from: its kernel structure is kept, its parameters refitted.", "id",
                      "torch-cudagraph"});
    parser.addOption({"out", "Where to write the fitted profile JSON.", "file"});
    parser.addOption({"host", "With --runtime llama.cpp: measure llama.cpp on this computer (calibration shapes that are not\n"
                              "zoo models, every GGUF format) and fit its profile; stored beside the host profile."});
    parser.addOption({"threads", "--host: llama.cpp threads (default: every core).", "n"});
    parser.addOption({"repeats", "--host: timed runs per measurement and round (default 2).", "n", "2"});
    parser.addOption({"rounds", "--host: passes over all measurements, alternately forward and backward so that the "
                                "machine's drift falls on every shape alike; the median of all runs is kept (default 2).",
                      "n", "2"});
    parser.addOption({"fix", "Hold a parameter at a value instead of fitting it, e.g. efficiency.gemm=0.77 from a GEMM "
                             "microbenchmark (repeatable). Parameters: " +
                                 QString::fromStdString([] {
                                     std::string s;
                                     for (const auto& n : calibrationParameterNames()) s += (s.empty() ? "" : ", ") + n;
                                     return s;
                                 }()),
                      "name=value"});
    parser.process(args);
    return guarded([&] {
        if (parser.isSet("host")) return calibrateHost(parser);
        if (!parser.isSet("data")) throw InputError("", "--data", "missing: the measurements file to fit");
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: where to write the fitted profile");
        const std::string data = parser.value("data").toStdString();
        const MeasurementSet set = loadMeasurements(data);
        RuntimeProfile start = resolveRuntime(parser.value("runtime").toStdString(), "--runtime");
        std::vector<std::string> fixed;
        QJsonObject startJson = toJson(start);
        for (const QString& kv : parser.values("fix")) {
            const int eq = kv.indexOf('=');
            bool ok = false;
            const double v = eq > 0 ? kv.mid(eq + 1).toDouble(&ok) : 0;
            if (!ok) throw InputError("", "--fix", "expected name=number, got '" + kv.toStdString() + "'");
            const QString name = kv.left(eq);
            fixed.push_back(name.toStdString());
            const int dot = name.indexOf('.');
            if (dot < 0) {
                startJson[name] = v;
            } else {
                QJsonObject sub = startJson[name.left(dot)].toObject();
                sub[name.mid(dot + 1)] = v;
                startJson[name.left(dot)] = sub;
            }
        }
        start = runtimeFromJson(startJson, "--fix");
        const std::string hardware = parser.value("hardware").toStdString();
        std::fprintf(stderr, "calibrating '%s' on %zu rows of %s ...\n", start.id.c_str(), set.rows.size(), data.c_str());
        CalibrationResult r = calibrateProfile(set, start, hardware, fixed);

        char prov[512];
        std::snprintf(prov, sizeof prov,
                      "Fitted by `llmdse calibrate` on %s to %d rows of %s%s (%d iterations): latency MAPE %.1f%% -> %.1f%%, "
                      "energy MAPE %.1f%% -> %.1f%%.",
                      QDateTime::currentDateTimeUtc().toString("yyyy-MM-dd").toUtf8().constData(), r.rows,
                      QFileInfo(QString::fromStdString(data)).fileName().toUtf8().constData(),
                      hardware.empty() ? "" : (" (hardware " + hardware + ")").c_str(), r.iterations,
                      r.latencyMapeBefore, r.latencyMapeAfter, r.energyMapeBefore, r.energyMapeAfter);
        std::string held;
        for (const QString& kv : parser.values("fix")) held += (held.empty() ? " Held fixed: " : ", ") + kv.toStdString();
        if (!held.empty()) held += ".";
        r.profile.provenance = (start.provenance.empty() ? std::string() : start.provenance + " ") + prov + held;
        writeJsonFile(parser.value("out").toStdString(), toJson(r.profile));

        std::printf("%-36s %12s\n", "parameter", "fitted");
        for (const auto& p : r.parameters)
            std::printf("%-36s %12.5g%s\n", p.name.c_str(), p.name.size() > 3 && p.name.substr(p.name.size() - 3) == "_us" ? p.fitted * 1e6 : p.fitted,
                        p.name.size() > 3 && p.name.substr(p.name.size() - 3) == "_us" ? " us" : "");
        std::printf("\n%s\nwrote %s\n", prov, parser.value("out").toUtf8().constData());
        return 0;
    });
}

const bool registered = registerCommand({"calibrate", "Fit a runtime profile to measurements.", run});

} // namespace
} // namespace llmdse
