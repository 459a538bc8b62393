// Least squares and profile calibration: recover known answers, and keep the
// shipped GPU profile honest against resources/validation/gpu-measurements.json.
#include "core/Errors.h"
#include "core/RuntimeProfileJson.h"
#include "core/RuntimeZoo.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/calibration/LevenbergMarquardt.h"
#include "estimators/calibration/ProfileCalibration.h"
#include "estimators/validation/Prediction.h"
#include "models/ModelZoo.h"
#include "testsupport/TestSupport.h"

#include <QtTest>

using namespace llmdse;

namespace {

// Synthetic measurements: the estimator's own predictions under `truth`, in the
// layout of resources/validation/gpu-measurements.json (device, model, phase, batch, prompt|context).
MeasurementSet synthetic(const RuntimeProfile& truth)
{
    MeasurementSet set;
    set.file = "synthetic.json";
    set.models["llama-2-7b"] = resolveModel("llama-2-7b");
    set.models["llama-3-8b"] = resolveModel("llama-3-8b");
    for (const char* device : {"h100-sxm", "h200-sxm"})
        for (const char* model : {"llama-2-7b", "llama-3-8b"}) {
            for (int batch : {1, 4, 16})
                for (int prompt : {128, 512, 2048}) set.rows.push_back({device, model, Phase::Prefill, batch, prompt, 0, 0, 0, {}});
            for (int batch : {1, 8, 32, 128})
                for (int context : {128, 1024, 4096}) set.rows.push_back({device, model, Phase::Decode, batch, context, 0, 0, 0, {}});
        }
    AnalyticalEstimator est;
    for (Measurement& m : set.rows) {
        const RowPrediction p = predictRow(est, designForMeasurement(set, m, truth), m.phase);
        m.latencyS = p.latencyS;
        m.energyJ = p.energyJ;
    }
    return set;
}

} // namespace

