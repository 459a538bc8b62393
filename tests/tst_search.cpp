// Co-design search: NSGA-II against exhaustive enumeration, determinism, resume, the hypervolume,
// the search space and constraint readers, and the proxy_loss quality proxy, hand computed.
#include "core/Errors.h"
#include "estimators/quality/ProxyLoss.h"
#include "estimators/search/Hypervolume.h"
#include "estimators/search/Nsga2.h"
#include "estimators/search/SearchRunner.h"
#include "estimators/search/SearchSpace.h"
#include "estimators/storage/SqliteDatabase.h"
#include "models/DesignJson.h"
#include "testsupport/TestSupport.h"

#include <QJsonDocument>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>

using namespace llmdse;

namespace {

// A systolic template co-designed with the model's depth and width: 5 x 6 x 5 x 5 x 4 x 3 = 9,000 points.
QByteArray searchStudy(const char* algorithm, int budget, int seed, int population = 40, const char* reference = nullptr)
{
    return QString(R"({"base": {"model": "llama-2-7b", "hardware": "template-systolic", "batch": 1, "prompt": 256,
        "output": 64, "weights": "int8", "activations": "int8", "model.kv_heads": 8},
      "search": {"algorithm": "%1", "budget": %2, "population": %4, "seed": %3%5},
      "space": {"model.layers": {"min": 8, "max": 40, "step": 8}, "model.hidden": [2048, 2560, 3072, 3584, 4096, 4608],
                "hardware.array_rows": {"min": 16, "max": 256, "log": true}, "hardware.array_cols": {"min": 16, "max": 256, "log": true},
                "hardware.sram_mib": {"min": 16, "max": 128, "log": true}, "weights": ["int4", "int8", "fp16"]},
      "constraints": ["area_mm2 <= 150", "fits"],
      "objectives": ["proxy_loss", "tpot_s", "area_mm2"]})")
        .arg(algorithm).arg(budget).arg(seed).arg(population)
        .arg(reference ? QString(R"(, "reference": %1)").arg(reference) : QString())
        .toUtf8();
}

Study study(const QByteArray& json) { return parseStudy(QJsonDocument::fromJson(json).object(), "search.json"); }

struct MemorySink : ResultSink {
    std::vector<SweepRow> rows;
    void begin(const SweepSchema&) override {}
    void write(const std::vector<SweepRow>& r) override { rows.insert(rows.end(), r.begin(), r.end()); }
    void finish() override {}
};

SweepSummary runMemory(const Study& s, MemorySink& sink, int threads = 0)
{
    SweepOptions o;
    o.threads = threads;
    return runSweep(s, sink, false, o);
}

QString frontText(const std::vector<ParetoPoint>& f)
{
    QStringList out;
    for (const auto& p : f) out << QString::number(p.index);
    return out.join(' ');
}

// Counting unit cells: the exact hypervolume of integer points, independently of the slicing.
double cellCount(const std::vector<std::vector<double>>& pts, const std::vector<double>& ref)
{
    double n = 0;
    for (int x = 0; x < ref[0]; ++x)
        for (int y = 0; y < ref[1]; ++y)
            for (int z = 0; z < ref[2]; ++z) {
                bool covered = false;
                for (const auto& p : pts) covered = covered || (p[0] <= x && p[1] <= y && p[2] <= z);
                n += covered;
            }
    return n;
}

} // namespace

