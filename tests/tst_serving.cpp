// Serving simulation: the scheduler against hand-computed timelines with a
// constant-cost step model, request streams, the trace parser's errors, the
// summary (percentiles, goodput), the estimator-backed step-cost grid and the
// `serve-sim` command.
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/serving/KvCacheBudget.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingSummary.h"
#include "estimators/serving/StepCostTable.h"
#include "estimators/serving/ServingStudy.h"
#include "estimators/serving/LatencyHistogram.h"
#include "core/Errors.h"
#include "models/DesignJson.h"
#include "testsupport/TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QtTest>
#include <cmath>
#include <map>

using namespace llmdse;

namespace {

constexpr double P = 0.25;   // a step with prefill tokens, s
constexpr double D = 0.01;   // a step with decodes, s
constexpr double kPowerW = 100;

// Fake step model: P if the step prefills anything, plus D if it decodes; energy at 100 W.
struct ConstantSteps : StepCostModel {
    std::vector<int> prefillTokens, decodes;
    StepCost step(int decodeSeqs, double, int prefill) override
    {
        prefillTokens.push_back(prefill);
        decodes.push_back(decodeSeqs);
        const double t = (prefill > 0 ? P : 0) + (decodeSeqs > 0 ? D : 0);
        return {t, t * kPowerW};
    }
};

SchedulerConfig config(int maxBatch = 256, int chunk = 512, long long kvBlocks = 1 << 20, int blockSize = 16)
{
    SchedulerConfig c;
    c.maxBatch = maxBatch;
    c.chunk = chunk;
    c.kvBlocks = kvBlocks;
    c.blockSize = blockSize;
    c.mixed = chunk > 0; // whole prompts in steps of their own, as serve-sim runs a profile without a scheduler
    return c;
}

std::vector<Request> together(std::initializer_list<std::pair<int, int>> lengths)
{
    std::vector<Request> r;
    for (auto [prompt, output] : lengths) r.push_back(Request{0, prompt, output});
    return r;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

} // namespace

class TestServing : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void oneRequestAlone_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::newRow("chunked") << 512;
        QTest::newRow("whole prompts") << 0;
    }

    void oneRequestAlone()
    {
        QFETCH(int, chunk);
        ConstantSteps m;
        SchedulerConfig c = config(256, chunk);
        c.idlePowerW = 10;
        const std::vector<Request> r{{1.0, 100, 5}};
        const ServingRun run = simulateServing(r, m, c);
        QCOMPARE(run.steps, 5LL);
        QCOMPARE(run.firstTokenS[0], 1.0 + P);
        QVERIFY(std::abs(run.finishS[0] - (1.0 + P + 4 * D)) < 1e-12);
        const ServingSummary s = summarise(r, run, {});
        QCOMPARE(s.ttftS.p50, P);
        QVERIFY(std::abs(s.tpotS.mean - D) < 1e-12);
        QVERIFY(std::abs(s.e2eS.p99 - (P + 4 * D)) < 1e-12);
        QCOMPARE(s.outputTokens, 5LL);
        QCOMPARE(s.meanBatch, 1.0);
        // Steps at 100 W plus one idle second at 10 W before the arrival.
        QVERIFY(std::abs(s.energyJ - ((P + 4 * D) * kPowerW + 10.0)) < 1e-9);
        QVERIFY(std::abs(s.avgPowerW - s.energyJ / (1.0 + P + 4 * D)) < 1e-9);
        QCOMPARE(s.energyPerRequestJ, s.energyJ);
    }

    void maxBatchOneSerialises()
    {
        ConstantSteps m;
        const std::vector<Request> r{{0, 10, 3}, {0, 10, 3}};
        const ServingRun run = simulateServing(r, m, config(1));
        QCOMPARE(run.firstTokenS[0], P);
        QVERIFY(std::abs(run.finishS[0] - (P + 2 * D)) < 1e-12);
        QVERIFY(std::abs(run.firstTokenS[1] - (2 * P + 2 * D)) < 1e-12);
        QVERIFY(std::abs(run.finishS[1] - (2 * P + 4 * D)) < 1e-12);
        for (int d : m.decodes) QVERIFY(d <= 1);
    }

    void togetherTheyBatch()
    {
        // Max batch 4, no chunking: both prompts in one prefill step, then decoded side by side.
        ConstantSteps m;
        const std::vector<Request> r{{0, 10, 3}, {0, 20, 3}};
        const ServingRun run = simulateServing(r, m, config(4, 0));
        QCOMPARE(m.prefillTokens, (std::vector<int>{30, 0, 0}));
        QCOMPARE(m.decodes, (std::vector<int>{0, 2, 2}));
        QCOMPARE(run.firstTokenS[1], P);
        QVERIFY(std::abs(run.finishS[1] - (P + 2 * D)) < 1e-12);
        QCOMPARE(summarise(r, run, {}).meanBatch, 2.0);
    }

    void chunkedPrefillSplitsThePrompt()
    {
        ConstantSteps m;
        const std::vector<Request> r{{0, 1000, 2}};
        const ServingRun run = simulateServing(r, m, config(8, 256));
        // ceil(1000 / 256) = 4 prefill steps, then one decode.
        QCOMPARE(m.prefillTokens, (std::vector<int>{256, 256, 256, 232, 0}));
        QCOMPARE(run.firstTokenS[0], 4 * P);
        QCOMPARE(run.prefillTokens, 1000LL);
    }

    void chunkRidesWithDecodes()
    {
        // A second request arriving while the first decodes is prefilled in the same steps as its decodes.
        ConstantSteps m;
        const std::vector<Request> r{{0, 10, 4}, {P + 0.001, 300, 2}};
        const ServingRun run = simulateServing(r, m, config(8, 128));
        // Steps: prefill A | decode A | decode A + 128 of B | decode A + 128 | 44 of B (A finished) | decode B
        QCOMPARE(m.prefillTokens, (std::vector<int>{10, 0, 128, 128, 44, 0}));
        QCOMPARE(m.decodes, (std::vector<int>{0, 1, 1, 1, 0, 1}));
        QVERIFY(std::abs(run.firstTokenS[1] - (P + D + 3 * (P + D) - D)) < 1e-12);
    }

    void kvBudgetMakesARequestWait()
    {
        // 3 blocks of 10 tokens. A (prompt 20, output 3) holds 2 blocks and takes the 3rd for its
        // first decode, so B (prompt 20: 2 blocks) waits until A finishes.
        ConstantSteps m;
        const std::vector<Request> r{{0, 20, 3}, {0, 20, 1}};
        const ServingRun run = simulateServing(r, m, config(8, 512, 3, 10));
        QCOMPARE(run.preemptions, 0LL);
        QVERIFY(std::abs(run.finishS[0] - (P + 2 * D)) < 1e-12);
        QVERIFY(std::abs(run.firstTokenS[1] - (2 * P + 2 * D)) < 1e-12);
        QCOMPARE(run.finishS[1], run.firstTokenS[1]);
    }

    void kvBudgetPreemptsTheLatest()
    {
        // 5 blocks of 10 tokens: A (prompt 20, 2 blocks) and B (prompt 30, 3 blocks) fill the cache in one
        // prefill step; both need a block to decode, so B (the most recent) is preempted, then recomputed
        // (prompt + its 1 token: 31 tokens, 4 blocks) after A finishes.
        ConstantSteps m;
        const std::vector<Request> r{{0, 20, 5}, {0, 30, 2}};
        const ServingRun run = simulateServing(r, m, config(8, 512, 5, 10));
        QCOMPARE(run.preemptions, 1LL);
        QCOMPARE(run.firstTokenS[1], P); // B keeps its first token
        QVERIFY(std::abs(run.finishS[0] - (P + 4 * D)) < 1e-12);
        QVERIFY(std::abs(run.finishS[1] - (2 * P + 4 * D)) < 1e-12);
        QCOMPARE(run.prefillTokens, 50LL + 31LL);
        QCOMPARE(m.prefillTokens.back(), 31);
    }

    void requestLargerThanTheCacheIsRejected()
    {
        ConstantSteps m;
        const std::vector<Request> r{{0, 100, 10}, {1, 10, 2}};
        const ServingRun run = simulateServing(r, m, config(8, 512, 5, 10));
        QCOMPARE(run.rejected, 1LL);
        QVERIFY(std::isnan(run.finishS[0]));
        const ServingSummary s = summarise(r, run, {});
        QCOMPARE(s.completed, 1LL);
        QCOMPARE(s.rejected, 1LL);
    }

    void heavyLoadConservesTokens()
    {
        // Many requests through a small cache: every request completes with its tokens, whatever the preemptions.
        ConstantSteps m;
        const auto r = poissonRequests(1000, 2000, LengthDistribution::parse("uniform:10:200", "p"),
                                       LengthDistribution::parse("uniform:1:100", "o"), 7);
        const ServingRun run = simulateServing(r, m, config(32, 64, 60, 16));
        long long tokens = 0;
        for (const auto& q : r) tokens += q.output;
        QCOMPARE(run.rejected, 0LL);
        QCOMPARE(run.outputTokens, tokens);
        QVERIFY(run.preemptions > 0);
        for (size_t i = 0; i < r.size(); ++i) QVERIFY(run.finishS[i] >= run.firstTokenS[i] && run.firstTokenS[i] > r[i].arrivalS);
    }

    void poissonInterarrival()
    {
        const auto fixed = LengthDistribution::fixed(8);
        const auto r = poissonRequests(5.0, 200000, fixed, fixed, 42);
        const double meanGap = r.back().arrivalS / double(r.size());
        QVERIFY2(std::abs(meanGap - 0.2) < 0.002, qPrintable(QString::number(meanGap)));
        QCOMPARE(poissonRequests(5.0, 10, fixed, fixed, 42)[9].arrivalS, r[9].arrivalS); // seeded
        QVERIFY(poissonRequests(5.0, 10, fixed, fixed, 43)[9].arrivalS != r[9].arrivalS);
    }

    void lengthDistributions()
    {
        std::mt19937_64 rng(1);
        QCOMPARE(LengthDistribution::parse("512", "--prompt").sample(rng), 512);
        const auto u = LengthDistribution::parse("uniform:3:5", "--prompt");
        const auto ln = LengthDistribution::parse("lognormal:300:0.7", "--prompt");
        double sum = 0;
        for (int i = 0; i < 100000; ++i) {
            const int x = u.sample(rng);
            QVERIFY(x >= 3 && x <= 5);
            sum += ln.sample(rng);
        }
        QVERIFY2(std::abs(sum / 100000 / 300 - 1) < 0.02, qPrintable(QString::number(sum / 100000)));
        for (const char* bad : {"0", "abc", "uniform:5:3", "uniform:1", "lognormal:0.5:1", "normal:1:2", "12.5"}) {
            try {
                LengthDistribution::parse(bad, "--output");
                QFAIL(bad);
            } catch (const InputError& e) {
                QCOMPARE(QString::fromStdString(e.field()), QString("--output"));
            }
        }
    }

    void traceParses()
    {
        const auto r = parseTrace("arrival_s,prompt,output\n# comment\n0.5, 100, 20\n\n0.1,10,1\n", "t.csv");
        QCOMPARE(r.size(), size_t(2));
        QCOMPARE(r[0].arrivalS, 0.1); // sorted by arrival
        QCOMPARE(r[1].prompt, 100);
        QCOMPARE(r[1].output, 20);
    }

    void traceErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::newRow("no header") << "0.1,10,2\n" << "line 1: header";
        QTest::newRow("empty") << "" << "header";
        QTest::newRow("missing field") << "arrival_s,prompt,output\n0.1,10\n" << "line 2";
        QTest::newRow("empty field") << "arrival_s,prompt,output\n0.1,10,\n" << "line 2: output";
        QTest::newRow("text") << "arrival_s,prompt,output\n0,1,1\n0.1,abc,2\n" << "line 3: prompt";
        QTest::newRow("negative time") << "arrival_s,prompt,output\n-1,10,2\n" << "line 2: arrival_s";
        QTest::newRow("zero output") << "arrival_s,prompt,output\n1,10,0\n" << "line 2: output";
        QTest::newRow("fraction") << "arrival_s,prompt,output\n1,10.5,1\n" << "line 2: prompt";
        QTest::newRow("no requests") << "arrival_s,prompt,output\n" << "";
    }

    void traceErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, field);
        try {
            parseTrace(text.toStdString(), "trace.csv");
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.file()), QString("trace.csv"));
            QCOMPARE(QString::fromStdString(e.field()), field);
        }
    }

    void percentiles()
    {
        std::vector<double> v;
        for (int i = 101; i >= 1; --i) v.push_back(i);
        const Distribution d = distributionOf(v);
        QCOMPARE(d.p50, 51.0);
        QCOMPARE(d.p90, 91.0);
        QCOMPARE(d.p99, 100.0);
        QCOMPARE(d.mean, 51.0);
    }

    void goodputCountsOnlySloMeetingRequests()
    {
        // TTFT 0.1, 0.5, 0.2 s; TPOT 0.01, 0.01, 0.1 s; SLO TTFT <= 0.3 s, TPOT <= 0.05 s: only the first meets both.
        const std::vector<Request> r{{0, 10, 11}, {0, 10, 11}, {0, 10, 11}};
        ServingRun run;
        run.firstTokenS = {0.1, 0.5, 0.2};
        run.finishS = {0.2, 0.6, 1.2};
        run.endS = 2.0;
        run.windowCompleted = 3;
        const ServingSummary s = summarise(r, run, LatencySlo{0.3, 0.05});
        QCOMPARE(s.sloMet, 1LL);
        QCOMPARE(s.goodputRequestsPerS, 0.5);
        QCOMPARE(s.requestsPerS, 1.5);
        QCOMPARE(summarise(r, run, LatencySlo{}).sloMet, 3LL);
        QCOMPARE(summarise(r, run, LatencySlo{1.0, 0.05}).sloMet, 2LL);
    }

    void stepCostTableMatchesTheEstimator()
    {
        const Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
        AnalyticalEstimator est;
        StepCostTable table(est, d, 64, 4096, 512);
        auto decodeAt = [&](int batch, int context) {
            Design x = d;
            x.workload = Workload{batch, 16, 2, context};
            return est.evaluate(x).decodeStep;
        };
        auto prefillOf = [&](int tokens) {
            Design x = d;
            x.workload = Workload{1, tokens, 1, 0};
            return est.evaluate(x).prefill;
        };
        // Grid points are the estimator's own figures.
        QCOMPARE(table.decode(8, 1024).timeS, decodeAt(8, 1024).timeS);
        QCOMPARE(table.decode(8, 1024).energyJ, decodeAt(8, 1024).energyJ);
        QCOMPARE(table.prefill(256).timeS, prefillOf(256).timeS);
        // Between them, linear; and close to the estimator (decode is nearly affine in batch and context).
        const double mid = table.decode(6, 1024).timeS;
        QVERIFY(std::abs(mid - 0.5 * (decodeAt(4, 1024).timeS + decodeAt(8, 1024).timeS)) < 1e-12);
        QVERIFY(std::abs(table.decode(8, 1500).timeS / decodeAt(8, 1500).timeS - 1) < 0.02);
        // Mixed step: decode plus what the prefill tokens add to the matrix products.
        const StepCost mixed = table.step(8, 1024, 256);
        QVERIFY(mixed.timeS >= table.decode(8, 1024).timeS);
        QVERIFY(mixed.timeS <= table.decode(8, 1024).timeS + table.prefill(256).timeS);
        QCOMPARE(table.step(0, 0, 256).timeS, table.prefill(256).timeS);
        const int evaluations = table.evaluations();
        table.step(8, 1024, 256);
        QCOMPARE(table.evaluations(), evaluations); // memoised
    }

    void kvBlocksFromMemory()
    {
        // Llama-3-8B fp16 on an 80 GB H100: 128 KiB of KV per token (32 layers x 2 x 8 heads x 128 x 2 bytes).
        const Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
        AnalyticalEstimator est;
        const KvCacheBudget b = kvCacheBudget(est, d, 16, 512, 0.9);
        QCOMPARE(b.bytesPerToken, 131072.0);
        QVERIFY(b.freeBytes > 40e9 && b.freeBytes < 0.9 * b.capacityBytes - b.weightsBytes + 1);
        QCOMPARE(b.blocks, (long long)std::floor(b.freeBytes / (16 * 131072.0)));
        QVERIFY_THROWS_EXCEPTION(InputError, kvCacheBudget(est, d, 16, 512, 0.1));
        // TensorRT-LLM's fraction is of what the weights and activations leave: 0.1 of it still fits.
        const KvCacheBudget all = kvCacheBudget(est, d, 16, 512, 1.0, true, MemoryBasis::Free);
        const KvCacheBudget tenth = kvCacheBudget(est, d, 16, 512, 0.1, true, MemoryBasis::Free);
        QCOMPARE(all.freeBytes, b.freeBytes + 0.1 * b.capacityBytes);
        QVERIFY(std::abs(tenth.freeBytes - 0.1 * all.freeBytes) < 1);
    }

    void commandRuns()
    {
        const test::RunResult r = test::runLlmdse({"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm",
                                                   "--rate", "5", "--requests", "300", "--prompt", "uniform:64:512",
                                                   "--output", "lognormal:64:0.5", "--slo-ttft", "1", "--format", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["completed"].toDouble(), 300.0);
        QVERIFY(o["ttft_s"].toObject()["p50"].toDouble() > 0);
        QVERIFY(o["tpot_s"].toObject()["p99"].toDouble() >= o["tpot_s"].toObject()["p50"].toDouble());
        QVERIFY(o["goodput_requests_per_s"].toDouble() <= o["throughput_requests_per_s"].toDouble());
        QVERIFY(o["energy_per_request_j"].toDouble() > 0);
        QVERIFY(o["scheduler"].toObject()["kv_blocks"].toDouble() > 1000);

        const test::RunResult t = test::runLlmdse({"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm",
                                                   "--rate", "5", "--requests", "50"});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        for (const char* s : {"time to first token (TTFT)", "p99", "requests/s", "tokens/s", "J", "W", "preemptions"})
            QVERIFY2(t.out.contains(s), s);
    }

    // The accuracy target on the bundled published runs: every metric group within 15% (median |error|),
    // and vLLM 0.6's 10-step blocks show as inter-token gaps of about ten decode steps, as its clients saw them.
    void publishedServingWithinTarget()
    {
        const test::RunResult r = test::runLlmdse({"serve-validate", "--format", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject groups = o["groups"].toObject();
        for (const char* g : {"TTFT", "ITL/TPOT", "E2E", "request throughput", "token throughput"}) {
            const double e = groups[g].toObject()["median_abs_error"].toDouble(-1);
            QVERIFY2(e >= 0 && e <= 0.15, qPrintable(QString("%1: %2").arg(g).arg(e)));
        }
        std::map<QString, std::map<QString, double>> predicted;
        for (const auto& v : o["comparisons"].toArray()) {
            const QJsonObject c = v.toObject();
            predicted[c["run"].toString()][c["metric"].toString()] = c["predicted"].toDouble();
        }
        int multiStep = 0;
        for (const auto& [run, m] : predicted) {
            if (!run.contains("-vllm-") || !m.count("itl_median_s")) continue;
            ++multiStep;
            QVERIFY2(m.at("itl_median_s") > 7 * m.at("tpot_median_s"), qPrintable(run));
        }
        QVERIFY(multiStep >= 4);
    }

    void multiStepDeliversTokensTogether()
    {
        // Four decode steps per decision: the prompt's step, then blocks of 4 tokens delivered at their end.
        ConstantSteps m;
        SchedulerConfig c = config(8, 512);
        c.stepsPerSchedule = 4;
        const std::vector<Request> r{{0, 10, 9}, {P + 0.001, 10, 2}};
        const ServingRun run = simulateServing(r, m, c);
        // A: prefill | block of 4 (tokens 2-5) | B's prefill with A's decode (token 6) | block of 4 for A and B.
        QCOMPARE(m.prefillTokens, (std::vector<int>{10, 0, 0, 0, 0, 10, 0, 0, 0, 0}));
        QVERIFY(near(run.firstTokenS[1], P + 4 * D + P + D)); // B waited for A's block
        QCOMPARE(run.decisions, 4LL);
        // A: tokens 7-9 in the last block (its fourth step is wasted), delivered at its end with B's second token.
        QVERIFY(near(run.finishS[0], P + 4 * D + P + D + 4 * D));
        QVERIFY(near(run.finishS[1], run.finishS[0]));
        const ServingSummary s = summarise(r, run, {});
        QCOMPARE(s.itlS.count, 3LL + 1LL); // A: 3 gaps after its first token; B: 1
        QVERIFY(std::abs(s.itlS.p99 / (4 * D) - 1) < 0.01);
    }

    void closedLoopSendsOnCompletion()
    {
        ConstantSteps m;
        ServingLoad load;
        load.concurrency = 1;
        const auto r = together({{10, 2}, {10, 2}, {10, 2}});
        const ServingRun run = simulateServing(r, m, config(8, 512), load);
        QVERIFY(near(run.sentS[1], P + D));
        QVERIFY(near(run.finishS[2], 3 * (P + D)));
        QVERIFY(near(summarise(r, run, {}).requestsPerS, 1 / (P + D)));

        // Two clients: two requests share each step; the third is sent when the first two end.
        ConstantSteps m2;
        load.concurrency = 2;
        const ServingRun two = simulateServing(r, m2, config(8, 512), load);
        QVERIFY(near(two.finishS[1], P + D));
        QVERIFY(near(two.sentS[2], P + D));
        QVERIFY(near(two.finishS[2], 2 * (P + D)));
    }

    void warmUpAndCoolDown()
    {
        // One client, request 0 warms up, 1 and 2 are measured, 3 cools down: it is never sent, because
        // the measured ones are done when it would be.
        ConstantSteps m;
        ServingLoad load;
        load.concurrency = 1;
        load.warmup = 1;
        load.measured = 2;
        const auto r = together({{10, 2}, {10, 2}, {10, 2}, {10, 2}});
        const ServingRun run = simulateServing(r, m, config(8, 512), load);
        QVERIFY(std::isnan(run.sentS[3]));
        QVERIFY(near(run.startS, P + D));
        QVERIFY(near(run.endS, 3 * (P + D)));
        const ServingSummary s = summarise(r, run, {});
        QCOMPARE(s.completed, 2LL);
        QVERIFY(near(s.requestsPerS, 1 / (P + D)));
        QVERIFY(near(s.outputTokensPerS, 4 / (2 * (P + D))));
    }

    void windowCountsWarmUpTokens()
    {
        // Two clients; requests 0 (8 tokens) and 1 warm up, 2 and 3 are measured. The window opens when 2 is
        // sent (request 1 done at P + D) and closes when 3 ends; request 0 decodes all along and its tokens
        // in the window count, as a time-window benchmark counts them.
        ConstantSteps m;
        ServingLoad load;
        load.concurrency = 2;
        load.warmup = 2;
        load.measured = 2;
        const auto r = together({{10, 8}, {10, 2}, {10, 2}, {10, 2}, {10, 2}});
        const ServingRun run = simulateServing(r, m, config(8, 512), load);
        QVERIFY(near(run.startS, P + D));
        QVERIFY(near(run.endS, 3 * P + 5 * D));
        QCOMPARE(run.windowOutputTokens, 8LL); // 0: tokens 3-6; 2 and 3: two each
        QCOMPARE(run.windowCompleted, 2LL);
        const ServingSummary s = summarise(r, run, {});
        QVERIFY(near(s.outputTokensPerS, 8 / (2 * P + 4 * D)));
        QVERIFY(near(s.requestsPerS, 2 / (2 * P + 4 * D)));
    }

    void overheadsAddToLatency()
    {
        // 5 ms of front end before the server sees the request, 2 ms of host time per decision.
        ConstantSteps m;
        SchedulerConfig c = config(8, 512);
        c.scheduleOverheadS = 0.002;
        ServingLoad load;
        load.requestOverheadS = 0.005;
        const std::vector<Request> r{{1.0, 10, 3}};
        const ServingRun run = simulateServing(r, m, c, load);
        QVERIFY(near(run.firstTokenS[0], 1.0 + 0.005 + 0.002 + P));
        QVERIFY(near(run.finishS[0], 1.0 + 0.005 + 3 * 0.002 + P + 2 * D));
        QVERIFY(near(summarise(r, run, {}).ttftS.p50, 0.005 + 0.002 + P));
    }

    void shortestPromptFirst()
    {
        ConstantSteps m;
        SchedulerConfig c = config(1, 0);
        c.order = AdmissionOrder::ShortestPromptFirst;
        const auto r = together({{300, 1}, {100, 1}, {200, 1}});
        const ServingRun run = simulateServing(r, m, c);
        QCOMPARE(m.prefillTokens, (std::vector<int>{100, 200, 300}));
        QVERIFY(near(run.finishS[1], P) && near(run.finishS[2], 2 * P) && near(run.finishS[0], 3 * P));
    }

    void prefixCacheReusesBlocks()
    {
        // Blocks of 10 tokens. A (group 0, prompt 50, 40 of them the shared prefix) computes 5 blocks and
        // registers them; B of the same group, after A, finds the 4 prefix blocks and prefills 10 tokens.
        ConstantSteps m;
        SchedulerConfig c = config(8, 512, 100, 10);
        c.prefixCaching = true;
        std::vector<Request> r{{0, 50, 1}, {1, 50, 1}};
        for (auto& q : r) q.prefixGroup = 0, q.prefix = 40;
        const ServingRun run = simulateServing(r, m, c);
        QCOMPARE(m.prefillTokens, (std::vector<int>{50, 10}));
        QCOMPARE(run.cachedPromptTokens, 40LL);
        QCOMPARE(summarise(r, run, {}).prefixHitRate, 0.4);

        // A cache of 6 blocks: C (no group, 60 tokens) needs all of them and evicts A's cached blocks,
        // so B computes its whole prompt again.
        ConstantSteps m2;
        std::vector<Request> r2{{0, 50, 1}, {1, 59, 1}, {2, 50, 1}};
        r2[0].prefixGroup = r2[2].prefixGroup = 0;
        r2[0].prefix = r2[2].prefix = 40;
        const ServingRun evicted = simulateServing(r2, m2, [&] { SchedulerConfig e = c; e.kvBlocks = 6; return e; }());
        QCOMPARE(m2.prefillTokens, (std::vector<int>{50, 59, 50}));
        QCOMPARE(evicted.cachedPromptTokens, 0LL);
    }

    void conversationTurnsShareTheirHistory()
    {
        StreamSpec spec;
        spec.count = 4;
        spec.turns = 2;
        spec.prompt = LengthDistribution::fixed(30);
        spec.output = LengthDistribution::fixed(20);
        spec.sharedPrefixTokens = 16;
        const auto r = synthesiseRequests(spec);
        QCOMPARE(r[0].prompt, 46);
        QCOMPARE(r[1].parent, 0);
        QCOMPARE(r[1].prefix, 66);       // the first turn's prompt and answer
        QCOMPARE(r[1].prompt, 96);
        QCOMPARE(r[1].prefixGroup, r[0].prefixGroup);
        QVERIFY(r[2].prefixGroup != r[0].prefixGroup); // the next conversation
        QCOMPARE(r[2].sharedGroup, 0);   // but the same system prompt
        QCOMPARE(r[2].sharedTokens, 16);

        // Closed loop of one client with a 1 s think time: turn 2 goes out 1 s after turn 1's last token,
        // and finds turn 1's blocks (16-token blocks: 4 full blocks of its 66-token history).
        ConstantSteps m;
        SchedulerConfig c = config(8, 512);
        c.prefixCaching = true;
        ServingLoad load;
        load.concurrency = 1;
        load.thinkS = 1.0;
        const ServingRun run = simulateServing(r, m, c, load);
        QVERIFY(near(run.sentS[1], run.finishS[0] + 1.0));
        QCOMPARE(m.prefillTokens[0], 46);
        QCOMPARE(m.prefillTokens[20], 96 - 4 * 16); // turn 2 computes what the cache does not hold
        // Turn 2's history, the second conversation's system prompt, then its turn 2's history.
        QCOMPARE(run.cachedPromptTokens, 64LL + 16LL + 64LL);
    }

    void replicasBehindARouter()
    {
        // One sequence per server: on one server the second request waits, on two it does not.
        ConstantSteps m;
        ServingLoad load;
        load.replicas = 2;
        load.router = Router::RoundRobin;
        const auto r = together({{10, 2}, {10, 2}});
        const ServingRun two = simulateServing(r, m, config(1, 512), load);
        QVERIFY(near(two.finishS[0], P + D) && near(two.finishS[1], P + D));
        ConstantSteps m1;
        QVERIFY(near(simulateServing(r, m1, config(1, 512)).finishS[1], 2 * (P + D)));

        // Least loaded: the third request goes to the first server of equals (both hold one).
        ConstantSteps m3;
        load.router = Router::LeastLoaded;
        const auto r3 = together({{10, 2}, {10, 2}, {10, 2}});
        const ServingRun ll = simulateServing(r3, m3, config(1, 512), load);
        QVERIFY(near(ll.finishS[1], P + D));
        QVERIFY(near(ll.finishS[2], 2 * (P + D)));
        QVERIFY(near(ll.busyS, 3 * (P + D)));
        QVERIFY(near(ll.idleS, 2 * ll.endS - ll.busyS));
    }

    void disaggregationMovesTheKv()
    {
        // A prefill server computes the prompt and first token; 100 tokens x 1 kB cross a 1 MB/s link with
        // 1 ms latency (0.101 s), then the decode server generates tokens 2 and 3.
        ConstantSteps m;
        SchedulerConfig c = config(8, 512);
        c.kvBytesPerToken = 1000;
        ServingLoad load;
        load.decodeReplicas = 1;
        load.linkBytesPerS = 1e6;
        load.linkLatencyS = 0.001;
        const std::vector<Request> r{{0, 100, 3}};
        const ServingRun run = simulateServing(r, m, c, load);
        QCOMPARE(run.handoffs, 1LL);
        QVERIFY(near(run.firstTokenS[0], P));
        QVERIFY(near(run.finishS[0], P + 0.101 + 2 * D));
        QCOMPARE(run.prefillTokens, 100LL);
    }

    void swapKeepsTheKv()
    {
        // As kvBudgetPreemptsTheLatest, but B's 30 tokens of KV go to the host (1 MB a token at 1 GB/s:
        // 30 ms each way, serial with the step) instead of being recomputed.
        ConstantSteps m;
        SchedulerConfig c = config(8, 512, 5, 10);
        c.preemption = Preemption::Swap;
        c.kvBytesPerToken = 1e6;
        c.swapBytesPerS = 1e9;
        const std::vector<Request> r{{0, 20, 5}, {0, 30, 2}};
        const ServingRun run = simulateServing(r, m, c);
        QCOMPARE(run.preemptions, 1LL);
        QCOMPARE(run.swaps, 1LL);
        QCOMPARE(run.prefillTokens, 50LL);
        QVERIFY(near(run.finishS[0], P + 4 * D + 0.03));
        QVERIFY(near(run.finishS[1], P + 4 * D + 0.03 + 0.03 + D));
    }

    void prefillStepsWithoutMixing()
    {
        // SGLang's default: chunked prefill (100 tokens), prefill steps first, decodes in steps of their own.
        ConstantSteps m;
        SchedulerConfig c = config(8, 100);
        c.mixed = false;
        const std::vector<Request> r{{0, 10, 4}, {P + 0.001, 250, 2}};
        const ServingRun run = simulateServing(r, m, c);
        QCOMPARE(m.prefillTokens, (std::vector<int>{10, 0, 100, 100, 50, 0, 0}));
        QCOMPARE(m.decodes, (std::vector<int>{0, 1, 0, 0, 0, 2, 1}));
        QVERIFY(near(run.finishS[1], 4 * P + 2 * D));
        QVERIFY(near(run.finishS[0], 4 * P + 3 * D));
        // A's gap while B prefills is one of the four inter-token latencies.
        QVERIFY(near(summarise(r, run, {}).itlS.mean, (4 * D + 3 * P) / 4));
    }

    void wholePromptsMixWithDecodes()
    {
        // TensorRT-LLM's in-flight batching without chunking: a new prompt joins the running decodes whole.
        ConstantSteps m;
        SchedulerConfig c = config(8, 0);
        c.mixed = true;
        const std::vector<Request> r{{0, 10, 3}, {P + 0.001, 500, 2}};
        simulateServing(r, m, c);
        QCOMPARE(m.prefillTokens, (std::vector<int>{10, 0, 500, 0}));
        QCOMPARE(m.decodes, (std::vector<int>{0, 1, 1, 1}));
    }

    void latencyHistogramPercentiles()
    {
        LatencyHistogram h;
        std::vector<double> v;
        for (int i = 1; i <= 1000; ++i) {
            h.add(i * 1e-3);
            v.push_back(i * 1e-3);
        }
        h.add(0);
        v.push_back(0);
        const Distribution exact = distributionOf(v);
        QVERIFY(std::abs(h.quantile(0.5) / exact.p50 - 1) < 0.01);
        QVERIFY(std::abs(h.quantile(0.99) / exact.p99 - 1) < 0.01);
        QCOMPARE(h.quantile(0), 0.0);
        QVERIFY(near(h.mean(), exact.mean));
    }

    void traceWithPrefixColumns()
    {
        const auto r = parseTrace("arrival_s,prompt,output,prefix_group,prefix\n0,100,10,3,64\n1,50,5,-1,0\n", "t.csv");
        QCOMPARE(r[0].prefixGroup, 3);
        QCOMPARE(r[0].prefix, 64);
        QCOMPARE(r[1].prefixGroup, -1);
        for (const char* bad : {"arrival_s,prompt,output,prefix_group,prefix\n0,100,10,3,101\n",
                                "arrival_s,prompt,output,prefix_group,prefix\n0,100,10,-2,5\n",
                                "arrival_s,prompt,output,prefix_group,prefix\n0,100,10,3\n"}) {
            try {
                parseTrace(bad, "t.csv");
                QFAIL(bad);
            } catch (const InputError& e) {
                QVERIFY2(QString::fromStdString(e.field()).startsWith("line 2"), bad);
            }
        }
    }

    void schedulerFromTheProfile()
    {
        const Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"runtime", "vllm"}});
        QVERIFY(d.runtime.scheduler.set);
        const SchedulerConfig c = schedulerFor(d.runtime);
        QCOMPARE(c.maxBatch, d.runtime.scheduler.maxSequences);
        QCOMPARE(c.mixed, d.runtime.scheduler.mixedBatches);
        // A profile without a scheduler keeps serve-sim's defaults.
        const Design t = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"runtime", "torch-cudagraph"}});
        QCOMPARE(schedulerFor(t.runtime).maxBatch, 256);
        QCOMPARE(schedulerFor(t.runtime).stepsPerSchedule, 1);
    }

    void sweepFindsTheKnee()
    {
        const test::RunResult r = test::runLlmdse({"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm",
                                                   "--concurrency", "1,4,64,512", "--requests", "400", "--prompt", "1000",
                                                   "--output", "100", "--format", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray rows = o["sweep"].toArray();
        QCOMPARE(rows.size(), 4);
        // More clients: more throughput, longer waits; 512 clients queue behind 256 sequences.
        QVERIFY(rows[1].toObject()["throughput_requests_per_s"].toDouble() > rows[0].toObject()["throughput_requests_per_s"].toDouble());
        QVERIFY(rows[3].toObject()["ttft_s"].toObject()["p50"].toDouble() > 2 * rows[0].toObject()["ttft_s"].toObject()["p50"].toDouble());
        QVERIFY(o["knee_index"].toInt() >= 1);
        QVERIFY(rows[0].toObject()["itl_s"].toObject()["p50"].toDouble() > 0);
    }

    void commandRejectsABadTrace()
    {
        const QString path = test::writeFile(dir_, "bad-trace.csv", "arrival_s,prompt,output\n0.0,128,16\n0.5,12x,16\n");
        const test::RunResult r = test::runLlmdse({"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm",
                                                   "--trace", path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad-trace.csv") && r.err.contains("line 3: prompt") && r.err.contains("12x"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServing)
#include "tst_serving.moc"