class TestCalibration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // y = a exp(b x) + c sampled without noise; LM from a poor start finds (a, b, c).
    void levenbergMarquardtFitsCurve()
    {
        const double a = 2.5, b = -0.7, c = 0.4;
        Eigen::VectorXd xs = Eigen::VectorXd::LinSpaced(40, 0, 6);
        Eigen::VectorXd ys = (a * (b * xs.array()).exp() + c).matrix();
        auto residuals = [&](const Eigen::VectorXd& p) -> Eigen::VectorXd {
            return (p[0] * (p[1] * xs.array()).exp() + p[2]).matrix() - ys;
        };
        Eigen::VectorXd start(3);
        start << 1.0, -0.1, 0.0;
        const LeastSquaresResult r = levenbergMarquardt(residuals, start, 200);
        QVERIFY2(std::abs(r.x[0] - a) < 1e-5, qPrintable(QString::number(r.x[0])));
        QVERIFY2(std::abs(r.x[1] - b) < 1e-5, qPrintable(QString::number(r.x[1])));
        QVERIFY2(std::abs(r.x[2] - c) < 1e-5, qPrintable(QString::number(r.x[2])));
        QVERIFY(r.cost < 1e-12);
        QVERIFY(r.iterations > 0);
    }

    void levenbergMarquardtLinearIsOneSolve()
    {
        // Overdetermined linear system: the least-squares answer is the normal-equation solution.
        Eigen::MatrixXd A(5, 2);
        A << 1, 0, 1, 1, 1, 2, 1, 3, 1, 4;
        Eigen::VectorXd y(5);
        y << 1.1, 2.9, 5.2, 7.1, 8.8;
        auto residuals = [&](const Eigen::VectorXd& p) -> Eigen::VectorXd { return A * p - y; };
        const LeastSquaresResult r = levenbergMarquardt(residuals, Eigen::VectorXd::Zero(2));
        const Eigen::VectorXd exact = (A.transpose() * A).ldlt().solve(A.transpose() * y);
        QVERIFY((r.x - exact).norm() < 1e-6);
    }

    // Parameters used to generate the data are found again from a perturbed start.
    void calibrationRecoversKnownProfile()
    {
        RuntimeProfile truth = resolveRuntime("torch-cudagraph");
        truth.kernelOverheadS = 3.0e-6;
        truth.gemmSetupS = 5.0e-6;
        truth.gemmEfficiency = 0.72;
        truth.attentionEfficiency = 0.5;
        truth.bandwidthEfficiency = 0.82;
        truth.elementwiseEfficiency = 0.6;
        truth.busyPowerFraction = 0.3;
        truth.flopEnergyScale = 12;
        truth.memoryEnergyScale = 2.5;
        const MeasurementSet data = synthetic(truth);

        RuntimeProfile start = truth;
        start.kernelOverheadS *= 1.5;
        start.gemmSetupS *= 0.6;
        start.gemmEfficiency = 0.6;
        start.attentionEfficiency = 0.65;
        start.bandwidthEfficiency = 0.7;
        start.elementwiseEfficiency = 0.75;
        start.busyPowerFraction = 0.2;
        start.flopEnergyScale = 8;
        start.memoryEnergyScale = 3.5;
        // gemm_half_tokens stays fixed: ~0 in this profile, so it has no measurable effect to fit.
        const CalibrationResult r = calibrateProfile(data, start, "", {"efficiency.gemm_half_tokens"});
        QCOMPARE(r.rows, int(data.rows.size()));
        QVERIFY2(r.latencyMapeBefore > 5, qPrintable(QString::number(r.latencyMapeBefore))); // the start was really off
        QVERIFY2(r.latencyMapeAfter < 0.5, qPrintable(QString::number(r.latencyMapeAfter)));
        QVERIFY2(r.energyMapeAfter < 0.5, qPrintable(QString::number(r.energyMapeAfter)));

        const std::pair<const char*, double> expected[] = {
            {"kernel_overhead_us", truth.kernelOverheadS},  {"gemm_setup_us", truth.gemmSetupS},
            {"efficiency.gemm", truth.gemmEfficiency},      {"efficiency.attention", truth.attentionEfficiency},
            {"efficiency.bandwidth", truth.bandwidthEfficiency},
            {"efficiency.elementwise_bandwidth", truth.elementwiseEfficiency},
            {"energy.busy_power_fraction", truth.busyPowerFraction},
            {"energy.flop_energy_scale", truth.flopEnergyScale}, {"energy.memory_energy_scale", truth.memoryEnergyScale}};
        for (const auto& [name, value] : expected) {
            double fitted = -1;
            for (const auto& p : r.parameters)
                if (p.name == name) fitted = p.fitted;
            QVERIFY2(std::abs(fitted / value - 1) < 0.03,
                     qPrintable(QString("%1: fitted %2, true %3").arg(name).arg(fitted).arg(value)));
        }
    }

    void fixedParametersStayFixed()
    {
        const RuntimeProfile truth = resolveRuntime("torch-cudagraph");
        RuntimeProfile start = truth;
        start.gemmEfficiency = 0.5;
        const CalibrationResult r =
            calibrateProfile(synthetic(truth), start, "h100-sxm", {"efficiency.gemm", "efficiency.gemm_half_tokens"});
        QCOMPARE(r.profile.gemmEfficiency, 0.5);
        QCOMPARE(r.rows, 42); // the h100 rows only: 2 models x (9 prefill + 12 decode)
    }

    // A fixed cost the data has no use for, fitted towards exp(-inf) in log space (a llama.cpp fit
    // ended at 7.6e-136 s per step and the reader refused the stored profile), is stored as an absent
    // term (0); the fitted profile reads back from its own JSON. Real costs stay as fitted.
    void aNegligibleFittedCostIsStoredAsZero()
    {
        const RuntimeProfile start = resolveRuntime("llama.cpp");
        QVERIFY(start.stepOverheadS > 0 && start.kernelOverheadS > 0);
        RuntimeProfile fitted = start;
        fitted.stepOverheadS = 7.559212755110319e-136;
        fitted.kernelOverheadS = 1e-3 * start.kernelOverheadS;
        QVERIFY_THROWS_EXCEPTION(InputError, runtimeFromJson(toJson(fitted), "fitted.json"));
        dropNegligibleCosts(fitted, start);
        QCOMPARE(fitted.stepOverheadS, 0.0);
        QCOMPARE(fitted.kernelOverheadS, 1e-3 * start.kernelOverheadS);
        QCOMPARE(runtimeFromJson(toJson(fitted), "fitted.json").stepOverheadS, 0.0);
    }

    void tooFewRowsIsAnInputError()
    {
        MeasurementSet tiny = synthetic(resolveRuntime("torch-cudagraph"));
        tiny.rows.resize(3);
        QVERIFY_THROWS_EXCEPTION(InputError, calibrateProfile(tiny, resolveRuntime("torch-cudagraph"), ""));
        QVERIFY_THROWS_EXCEPTION(InputError, calibrateProfile(tiny, resolveRuntime("torch-cudagraph"), "", {"no.such"}));
    }

    // Regression guard on the shipped, calibrated GPU profile.
    void shippedProfileMatchesGpuMeasurements()
    {
        const MeasurementSet set = loadMeasurements((test::sourceDir() + "/resources/validation/gpu-measurements.json").toStdString());
        QVERIFY(set.rows.size() >= 20);
        const RuntimeProfile profile = resolveRuntime("torch-cudagraph");
        AnalyticalEstimator est;
        std::vector<RowPrediction> predictions;
        for (const Measurement& m : set.rows) predictions.push_back(predictRow(est, designForMeasurement(set, m, profile), m.phase));
        const ValidationSummary s = summarise(set, predictions);
        QVERIFY(s.decodeRows > 0 && s.prefillRows > 0);
        QVERIFY2(s.decodeLatencyMape < 10, qPrintable(QString::number(s.decodeLatencyMape)));
        QVERIFY2(s.prefillLatencyMape < 15, qPrintable(QString::number(s.prefillLatencyMape)));
        QVERIFY2(s.energyRows == 0 || s.energyMape < 15, qPrintable(QString::number(s.energyMape)));
    }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