class TestSearch : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void proxyLossByHand()
    {
        // Hoffmann et al. 2022: 1.69 + 406.4 / (7e9)^0.34 + 410.7 / (1.4e11)^0.28
        //   (7e9)^0.34 = e^(0.34 x 22.669) = 2225.0 -> 0.18265; (1.4e11)^0.28 = e^(0.28 x 25.665) = 1321.0 -> 0.31089.
        QVERIFY(std::abs(chinchillaLoss(7e9, 1.4e11) - (1.69 + 0.18265 + 0.31089)) < 1e-4);
        // Larger models and more data both lower the loss, towards E.
        QVERIFY(chinchillaLoss(7e10, 1.4e12) < chinchillaLoss(7e9, 1.4e12));
        QVERIFY(chinchillaLoss(7e9, 1.4e12) < chinchillaLoss(7e9, 1.4e11));
        QVERIFY(chinchillaLoss(1e30, 1e30) - 1.69 < 1e-5);

        Design d = designFromJson(QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}});
        const double n = d.model.totalParams();
        QVERIFY(n > 6.7e9 && n < 6.8e9); // Llama-2-7B: 6.74 B parameters
        QCOMPARE(trainingTokens(d.model), 20 * n); // the stated default: Chinchilla-optimal 20 tokens per parameter
        QCOMPARE(proxyLoss(d), chinchillaLoss(n, 20 * n)); // fp16 weights and KV: no format cost
        d.model.trainingTokens = 2e12; // Llama 2 was trained on 2T tokens
        QCOMPARE(proxyLoss(d), 1.69 + 406.4 / std::pow(n, 0.34) + 410.7 / std::pow(2e12, 0.28));
        // int4 weights (AWQ Table 4: 5.47 -> 5.60) and an int4 KV cache (KVQuant: 5.68 -> 5.98).
        d.opts.weights.precision = Precision::INT4;
        d.opts.kvCache.precision = Precision::INT4;
        const double delta = std::log(5.60 / 5.47) + std::log(5.98 / 5.68); // 0.023488 + 0.051469
        QVERIFY(std::abs(delta - 0.074957) < 1e-5);
        QVERIFY(std::abs(proxyLoss(d) - (chinchillaLoss(n, 2e12) + delta)) < 1e-12);
        for (const auto& row : formatQualityCosts()) QVERIFY(std::string(row.source).size() > 10);
        QVERIFY(std::string(proxyLossProvenance()).find("proxy") != std::string::npos);
    }

    void proxyLossInAStudy()
    {
        MemorySink sink;
        const Study s = study(searchStudy("random", 20, 3));
        runMemory(s, sink);
        QCOMPARE(sink.rows.size(), size_t(20));
        int checked = 0;
        for (const auto& r : sink.rows) {
            if (!r.error.empty()) continue;
            PointGenerator g(s);
            std::array<double, kMaxAxes> params{};
            QCOMPARE(r.metrics[int(MetricId::ProxyLoss)], proxyLoss(g.at(r.index, params.data())));
            QVERIFY(r.metrics[int(MetricId::AreaMm2)] > 0); // the template's area, with the analytical estimator too
            ++checked;
        }
        QVERIFY(checked > 10);
    }

    void hypervolumeExact()
    {
        QCOMPARE(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
        QCOMPARE(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}}, {4, 4}), 6.0); // dominated and outside points add nothing
        QCOMPARE(hypervolume({{1, 1, 1}}, {2, 3, 4}), 6.0);
        QCOMPARE(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 5.0); // 4 + 2 - the shared unit cube
        std::mt19937 rng(7);
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<std::vector<double>> pts;
            for (int i = 0; i < 12; ++i) pts.push_back({double(rng() % 8), double(rng() % 8), double(rng() % 8)});
            QCOMPARE(hypervolume(pts, {8, 8, 8}), cellCount(pts, {8, 8, 8}));
        }
    }

    void constrainedDomination()
    {
        Candidate a, b;
        a.objectives = {1, 2};
        b.objectives = {2, 3};
        QVERIFY(constrainedDominates(a, b) && !constrainedDominates(b, a));
        a.violation = 0.5; // infeasible loses to feasible whatever its objectives
        QVERIFY(constrainedDominates(b, a) && !constrainedDominates(a, b));
        b.violation = 1.0; // two infeasible: the smaller violation wins
        QVERIFY(constrainedDominates(a, b));
        std::vector<Candidate> pop(4);
        pop[0].objectives = {1, 4};
        pop[1].objectives = {2, 2};
        pop[2].objectives = {3, 3};
        pop[3].objectives = {4, 1};
        for (size_t i = 0; i < 4; ++i) pop[i].index = std::int64_t(i);
        const auto fronts = nonDominatedSort(pop);
        QCOMPARE(fronts.size(), size_t(2));
        QCOMPARE(fronts[0].size(), size_t(3));
        QCOMPARE(pop[2].rank, 1);
        assignCrowding(pop, fronts[0]);
        QVERIFY(std::isinf(pop[0].crowding) && std::isinf(pop[3].crowding));
        QCOMPARE(pop[1].crowding, 3.0 / 3 + 3.0 / 3); // (4-1)/3 + (4-1)/3
    }

    void constraintsAndSpaceParsing()
    {
        const Constraint fits = parseConstraint("fits", "c");
        QCOMPARE(fits.text(), std::string("fits"));
        MetricRow m{};
        m[int(MetricId::Fits)] = 1;
        QVERIFY(fits.admits(m));
        m[int(MetricId::Fits)] = 0;
        QCOMPARE(fits.violation(m), 1.0);
        const Constraint area = parseConstraint("area_mm2 <= 400", "c");
        m[int(MetricId::AreaMm2)] = 500;
        QCOMPARE(area.violation(m), 0.25);
        m[int(MetricId::AreaMm2)] = std::nan("");
        QVERIFY(!area.admits(m));
        auto fails = [](const char* text, const char* part) {
            try {
                parseConstraint(text, "constraints[2]");
            } catch (const InputError& e) {
                return std::string(e.what()).find(part) != std::string::npos && std::string(e.what()).find("constraints[2]") != std::string::npos;
            }
            return false;
        };
        QVERIFY(fails("area_mm2", "yes/no"));
        QVERIFY(fails("tpot_s <=", "not a number"));
        QVERIFY(fails("<= 4", "metric name"));
        QVERIFY(fails("speed < 3", "unknown metric"));
        QVERIFY(fails("tpot_s == 3", "cannot read"));

        const Study s = study(searchStudy("nsga2", 100, 1));
        QCOMPARE(s.gridSize, std::int64_t(5 * 6 * 5 * 5 * 4 * 3));
        QVERIFY(s.search && s.search->population == 40);
        for (const auto& a : s.axes)
            if (a.key == "hardware.array_rows") {
                QCOMPARE(a.values.size(), size_t(5)); // 16, 32, 64, 128, 256
                QCOMPARE(a.values.back().number, 256.0);
            }
        std::vector<int> genes(s.axes.size());
        spaceGenes(s.axes, 4321, genes.data());
        QCOMPARE(spaceIndex(s.axes, genes.data()), std::int64_t(4321));
        auto studyFails = [](const QByteArray& json, const char* field) {
            try {
                study(json);
            } catch (const InputError& e) {
                return std::string(e.what()).find(field) != std::string::npos;
            }
            return false;
        };
        QVERIFY(studyFails(R"({"base": {"model": "llama-2-7b", "hardware": "h100-sxm"}, "search": {"budget": 5},
                               "space": {"hardware.memory_bandwidth": {"min": 0, "max": 9, "log": true}}, "objectives": ["tpot_s"]})",
                           "space.hardware.memory_bandwidth"));
        QVERIFY(studyFails(R"({"base": {"model": "llama-2-7b", "hardware": "h100-sxm"}, "search": {"budget": 5},
                               "space": {"batch": [1, 2]}})", "objectives"));
        QVERIFY(studyFails(R"({"base": {"model": "llama-2-7b", "hardware": "h100-sxm"}, "search": {"budget": 5, "populaton": 9},
                               "space": {"batch": [1, 2]}, "objectives": ["tpot_s"]})", "search.populaton"));
    }

    // NSGA-II with 10% of the evaluations against every point of the space. The reference point is
    // the exhaustive front's nadir (its worst value per objective) pushed out by 1% of the spread,
    // so that the ratio measures the front and not a loose box.
    void reachesTheExhaustiveFront()
    {
        MemorySink all;
        const SweepSummary ex = runMemory(study(searchStudy("random", 9000, 1, 100)), all);
        QCOMPARE(ex.evaluated, std::int64_t(9000)); // a random search as long as the space enumerates it
        std::vector<double> lo(3, 1e300), hi(3, -1e300);
        for (const auto& p : ex.front)
            for (size_t i = 0; i < 3; ++i) lo[i] = std::min(lo[i], p.objectives[i]), hi[i] = std::max(hi[i], p.objectives[i]);
        std::vector<double> ref(3);
        for (size_t i = 0; i < 3; ++i) ref[i] = hi[i] + 0.01 * (hi[i] - lo[i]);
        auto volume = [&](const std::vector<ParetoPoint>& f) {
            std::vector<std::vector<double>> pts;
            for (const auto& p : f) pts.push_back(p.objectives);
            return hypervolume(pts, ref);
        };
        const double exact = volume(ex.front);
        QVERIFY(exact > 0 && ex.front.size() > 20);
        std::vector<double> ratios;
        for (int seed = 1; seed <= 3; ++seed) {
            MemorySink sink;
            const SweepSummary r = runMemory(study(searchStudy("nsga2", 900, seed, 40)), sink);
            QCOMPARE(r.evaluated, std::int64_t(900));
            std::set<std::int64_t> distinct;
            for (const auto& row : sink.rows) distinct.insert(row.index);
            QCOMPARE(distinct.size(), size_t(900)); // every evaluation is a new design
            for (size_t g = 1; g < r.generations.size(); ++g) // the front over all points so far never loses volume
                QVERIFY(r.generations[g].hypervolume >= r.generations[g - 1].hypervolume);
            ratios.push_back(volume(r.front) / exact);
        }
        std::sort(ratios.begin(), ratios.end());
        MemorySink rnd;
        const double random = volume(runMemory(study(searchStudy("random", 900, 2, 40)), rnd).front) / exact;
        qInfo("hypervolume / exhaustive front's, 10%% of the space: NSGA-II median of 3 seeds %.4f, random %.4f", ratios[1], random);
        QVERIFY(ratios[1] >= 0.95);
        QVERIFY(ratios.back() <= 1.0 + 1e-12);
        QVERIFY(random <= ratios[1]);
    }

    void deterministicForASeed()
    {
        const Study s = study(searchStudy("nsga2", 400, 5));
        MemorySink one, many, other;
        const SweepSummary a = runMemory(s, one, 1), b = runMemory(s, many, 0);
        QCOMPARE(one.rows.size(), many.rows.size());
        for (size_t i = 0; i < one.rows.size(); ++i) {
            QCOMPARE(one.rows[i].index, many.rows[i].index);
            QVERIFY(std::memcmp(one.rows[i].metrics.data(), many.rows[i].metrics.data(), sizeof(MetricRow)) == 0); // NaNs too
        }
        QCOMPARE(frontText(a.front), frontText(b.front));
        QCOMPARE(a.generations.back().hypervolume, b.generations.back().hypervolume);
        runMemory(study(searchStudy("nsga2", 400, 6)), other);
        bool differs = false;
        for (size_t i = 0; i < other.rows.size() && !differs; ++i) differs = other.rows[i].index != one.rows[i].index;
        QVERIFY(differs);
    }

    // Stopped after three generations, then resumed from its SQLite file: the same result as one run.
    void resumesToTheSameResult()
    {
        const Study s = study(searchStudy("nsga2", 600, 9));
        const std::string whole = dir_.filePath("whole.sqlite").toStdString(), cut = dir_.filePath("cut.sqlite").toStdString();
        SweepSummary full;
        {
            auto sink = openSink(whole, SinkMode::Create);
            full = runSweep(s, *sink, false, {});
        }
        std::atomic<bool> stop{false};
        SweepOptions o;
        o.cancel = &stop;
        o.generation = [&](const SearchGeneration& g) { stop = g.generation == 2; };
        {
            auto sink = openSink(cut, SinkMode::Create);
            const SweepSummary part = runSweep(s, *sink, false, o);
            QVERIFY(part.cancelled);
            QCOMPARE(part.evaluated, std::int64_t(120));
        }
        SweepSummary resumed;
        {
            auto sink = openSink(cut, SinkMode::Resume);
            resumed = runSweep(s, *sink, true, {});
        }
        QCOMPARE(resumed.skipped, std::int64_t(120));
        QCOMPARE(resumed.evaluated, std::int64_t(480));
        QCOMPARE(frontText(resumed.front), frontText(full.front));
        QCOMPARE(resumed.generations.back().hypervolume, full.generations.back().hypervolume);
        auto table = [](const std::string& path, const char* sql) {
            SqliteDatabase db(path, SqliteDatabase::Access::ReadOnly);
            SqliteStatement q(db, sql);
            QStringList rows;
            while (q.step()) rows << QString::number(q.columnInt(0)) + ":" + QString::number(q.columnDouble(1), 'g', 17);
            return rows;
        };
        QCOMPARE(table(cut, "SELECT idx, generation FROM points ORDER BY idx"),
                 table(whole, "SELECT idx, generation FROM points ORDER BY idx"));
        QCOMPARE(table(cut, "SELECT generation, hypervolume FROM generations ORDER BY generation"),
                 table(whole, "SELECT generation, hypervolume FROM generations ORDER BY generation"));
        QCOMPARE(table(cut, "SELECT idx, 0 FROM pareto ORDER BY idx").size(), int(full.front.size()));
        // A CSV output cannot resume a search.
        auto csv = openSink(dir_.filePath("r.csv").toStdString(), SinkMode::Create);
        QVERIFY_THROWS_EXCEPTION(InputError, runSweep(s, *csv, true, {}));
    }

    void generationsInTheOutputs()
    {
        const QString csv = dir_.filePath("gen.csv");
        const auto r = test::runLlmdse({"sweep", "--quiet", "--study", test::writeFile(dir_, "s.json", searchStudy("nsga2", 200, 2)),
                                        "--out", csv});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList head = QString(f.readLine()).trimmed().split(',');
        QVERIFY(head.contains("generation") && head.contains("proxy_loss"));
        QFile g(csv + ".generations.csv");
        QVERIFY(g.open(QIODevice::ReadOnly));
        QCOMPARE(QString(g.readAll()).trimmed().split('\n').size(), 1 + 5); // 200 / 40 generations
        QVERIFY(r.err.contains("reference point"));
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
