// Intervals on estimates: the error model's bands against held-out measurements (one model left out at a
// time), the bundled bands against their residuals, preset figures without a source widening the interval,
// and the published-results comparison's mapping.
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/uncertainty/ResidualBands.h"
#include "estimators/uncertainty/Uncertainty.h"
#include "estimators/validation/LiteratureComparison.h"
#include "models/DesignJson.h"

#include <QJsonArray>
#include <QtTest>
#include <cmath>
#include <set>

using namespace llmdse;

namespace {

struct Predicted {
    MeasurementSet set;
    std::vector<RowPrediction> predictions;
};

const Predicted& heldOut()
{
    static const Predicted p = [] {
        Predicted out;
        out.set = loadMeasurements(":/validation/gpu-measurements-extra.json");
        AnalyticalEstimator est;
        for (const Measurement& m : out.set.rows) {
            const Design probe = designForMeasurement(out.set, m, RuntimeProfile{});
            const Design d = designForMeasurement(out.set, m, resolveRuntime(defaultRuntimeId(probe.hardware.cls), "runtime"));
            out.predictions.push_back(predictRow(est, d, m.phase));
        }
        return out;
    }();
    return p;
}

Design design(const QJsonObject& flat) { return designFromJson(flat, "test"); }

} // namespace

class TestUncertainty : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The bands built from the other models' residuals cover the left-out model's measurements between
    // 85% and 97% of the time, and the latency bands stay narrow (median half-width at most 10%).
    void leaveOneModelOutCoverage_data()
    {
        QTest::addColumn<QString>("key");
        for (const char* k : kErrorBandKeys) QTest::newRow(k) << QString(k);
    }
    void leaveOneModelOutCoverage()
    {
        QFETCH(QString, key);
        const Predicted& p = heldOut();
        std::set<std::string> models;
        for (const auto& m : p.set.rows) models.insert(m.model);
        QVERIFY(models.size() >= 8);
        int inside = 0, rows = 0;
        std::vector<double> halfWidths;
        for (const std::string& left : models) {
            const ErrorBand band = bandFromLogResiduals(logResiduals(p.set, p.predictions, key.toStdString(), left), 0.9);
            halfWidths.push_back((band.hi - band.lo) / 2);
            for (size_t i = 0; i < p.set.rows.size(); ++i) {
                if (p.set.rows[i].model != left) continue;
                bool has = false;
                inside += covered(p.set.rows[i], p.predictions[i], key.toStdString(), band, has);
                rows += has;
            }
        }
        const double coverage = double(inside) / rows;
        qInfo("%s: coverage %.3f over %d rows, median half-width %.3f", qPrintable(key), coverage, rows,
              median(halfWidths));
        QVERIFY(rows >= 80);
        QVERIFY2(coverage <= 0.97, qPrintable(QString::number(coverage)));
        // Decode energy and power reach it since the busy power is shed in fixed overhead time (launch gaps,
        // GEMM setup): before, overhead-dominated Qwen2.5-0.5B drew 0.65-0.80 of its estimate and lay outside
        // every band the other shapes gave (0.82).
        QVERIFY2(coverage >= 0.85, qPrintable(QString::number(coverage)));
        if (key.endsWith("latency")) QVERIFY2(median(halfWidths) <= 0.10, qPrintable(QString::number(median(halfWidths))));
    }

    // Decode power follows how much of a step the GPU spends in fixed overhead (launch gaps, GEMM setup):
    // the smallest held-out shape, whose steps are 85% overhead, draws about half the busy power of a 7B
    // model's, and the estimate now sees it (it was 0.65-0.80 of the estimate with the busy power charged
    // throughout); a 13B/14B model, mostly streaming weights, stays within the same bound.
    void decodePowerFollowsTheOverheadShare()
    {
        const Predicted& p = heldOut();
        int checked = 0;
        for (size_t i = 0; i < p.set.rows.size(); ++i) {
            const Measurement& m = p.set.rows[i];
            if (m.phase != Phase::Decode || !(m.energyJ > 0)) continue;
            if (m.model != "qwen2.5-0.5b" && m.model != "llama-2-13b" && m.model != "qwen2.5-14b") continue;
            const double measuredW = m.energyJ / m.latencyS;
            const double estimatedW = p.predictions[i].energyJ / p.predictions[i].latencyS;
            QVERIFY2(std::abs(std::log(measuredW / estimatedW)) < 0.2,
                     qPrintable(QString("%1 batch %2: measured %3 W, estimated %4 W")
                                    .arg(QString::fromStdString(m.model))
                                    .arg(m.batch)
                                    .arg(measuredW)
                                    .arg(estimatedW)));
            ++checked;
        }
        QVERIFY(checked >= 40);
        // The same design on a profile that charges the busy power throughout draws more.
        Design d = design({{"model", "qwen2.5-0.5b"}, {"hardware", "h100-sxm"}, {"prompt", 512}, {"output", 128}});
        AnalyticalEstimator est;
        const Metrics shed = est.evaluate(d);
        d.runtime.overheadIdleFraction = 0;
        const Metrics charged = est.evaluate(d);
        QVERIFY(shed.decodeStep.energyJ < 0.8 * charged.decodeStep.energyJ);
        QCOMPARE(shed.decodeStep.timeS, charged.decodeStep.timeS); // energy only: no time changes
    }

    // The bundled error model's calibrated-GPU bands are the ones its held-out residuals give today.
    void bundledBandsMatchResiduals()
    {
        const Predicted& p = heldOut();
        const ErrorModelEntry& e = bundledErrorModel().find("torch-cudagraph", "gpu", "analytical", "h100-sxm");
        QCOMPARE(e.runtime, std::string("torch-cudagraph"));
        for (const char* key : kErrorBandKeys) {
            const ErrorBand now = bandFromLogResiduals(logResiduals(p.set, p.predictions, key), 0.9);
            const ErrorBand& stored = e.band(key);
            QVERIFY2(std::abs(now.lo - stored.lo) < 0.0015 && std::abs(now.hi - stored.hi) < 0.0015,
                     qPrintable(QString("%1: now %2-%3, stored %4-%5").arg(key).arg(now.lo).arg(now.hi).arg(stored.lo).arg(stored.hi)));
            QCOMPARE(stored.rows, now.rows);
        }
    }

    // Every preset: every headline metric has an interval around its value.
    void everyPresetHasIntervals_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& hw : hardwareZoo()) QTest::newRow(hw.id.c_str()) << QString::fromStdString(hw.id);
    }
    void everyPresetHasIntervals()
    {
        QFETCH(QString, id);
        const HardwareSpec hw = resolveHardware(id.toStdString(), "hardware");
        const bool small = hw.mainMemory().capacityBytes < 4e9;
        Design d = design(QJsonObject{{"model", small ? "smollm-135m" : "llama-2-7b"}, {"hardware", id},
                                      {"batch", 1}, {"prompt", 128}, {"output", 16}});
        AnalyticalEstimator est;
        const Metrics m = est.evaluate(d);
        const Uncertainty u = estimateUncertainty(est, d, m);
        QCOMPARE(u.level, 0.9);
        QVERIFY(!u.basis.empty());
        for (const char* key : {"ttft_s", "tpot_s", "e2e_s", "decode_tokens_per_s", "energy_per_token_j",
                                "tokens_per_j", "avg_power_w", "prefill_energy_j", "total_energy_j"}) {
            const MetricInterval* i = u.find(key);
            QVERIFY2(i, key);
            QVERIFY2(i->lo > 0 && i->lo <= i->value && i->value <= i->hi, key);
            QVERIFY2(i->hi > i->lo, key);
        }
    }

    // A figure marked uncertain widens exactly the metrics it moves.
    void uncertainFigureWidens()
    {
        Design d = design(QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"batch", 1},
                                      {"prompt", 128}, {"output", 64}});
        AnalyticalEstimator est;
        const Metrics m = est.evaluate(d);
        const Uncertainty plain = estimateUncertainty(est, d, m);
        d.hardware.uncertain.push_back({"power.idle_w", 0.5, 2.0, "test"});
        const Uncertainty wide = estimateUncertainty(est, d, m);
        QVERIFY(wide.find("energy_per_token_j")->hi > plain.find("energy_per_token_j")->hi * 1.01);
        QVERIFY(wide.find("energy_per_token_j")->lo < plain.find("energy_per_token_j")->lo * 0.99);
        QCOMPARE(wide.find("tpot_s")->hi, plain.find("tpot_s")->hi);
        QVERIFY(wide.basis.find("power.idle_w") != std::string::npos);
    }

    void malformedErrorModel()
    {
        QJsonObject band{{"range", QJsonArray{1.2, 0.8}}};
        QJsonObject bands;
        for (const char* k : kErrorBandKeys) bands[k] = QJsonObject{{"range", QJsonArray{0.9, 1.1}}};
        QJsonObject bad = bands;
        bad["decode_latency"] = band;
        const QJsonObject fallback{{"basis", "x"}, {"bands", bands}};
        try {
            parseErrorModel(QJsonObject{{"entries", QJsonArray{QJsonObject{{"class", "gpu"}, {"basis", "x"}, {"bands", bad}}}},
                                        {"fallback", fallback}},
                            "m.json");
            QFAIL("accepted low > high");
        } catch (const InputError& e) {
            QCOMPARE(e.file(), std::string("m.json"));
            QVERIFY2(e.field().find("decode_latency.range") != std::string::npos, e.field().c_str());
        }
        QJsonObject hw = toJson(resolveHardware("h100-sxm", "hardware"));
        hw["uncertain"] = QJsonArray{QJsonObject{{"field", "power.tdp"}, {"range", QJsonArray{0.5, 2}}, {"why", "x"}}};
        QVERIFY_THROWS_EXCEPTION(InputError, hardwareFromJson(hw, "hw.json"));
    }

    // Every survey row is either mapped to a design or says why not; rows the rules compare have estimates.
    void literatureMapping()
    {
        const auto mapped = mapLiterature(literaturePoints(), bundledLiteratureMapping());
        QCOMPARE(int(mapped.size()), int(literaturePoints().size()));
        int designs = 0;
        for (const auto& r : mapped) {
            QVERIFY2(r.unmapped.empty() != r.design.isEmpty(), qPrintable(QString::number(r.point->row)));
            designs += !r.design.isEmpty();
        }
        QVERIFY(designs >= 30);
        AnalyticalEstimator est;
        const auto cmp = compareLiterature(est, mapped);
        for (const auto& c : cmp)
            if (c.compared) QVERIFY(c.estimatedTokensPerS > 0);
        const auto sums = summariseLiterature(cmp);
        QVERIFY(!sums.empty());
    }

    // The targets on the published rows, each class through its default estimator (FPGA cards:
    // compiled overlay plans): decode tokens/s within 25% in the median for GPU, CPU and FPGA, measured
    // GPU power within 20%. Measured FPGA power is not met (about 1.5x the estimate, see README).
    void literatureTargets()
    {
        const EstimatorChoice est;
        const auto cmp = compareLiterature(est, mapLiterature(literaturePoints(), bundledLiteratureMapping()));
        for (const auto& s : summariseLiterature(cmp)) {
            qInfo("%s: %d compared, median |error| %.3f, %d power rows, median |power error| %.3f", s.cls.c_str(),
                  s.compared, s.medianAbsError, s.powerRows, s.medianAbsPowerError);
            if (s.cls == "gpu") {
                QVERIFY(s.compared >= 20);
                QVERIFY(s.medianAbsError <= 0.25);
                QVERIFY(s.powerRows >= 3 && s.medianAbsPowerError <= 0.20);
            }
            if (s.cls == "cpu") {
                QVERIFY(s.compared >= 3);
                QVERIFY(s.medianAbsError <= 0.25);
            }
            if (s.cls == "fpga") {
                QVERIFY(s.compared >= 2);
                QVERIFY(s.medianAbsError <= 0.25);
                QVERIFY(s.powerRows >= 2);
            }
        }
    }

    // The vllm entry's decode band is the one the published GPU rows give today.
    void literatureBandMatchesRows()
    {
        AnalyticalEstimator est;
        const auto cmp = compareLiterature(est, mapLiterature(literaturePoints(), bundledLiteratureMapping()));
        std::vector<double> logs;
        for (const auto& c : cmp)
            if (c.compared && c.row.cls == "gpu") logs.push_back(std::log(c.estimatedTokensPerS / c.row.point->tokensPerS));
        const ErrorBand now = bandFromLogResiduals(logs, 0.9);
        const ErrorBand& stored = bundledErrorModel().find("vllm", "gpu", "analytical", "a100-80gb").band("decode_latency");
        QCOMPARE(stored.rows, now.rows);
        QVERIFY2(std::abs(std::log(now.lo / stored.lo)) < 0.01 && std::abs(std::log(now.hi / stored.hi)) < 0.01,
                 qPrintable(QString("now %1-%2, stored %3-%4").arg(now.lo).arg(now.hi).arg(stored.lo).arg(stored.hi)));
    }
};

QTEST_GUILESS_MAIN(TestUncertainty)
#include "tst_uncertainty.moc"
