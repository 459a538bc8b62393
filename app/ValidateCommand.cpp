// llmdse validate: measured vs predicted for every row, and the error per phase; operators timed alone
// (microbenchmarks) are compared one by one with the median and mean absolute error.
#include "app/Command.h"
#include "core/Errors.h"
#include "app/OutputFormat.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/Estimator.h"
#include "estimators/validation/OperatorPrediction.h"
#include "estimators/validation/Prediction.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

std::string pct(double predicted, double measured)
{
    return measured > 0 ? fmt(100.0 * (predicted / measured - 1.0), 3) + "%" : "-";
}

std::string shapeOf(const OperatorMeasurement& m)
{
    auto n = [](double v) { return std::to_string(static_cast<long long>(v)); };
    std::string s = m.kind == OperatorKind::Matmul ? n(m.m) + "x" + n(m.n) + "x" + n(m.k) : n(m.m) + "x" + n(m.n);
    return m.batch > 1 ? n(m.batch) + " x " + s : s;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Compare an estimator with measurements: whole-model runs per row with the mean\n"
                                     "absolute percentage error (MAPE) per phase and for energy, and operators timed\n"
                                     "alone (matmul, softmax, layernorm, rmsnorm, gelu) per row with the median and\n"
                                     "mean absolute error.\n"
                                     "Example: llmdse validate --data gpu-measurements.json\n"
                                     "         llmdse validate --data resources/validation/operator-measurements.json "
                                     "--estimator simulation");
    parser.addHelpOption();
    parser.addOption({"data", "Measurements (JSON: 'runs' as resources/validation/gpu-measurements.json, 'ops' as\n"
                              "resources/validation/operator-measurements.json, or both; default: the bundled\n"
                              "held-out H100/H200 runs, resources/validation/gpu-measurements-extra.json).", "file"});
    parser.addOption({"runtime", "Runtime profile (default: the hardware class's default).", "id"});
    parser.addOption({"estimator", "analytical (default) or simulation (accelerator templates only).", "id", "analytical"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        // Compiled in, so an installed llmdse validates itself from any folder.
        const std::string data = parser.isSet("data") ? parser.value("data").toStdString()
                                                      : std::string(":/validation/gpu-measurements-extra.json");
        const std::string estimator = parser.value("estimator").toStdString();
        const auto est = createEstimator(estimator);
        const MeasurementSet set = loadMeasurements(data);
        auto runtimeFor = [&](HardwareClass cls) {
            const std::string rt = parser.isSet("runtime") ? parser.value("runtime").toStdString() : defaultRuntimeId(cls);
            return resolveRuntime(rt, "--runtime");
        };
        auto withRow = [&](const std::string& where, auto&& f) {
            try {
                return f();
            } catch (const InputError& e) {
                throw InputError(data, where + "." + e.field(), e.reason());
            }
        };

        std::vector<RowPrediction> preds;
        TextTable t({"device", "model", "phase", "batch", "tokens", "measured ms", "predicted ms", "error", "measured J",
                     "predicted J", "error"});
        QJsonArray rows;
        for (size_t i = 0; i < set.rows.size(); ++i) {
            const auto& m = set.rows[i];
            const RowPrediction p = withRow("runs[" + std::to_string(i) + "]", [&] {
                Design probe = designForMeasurement(set, m, RuntimeProfile{});
                return predictRow(*est, designForMeasurement(set, m, runtimeFor(probe.hardware.cls)), m.phase);
            });
            preds.push_back(p);
            t.add({m.device, m.model, toString(m.phase), std::to_string(m.batch), std::to_string(m.tokens),
                   fmt(m.latencyS * 1e3), fmt(p.latencyS * 1e3), pct(p.latencyS, m.latencyS),
                   m.energyJ > 0 ? fmt(m.energyJ) : "-", fmt(p.energyJ), pct(p.energyJ, m.energyJ)});
            rows.append(QJsonObject{{"device", QString::fromStdString(m.device)},
                                    {"model", QString::fromStdString(m.model)},
                                    {"phase", toString(m.phase)},
                                    {"batch", m.batch},
                                    {"tokens", m.tokens},
                                    {"measured_latency_s", m.latencyS},
                                    {"predicted_latency_s", p.latencyS},
                                    {"measured_energy_j", m.energyJ},
                                    {"predicted_energy_j", p.energyJ}});
        }

        TextTable ot({"device", "op", "shape", "precision", "measured ms", "predicted ms", "error"});
        QJsonArray opRows;
        std::vector<double> opErrors;
        for (size_t i = 0; i < set.ops.size(); ++i) {
            const auto& m = set.ops[i];
            const double p = withRow("ops[" + std::to_string(i) + "]", [&] {
                const Design probe = designForOperator(m, RuntimeProfile{});
                return predictOperator(estimator, designForOperator(m, runtimeFor(probe.hardware.cls)), m);
            });
            opErrors.push_back(std::fabs(p / m.latencyS - 1.0));
            ot.add({m.device, toString(m.kind), shapeOf(m), toString(m.precision), fmt(m.latencyS * 1e3), fmt(p * 1e3),
                    pct(p, m.latencyS)});
            opRows.append(QJsonObject{{"device", QString::fromStdString(m.device)},
                                      {"op", toString(m.kind)},
                                      {"m", m.m},
                                      {"n", m.n},
                                      {"k", m.k},
                                      {"batch", m.batch},
                                      {"precision", toString(m.precision)},
                                      {"measured_latency_s", m.latencyS},
                                      {"predicted_latency_s", p}});
        }
        double opMean = 0;
        for (double e : opErrors) opMean += e;
        opMean = opErrors.empty() ? 0 : 100.0 * opMean / opErrors.size();
        const double opMedian = 100.0 * median(opErrors);

        const ValidationSummary s = summarise(set, preds);
        if (format == OutputFormat::Json) {
            QJsonObject o{{"estimator", QString::fromStdString(estimator)}};
            if (!set.rows.empty()) {
                o["rows"] = rows;
                o["mape_percent"] = QJsonObject{{"prefill_latency", s.prefillLatencyMape},
                                                {"decode_latency", s.decodeLatencyMape},
                                                {"prefill_energy", s.prefillEnergyMape},
                                                {"decode_energy", s.decodeEnergyMape},
                                                {"energy", s.energyMape}};
            }
            if (!set.ops.empty()) {
                o["ops"] = opRows;
                o["ops_error_percent"] = QJsonObject{{"median_abs", opMedian}, {"mean_abs", opMean}};
            }
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        if (!set.rows.empty()) {
            std::fputs(t.render().c_str(), stdout);
            std::printf("\nMAPE: prefill latency %.1f%% (%d rows), decode latency %.1f%% (%d rows), "
                        "energy %.1f%% (%d rows; prefill %.1f%%, decode %.1f%%)\n",
                        s.prefillLatencyMape, s.prefillRows, s.decodeLatencyMape, s.decodeRows, s.energyMape,
                        s.energyRows, s.prefillEnergyMape, s.decodeEnergyMape);
        }
        if (!set.ops.empty()) {
            if (!set.rows.empty()) std::printf("\n");
            std::fputs(ot.render().c_str(), stdout);
            std::printf("\nOperators (%s estimator): median |error| %.1f%%, mean |error| %.1f%% (%zu rows)\n",
                        estimator.c_str(), opMedian, opMean, set.ops.size());
        }
        return 0;
    });
}

const bool registered = registerCommand({"validate", "Compare estimates with measured runs and operators.", run});

} // namespace
} // namespace llmdse
