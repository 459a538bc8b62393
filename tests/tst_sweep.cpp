// Sweeps end to end: the three output formats, shards + merge == one run,
// cancel + resume, reproducible random sampling, and never clobbering output;
// merge's coverage checks, full disks and read-only media.
#include "core/Errors.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/SweepRunner.h"
#include "estimators/uncertainty/Uncertainty.h"
#include "models/DesignJson.h"
#include "testsupport/ScopedTmpfs.h"
#include "testsupport/TestSupport.h"
#include "ui/Project.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>
#include <filesystem>
#include <map>
#include <set>

using namespace llmdse;

namespace {

// 2 hardware x 3 batch sizes x 2 weight formats = 12 points.
const QByteArray kGridStudy = R"({
  "base": {"model": "llama-2-7b", "hardware": "h100-sxm", "prompt": 128, "output": 16},
  "grid": {"hardware": ["h100-sxm", "a100-80gb"], "batch": [1, 4, 16], "weights": ["fp16", "int4"]},
  "objectives": ["tpot_s", "-tokens_per_j"]
})";

QByteArray randomStudy(int samples, int seed, const char* bandwidth = R"({"min": 100, "max": 10000, "log": true})")
{
    return QString(R"({"base": {"model": "llama-2-7b", "hardware": "h100-sxm", "prompt": 64, "output": 8},
      "random": {"samples": %1, "seed": %2, "ranges": {"batch": [1, 64], "hardware.memory_bandwidth": %3}}})")
        .arg(samples).arg(seed).arg(bandwidth).toUtf8();
}

Study study(const QByteArray& json) { return parseStudy(QJsonDocument::fromJson(json).object(), "study.json"); }

SweepSummary run(const Study& s, const QString& out, SweepOptions opts = {}, SinkMode mode = SinkMode::Create)
{
    auto sink = openSink(out.toStdString(), mode);
    return runSweep(s, *sink, mode == SinkMode::Resume, opts);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList lines(const QString& path) { return QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts); }

// Rows of a query as "a|b|c" strings (NULL as empty), for comparing two databases.
QStringList tableText(const QString& path, const std::string& sql)
{
    SqliteDatabase db(path.toStdString(), SqliteDatabase::Access::ReadOnly);
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &q, nullptr) != SQLITE_OK) return {"prepare failed: " + path};
    QStringList rows;
    while (sqlite3_step(q) == SQLITE_ROW) {
        QStringList cells;
        for (int c = 0; c < sqlite3_column_count(q); ++c) {
            const auto* t = sqlite3_column_text(q, c);
            cells << (t ? QString::fromUtf8(reinterpret_cast<const char*>(t)) : QString());
        }
        rows << cells.join('|');
    }
    sqlite3_finalize(q);
    return rows;
}

// Every SQLite connection opened while set gets this page limit: a disk that fills up, in-process.
int gMaxPages = 0;
int limitPages(sqlite3* db, char**, const sqlite3_api_routines*)
{
    const std::string sql = "PRAGMA max_page_count=" + std::to_string(gMaxPages);
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    return SQLITE_OK;
}

// Keeps every row's metrics by point index, for checking what the runner decided.
struct CollectingSink : ResultSink {
    std::map<std::int64_t, MetricRow> metrics;
    void begin(const SweepSchema&) override {}
    void write(const std::vector<SweepRow>& rows) override
    {
        for (const SweepRow& r : rows) metrics[r.index] = r.metrics;
    }
    void finish() override {}
};

void deletePoints(const QString& db, const char* where)
{
    SqliteDatabase d(db.toStdString());
    d.exec(std::string("DELETE FROM points WHERE ") + where);
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path(const QString& name) { return dir_.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void csvOutput()
    {
        const Study s = study(kGridStudy);
        QCOMPARE(s.totalPoints(), std::int64_t(12));
        const SweepSummary sum = run(s, path("grid.csv"));
        QCOMPARE(sum.evaluated, std::int64_t(12));
        QCOMPARE(sum.invalid, std::int64_t(0));
        const QStringList rows = lines(path("grid.csv"));
        QCOMPARE(rows.size(), 13);
        const QStringList head = rows[0].split(',');
        QCOMPARE(head.first(), QString("index"));
        QCOMPARE(head.last(), QString("error"));
        for (const char* col : {"hardware", "batch", "weights", "ttft_s", "tpot_s", "tokens_per_j", "fits", "memory_bytes"})
            QVERIFY2(head.contains(col), col);
        std::set<QString> combos;
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList cells = rows[i].split(',');
            QCOMPARE(cells.size(), head.size());
            QCOMPARE(cells[0].toInt(), i - 1); // rows in index order
            auto cell = [&](const char* c) { return cells[head.indexOf(c)]; };
            combos.insert(cell("hardware") + "/" + cell("batch") + "/" + cell("weights"));
            QVERIFY(cell("error").isEmpty());
            // The row is exactly what `evaluate` gives for the same design.
            const Design d = designFromJson({{"model", "llama-2-7b"}, {"hardware", cell("hardware")}, {"prompt", 128},
                                             {"output", 16}, {"batch", cell("batch").toInt()}, {"weights", cell("weights")}});
            const Metrics m = AnalyticalEstimator().evaluate(d);
            QCOMPARE(cell("tpot_s").toDouble(), m.tpotS);
            QCOMPARE(cell("ttft_s").toDouble(), m.ttftS);
            QCOMPARE(cell("fits"), QString("1"));
        }
        QCOMPARE(combos.size(), size_t(12)); // every grid combination exactly once
    }

    void jsonOutput()
    {
        run(study(kGridStudy), path("grid.json"));
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(readAll(path("grid.json")), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        QVERIFY(doc.isArray());
        const QJsonArray a = doc.array();
        QCOMPARE(a.size(), 12);
        for (int i = 0; i < a.size(); ++i) {
            const QJsonObject o = a[i].toObject();
            QCOMPARE(o.value("index").toInt(-1), i);
            QVERIFY(o.value("hardware").isString());
            QVERIFY(o.value("batch").isDouble());
            QVERIFY(o.value("weights").isString());
            QVERIFY(o.value("tpot_s").toDouble() > 0);
            QCOMPARE(o.value("fits").toBool(false), true);
        }
    }

    void sqliteOutput()
    {
        const Study s = study(kGridStudy);
        SweepOptions opts;
        opts.pareto = true;
        const SweepSummary sum = run(s, path("grid.sqlite"), opts);
        QVERIFY(!sum.front.empty());
        SqliteDatabase db(path("grid.sqlite").toStdString());
        SqliteStatement count(db, "SELECT COUNT(*), MIN(idx), MAX(idx) FROM points WHERE error IS NULL");
        QVERIFY(count.step());
        QCOMPARE(count.columnInt(0), std::int64_t(12));
        QCOMPARE(count.columnInt(1), std::int64_t(0));
        QCOMPARE(count.columnInt(2), std::int64_t(11));
        SqliteStatement fp(db, "SELECT value FROM meta WHERE key='fingerprint'");
        QVERIFY(fp.step());
        QCOMPARE(fp.columnText(0), s.fingerprint());
        SqliteStatement pareto(db, "SELECT COUNT(*) FROM pareto");
        QVERIFY(pareto.step());
        QCOMPARE(pareto.columnInt(0), std::int64_t(sum.front.size()));
    }

    // Three shards merged are the same study as one run: same rows, same front.
    void shardsMergeToFullRun()
    {
        const QString studyFile = test::writeFile(dir_, "shard-study.json", kGridStudy);
        auto sweep = [&](const QStringList& extra) {
            const auto r = test::runLlmdse(QStringList{"sweep", "--quiet", "--study", studyFile} + extra);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        };
        sweep({"--out", path("full.sqlite"), "--pareto"});
        sweep({"--out", path("full.csv")});
        QStringList dbShards, csvShards;
        for (int k = 1; k <= 3; ++k) {
            const QString shard = QString("%1/3").arg(k);
            dbShards << path(QString("s%1.sqlite").arg(k));
            csvShards << path(QString("s%1.csv").arg(k));
            sweep({"--shard", shard, "--pareto", "--out", dbShards.last()});
            sweep({"--shard", shard, "--out", csvShards.last()});
            QCOMPARE(lines(csvShards.last()).size(), 1 + 4); // 12 points / 3 shards
        }
        // Merge in a scrambled order: the result must not depend on it.
        auto merge = [&](const QString& out, QStringList inputs) {
            std::swap(inputs[0], inputs[2]);
            const auto r = test::runLlmdse(QStringList{"merge", "--out", out} + inputs);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        };
        merge(path("merged.sqlite"), dbShards);
        merge(path("merged.csv"), csvShards);

        QCOMPARE(readAll(path("merged.csv")), readAll(path("full.csv")));
        const std::string allColumns = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(path("merged.sqlite"), allColumns), tableText(path("full.sqlite"), allColumns));
        QCOMPARE(tableText(path("merged.sqlite"), allColumns).size(), 12);
        const std::string front = "SELECT idx FROM pareto ORDER BY idx";
        QVERIFY(!tableText(path("full.sqlite"), front).isEmpty());
        QCOMPARE(tableText(path("merged.sqlite"), front), tableText(path("full.sqlite"), front));
    }

    // Cancel after the first chunk, then resume: every point exactly once, finished chunks skipped.
    void cancelAndResume()
    {
        const Study s = study(randomStudy(1000, 3));
        const QString db = path("resume.sqlite");
        std::atomic<bool> cancel{false};
        SweepOptions opts;
        opts.chunk = 4;
        opts.cancel = &cancel;
        opts.progress = [&](std::int64_t, std::int64_t) { cancel = true; };
        const SweepSummary first = run(s, db, opts);
        QVERIFY(first.cancelled);
        QVERIFY(first.evaluated >= 4 && first.evaluated < 1000);
        QCOMPARE(first.evaluated % 4, std::int64_t(0)); // whole chunks only

        SweepOptions again;
        again.chunk = 4;
        const SweepSummary second = run(s, db, again, SinkMode::Resume);
        QVERIFY(!second.cancelled);
        QVERIFY(second.skipped > 0);
        QCOMPARE(second.skipped, first.evaluated);
        QCOMPARE(second.skipped + second.evaluated, std::int64_t(1000));

        const QStringList stats = tableText(db, "SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx), MAX(idx) FROM points");
        QCOMPARE(stats, QStringList{"1000|1000|0|999"});
        // Same content as an uninterrupted run.
        run(s, path("straight.sqlite"));
        const std::string all = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(db, all), tableText(path("straight.sqlite"), all));

        // Resuming with a different study is refused, naming the stored fingerprint.
        try {
            run(study(randomStudy(1000, 4)), db, again, SinkMode::Resume);
            QFAIL("resumed a different study");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("meta.fingerprint"));
        }
    }

    void randomSamplingIsReproducible()
    {
        const Study s = study(randomStudy(400, 11));
        run(s, path("r1.csv"));
        run(study(randomStudy(400, 11)), path("r2.csv"));
        run(study(randomStudy(400, 12)), path("r3.csv"));
        QCOMPARE(readAll(path("r1.csv")), readAll(path("r2.csv")));
        QVERIFY(readAll(path("r1.csv")) != readAll(path("r3.csv")));

        const QStringList rows = lines(path("r1.csv"));
        QCOMPARE(rows.size(), 401);
        const QStringList head = rows[0].split(',');
        const int batchCol = head.indexOf("batch"), bwCol = head.indexOf("hardware.memory_bandwidth");
        QVERIFY(batchCol > 0 && bwCol > 0);
        std::set<int> batches;
        int belowGeometricMean = 0;
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList c = rows[i].split(',');
            const double batch = c[batchCol].toDouble(), bw = c[bwCol].toDouble();
            QVERIFY2(batch >= 1 && batch <= 64 && batch == std::round(batch), qPrintable(c[batchCol]));
            QVERIFY2(bw >= 100 && bw <= 10000, qPrintable(c[bwCol]));
            batches.insert(int(batch));
            if (bw < 1000) ++belowGeometricMean;
        }
        QVERIFY(batches.size() > 40); // spread over the range, not stuck
        // Log-uniform on [100, 10000]: half the samples fall below 1000 (uniform would give 9%).
        QVERIFY2(belowGeometricMean > 140 && belowGeometricMean < 260, qPrintable(QString::number(belowGeometricMean)));
    }

    void randomPointTimesMatchTheirParameters()
    {
        // A sampled point's metrics are the design its parameters describe.
        run(study(randomStudy(5, 99, "[500, 5000]")), path("check.csv"));
        const QStringList rows = lines(path("check.csv"));
        const QStringList head = rows[0].split(',');
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList c = rows[i].split(',');
            Design d = designFromJson({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"prompt", 64}, {"output", 8},
                                       {"batch", c[head.indexOf("batch")].toInt()}});
            d.hardware.memory.front().bandwidthBytesPerS = c[head.indexOf("hardware.memory_bandwidth")].toDouble() * 1e9;
            QCOMPARE(c[head.indexOf("tpot_s")].toDouble(), AnalyticalEstimator().evaluate(d).tpotS);
        }
    }

    // Shards 1..4 of the 12-point grid (3 points each) as SQLite files.
    QStringList gridShards(const QString& prefix, int count)
    {
        const QString studyFile = test::writeFile(dir_, "cover-study.json", kGridStudy);
        QStringList files;
        for (int k = 1; k <= count; ++k) {
            files << path(QString("%1-%2-of-%3.sqlite").arg(prefix).arg(k).arg(count));
            const auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard",
                                            QString("%1/%2").arg(k).arg(count), "--out", files.last()});
            if (r.exitCode != 0) qWarning("%s", qPrintable(r.err));
        }
        return files;
    }

    // Missing, duplicated and partial shards are named and refused; --allow-partial merges and says so.
    void mergeChecksCoverage()
    {
        const QStringList s = gridShards("cov", 4);
        auto merge = [&](const QString& out, const QStringList& inputs, const QStringList& extra = {}) {
            return test::runLlmdse(QStringList{"merge", "--out", path(out)} + extra + inputs);
        };
        auto r = merge("cov-missing.sqlite", {s[0], s[1], s[3]});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing shard 3/4 (points 6..8)") && r.err.contains("--allow-partial"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("cov-missing.sqlite")));
        r = merge("cov-last.sqlite", {s[0], s[1], s[2]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("missing shard 4/4"), qPrintable(r.err));
        r = merge("cov-dup.sqlite", {s[0], s[1], s[2], s[3], s[1]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("duplicated: shard 2/4"), qPrintable(r.err));

        const QString partial = path("cov-partial-2-of-4.sqlite");
        QVERIFY(QFile::copy(s[1], partial));
        deletePoints(partial, "idx = 4");
        r = merge("cov-partial.sqlite", {s[0], partial, s[2], s[3]});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("partial shard 2/4") && r.err.contains("holds 2 of 3 points") &&
                     r.err.contains("Run shard 2 of 4 again"),
                 qPrintable(r.err));

        r = merge("cov-allowed.sqlite", {s[0], partial, s[3]}, {"--allow-partial"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("partial") && r.out.contains("(partial)"), qPrintable(r.err + r.out));
        QCOMPARE(tableText(path("cov-allowed.sqlite"), "SELECT COUNT(*) FROM points"), QStringList{"8"});
        const QStringList marked = tableText(path("cov-allowed.sqlite"), "SELECT value FROM meta WHERE key='partial'");
        QCOMPARE(marked.size(), 1);
        QVERIFY2(marked[0].contains("missing shard 3/4") && marked[0].contains("partial shard 2/4"), qPrintable(marked[0]));
        // The merged file is the whole study as one shard: --resume fills in what it lacks.
        const QString studyFile = path("cover-study.json");
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", path("cov-allowed.sqlite"), "--resume"});
        QVERIFY2(r.exitCode == 0 && r.err.contains("4 evaluated ("), qPrintable(r.err));
        r = merge("cov-whole.sqlite", s);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const std::string all = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(path("cov-allowed.sqlite"), all), tableText(path("cov-whole.sqlite"), all));
    }

    // Files of an earlier split of the same study are left out, with a note; --shard-count picks a split.
    void mergeIgnoresAnotherSplit()
    {
        const QStringList four = gridShards("split", 4), two = gridShards("split", 2);
        const auto old = std::filesystem::last_write_time(two[0].toStdString()) - std::chrono::hours(1);
        for (const auto& f : four) std::filesystem::last_write_time(f.toStdString(), old);
        auto r = test::runLlmdse(QStringList{"merge", "--out", path("split-newest.sqlite")} + four + two);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.err.count("of another split"), 4);
        QVERIFY2(r.err.contains("split-1-of-4.sqlite: shard 1/4") && r.out.contains("(2-shard split)"), qPrintable(r.err));
        r = test::runLlmdse(QStringList{"merge", "--shard-count", "4", "--out", path("split-four.sqlite")} + two + four);
        QVERIFY2(r.exitCode == 0 && r.err.count("of another split") == 2, qPrintable(r.err));
        const std::string all = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(path("split-newest.sqlite"), all), tableText(path("split-four.sqlite"), all));
        QCOMPARE(tableText(path("split-four.sqlite"), all).size(), 12);
        r = test::runLlmdse(QStringList{"merge", "--shard-count", "3", "--out", path("split-three.sqlite")} + two);
        QVERIFY2(r.exitCode == 1 && r.err.contains("3-shard split"), qPrintable(r.err));
    }

    // merge never writes over an input, even with --overwrite, by name or through a link.
    void mergeNeverOverwritesAnInput()
    {
        const QStringList s = gridShards("keep", 2);
        const QByteArray before = readAll(s[0]);
        auto r = test::runLlmdse({"merge", "--out", s[0], "--overwrite", s[0], s[1]});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("one of the inputs"), qPrintable(r.err));
        const QString link = path("keep-link.sqlite");
        QVERIFY(QFile::link(s[1], link));
        r = test::runLlmdse({"merge", "--out", link, "--overwrite", s[0], s[1]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("one of the inputs"), qPrintable(r.err));
        QCOMPARE(readAll(s[0]), before);
        QCOMPARE(tableText(s[1], "SELECT COUNT(*) FROM points"), QStringList{"6"});
        QVERIFY(!QFile::exists(s[0] + "-wal")); // inputs are only read: no journal files appear beside them
    }

    // CSV/JSON shards: gaps and cut-off files are found from the rows; --study checks the end.
    void mergeTextCoverage()
    {
        const QString studyFile = test::writeFile(dir_, "text-study.json", kGridStudy);
        QStringList csv;
        for (int k = 1; k <= 3; ++k) {
            csv << path(QString("text-%1.csv").arg(k));
            const auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard", QString("%1/3").arg(k),
                                            "--out", csv.last()});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        auto r = test::runLlmdse({"merge", "--out", path("text-gap.csv"), csv[0], csv[2]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("missing points 4..7"), qPrintable(r.err));
        r = test::runLlmdse({"merge", "--out", path("text-end.csv"), csv[0], csv[1]});
        QVERIFY2(r.exitCode == 0 && r.err.contains("--study"), qPrintable(r.err));
        r = test::runLlmdse({"merge", "--out", path("text-end2.csv"), "--study", studyFile, csv[0], csv[1]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("missing points 8..11"), qPrintable(r.err));
        // A shard cut off mid-row (a killed run): named as partial, and its broken line is never copied.
        const QString cut = path("text-cut.csv");
        QByteArray bytes = readAll(csv[1]);
        bytes.chop(20);
        test::writeFile(dir_, "text-cut.csv", bytes);
        r = test::runLlmdse({"merge", "--out", path("text-cut-merged.csv"), csv[0], cut, csv[2]});
        QVERIFY2(r.exitCode == 1 && r.err.contains("text-cut.csv: cut off mid-write after point 6") &&
                     r.err.contains("missing point 7"),
                 qPrintable(r.err));
        r = test::runLlmdse({"merge", "--allow-partial", "--out", path("text-cut-merged.csv"), csv[0], cut, csv[2]});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList rows = lines(path("text-cut-merged.csv"));
        QCOMPARE(rows.size(), 1 + 11);
        for (const auto& row : rows) QCOMPARE(row.count(','), rows[0].count(','));
    }

    // sweep --uncertainty: every headline metric gets NAME_lo / NAME_hi in each format, the same interval
    // evaluate gives for that design (including the widening for a preset's unsourced figures).
    void intervalColumns()
    {
        const QByteArray json = R"({"base": {"model": "llama-2-7b", "hardware": "h100-sxm", "prompt": 128, "output": 16},
          "grid": {"hardware": ["h100-sxm", "rtx-3090"], "batch": [1, 4], "runtime": ["torch-cudagraph", "vllm"]}})";
        const Study s = study(json);
        SweepOptions opts;
        opts.intervals = true;
        for (const char* ext : {"csv", "json", "sqlite"}) run(s, path(QString("iv.") + ext), opts);

        auto expected = [](const QString& hardware, int batch, const QString& runtime) {
            const Design d = designFromJson({{"model", "llama-2-7b"}, {"hardware", hardware}, {"prompt", 128},
                                             {"output", 16}, {"batch", batch}, {"runtime", runtime}});
            AnalyticalEstimator est;
            return estimateUncertainty(est, d, est.evaluate(d));
        };
        const QStringList rows = lines(path("iv.csv"));
        QCOMPARE(rows.size(), 1 + 8);
        const QStringList head = rows[0].split(',');
        QCOMPARE(head.last(), QString("error"));
        bool widened = false, differsByRuntime = false;
        std::map<QString, double> tpotHalfWidth;
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList cells = rows[i].split(',');
            QCOMPARE(cells.size(), head.size());
            auto cell = [&](const std::string& c) { return cells[head.indexOf(QString::fromStdString(c))]; };
            const Uncertainty u = expected(cell("hardware"), cell("batch").toInt(), cell("runtime"));
            for (int m = 0; m < kIntervalCount; ++m) {
                const auto id = static_cast<MetricId>(m);
                const MetricInterval* iv = u.find(metricName(id));
                QVERIFY(iv);
                const double v = cell(metricName(id)).toDouble(), lo = cell(intervalColumn(id, false)).toDouble(),
                             hi = cell(intervalColumn(id, true)).toDouble();
                QVERIFY2(lo > 0 && lo <= v && v <= hi, metricName(id));
                QCOMPARE(lo, iv->lo);
                QCOMPARE(hi, iv->hi);
            }
            widened |= u.basis.find("widened") != std::string::npos;
            const double tpot = cell("tpot_s").toDouble();
            const QString key = cell("hardware") + "/" + cell("batch");
            const double half = (cell("tpot_s_hi").toDouble() - cell("tpot_s_lo").toDouble()) / (2 * tpot);
            if (tpotHalfWidth.count(key) && std::abs(tpotHalfWidth[key] - half) > 1e-3) differsByRuntime = true;
            tpotHalfWidth[key] = half;
        }
        QVERIFY(widened);          // rtx-3090 has figures with no primary source
        QVERIFY(differsByRuntime); // calibrated torch-cudagraph on H100 is narrower than structural vllm

        // JSON: the same keys; SQLite: the same columns, and the level in meta.
        const QJsonArray a = QJsonDocument::fromJson(readAll(path("iv.json"))).array();
        QCOMPARE(a.size(), 8);
        for (const auto& p : a) {
            const QJsonObject o = p.toObject();
            for (int m = 0; m < kIntervalCount; ++m) {
                const auto id = static_cast<MetricId>(m);
                QVERIFY(o.value(QString::fromStdString(intervalColumn(id, false))).toDouble() <= o.value(metricName(id)).toDouble());
                QVERIFY(o.value(QString::fromStdString(intervalColumn(id, true))).toDouble() >= o.value(metricName(id)).toDouble());
            }
        }
        const QStringList dbRows = tableText(path("iv.sqlite"), "SELECT tpot_s_lo, tpot_s, tpot_s_hi FROM points ORDER BY idx");
        QCOMPARE(dbRows.size(), 8);
        for (int i = 0; i < dbRows.size(); ++i) {
            const QStringList c = dbRows[i].split('|');
            QVERIFY(c[0].toDouble() <= c[1].toDouble() && c[1].toDouble() <= c[2].toDouble());
        }
        QCOMPARE(tableText(path("iv.sqlite"), "SELECT value FROM meta WHERE key='intervals'"), QStringList{"0.9"});

        // Without the option, no such columns.
        run(s, path("no-iv.csv"));
        QVERIFY(!lines(path("no-iv.csv"))[0].contains("_lo"));
    }

    // A file written with interval columns is resumed and merged only with them, and the reverse.
    void intervalColumnsMustMatch()
    {
        const QString studyFile = test::writeFile(dir_, "iv-study.json", kGridStudy);
        auto sweep = [&](const QStringList& extra) {
            return test::runLlmdse(QStringList{"sweep", "--quiet", "--study", studyFile} + extra);
        };
        auto r = sweep({"--uncertainty", "--shard", "1/2", "--out", path("iv1.sqlite")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = sweep({"--shard", "2/2", "--out", path("iv2.sqlite")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = test::runLlmdse({"merge", "--out", path("iv-merged.sqlite"), path("iv1.sqlite"), path("iv2.sqlite")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("meta.intervals") && r.err.contains("--uncertainty"), qPrintable(r.err));
        r = sweep({"--shard", "2/2", "--out", path("iv2.sqlite"), "--resume", "--uncertainty"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("meta.intervals") && r.err.contains("without"), qPrintable(r.err));
        r = sweep({"--shard", "2/2", "--out", path("iv2.sqlite"), "--overwrite", "--uncertainty"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = test::runLlmdse({"merge", "--out", path("iv-merged.sqlite"), path("iv1.sqlite"), path("iv2.sqlite")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(tableText(path("iv-merged.sqlite"), "SELECT COUNT(*) FROM points WHERE tpot_s_lo < tpot_s"),
                 QStringList{"12"});
        // The dry run counts the extra columns.
        const auto plain = sweep({"--dry-run", "--out", path("x.csv")}), with = sweep({"--dry-run", "--uncertainty", "--out", path("x.csv")});
        QVERIFY2(plain.exitCode == 0 && with.exitCode == 0 && plain.out != with.out, qPrintable(with.out));
    }

    void resumeRefusesAnotherSplit()
    {
        const QString studyFile = test::writeFile(dir_, "resplit-study.json", kGridStudy);
        const QString out = path("resplit.sqlite");
        auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard", "1/2", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard", "1/3", "--out", out, "--resume"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("meta.shard") && r.err.contains("shard 1/2") && r.err.contains("shard 1/3"), qPrintable(r.err));
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", out, "--resume"});
        QVERIFY2(r.exitCode == 1 && r.err.contains("meta.shard"), qPrintable(r.err));
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard", "1/2", "--out", out, "--resume"});
        QVERIFY2(r.exitCode == 0 && r.err.contains("0 evaluated (6 skipped"), qPrintable(r.err));
    }

    // FILE.pareto.csv / .json: the output's format, refused when it exists, replaced with --overwrite.
    // Constraints keep the points that miss them off the front (they are still written); a bad one is
    // refused naming its place in the study.
    void constraintsKeepPointsOffTheFront()
    {
        QJsonObject o = QJsonDocument::fromJson(kGridStudy).object();
        o["constraints"] = QJsonArray{"tpot_s <= 0.006", "memory_bytes < 1e10"};
        const Study s = parseStudy(o, "study.json");
        QCOMPARE(s.constraints.size(), size_t(2));
        QCOMPARE(QString::fromStdString(s.constraints[0].text()), QString("tpot_s <= 0.006"));
        SweepOptions opts;
        opts.pareto = true;
        CollectingSink rows;
        const SweepSummary bound = runSweep(s, rows, false, opts);
        QCOMPARE(bound.evaluated, 12);
        QVERIFY(!bound.front.empty());
        for (const auto& p : bound.front) {
            const MetricRow& m = rows.metrics.at(p.index);
            QVERIFY(m[size_t(MetricId::TpotS)] <= 0.006 && m[size_t(MetricId::MemoryBytes)] < 1e10);
        }
        int admitted = 0;
        for (const auto& [index, m] : rows.metrics) admitted += s.admits(m) && m[size_t(MetricId::Fits)] != 0;
        QVERIFY(admitted < 12); // the bound bites
        for (const char* bad : {"tpot_s = 0.05", "speed < 3", "tpot_s < fast"}) {
            o["constraints"] = QJsonArray{bad};
            try {
                parseStudy(o, "study.json");
                QFAIL(bad);
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains("constraints[0]"), e.what());
            }
        }
    }

    void paretoSideFile()
    {
        const QString studyFile = test::writeFile(dir_, "side-study.json", kGridStudy);
        for (const QString ext : {"csv", "json"}) {
            const QString out = path("side." + ext), side = path("side.pareto." + ext);
            auto r = test::runLlmdse({"sweep", "--quiet", "--pareto", "--study", studyFile, "--out", out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const int frontSize = r.out.section("Pareto front: ", 1).section(' ', 0, 0).toInt();
            QVERIFY(frontSize > 0);
            if (ext == "csv") {
                const QStringList rows = lines(side);
                QCOMPARE(rows[0], QString("index,tpot_s,tokens_per_j"));
                QCOMPARE(rows.size(), 1 + frontSize);
            } else {
                QJsonParseError err;
                const QJsonArray a = QJsonDocument::fromJson(readAll(side), &err).array();
                QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
                QCOMPARE(a.size(), frontSize);
                QVERIFY(a[0].toObject().value("tokens_per_j").toDouble() > 0);
                QVERIFY(a[0].toObject().contains("index"));
            }
            QFile::remove(out);
            r = test::runLlmdse({"sweep", "--quiet", "--pareto", "--study", studyFile, "--out", out});
            QVERIFY2(r.exitCode == 1 && r.err.contains("--pareto") && r.err.contains("--overwrite"), qPrintable(r.err));
            QVERIFY(!QFile::exists(out)); // refused before anything was written
            test::writeFile(dir_, "side.pareto." + ext, "old");
            r = test::runLlmdse({"sweep", "--quiet", "--pareto", "--overwrite", "--study", studyFile, "--out", out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QVERIFY(readAll(side) != "old");
        }
    }

    void outNeverWritesThroughADanglingLink()
    {
        const QString studyFile = test::writeFile(dir_, "link-study.json", kGridStudy);
        for (const QString ext : {"sqlite", "csv"}) {
            const QString target = path("nowhere/far." + ext), link = path("dangling." + ext);
            QVERIFY(QFile::link(target, link));
            for (const QStringList& extra : {QStringList{}, QStringList{"--overwrite"}}) {
                const auto r = test::runLlmdse(QStringList{"sweep", "--quiet", "--study", studyFile, "--out", link} + extra);
                QCOMPARE(r.exitCode, 1);
                QVERIFY2(r.err.contains("symbolic link") && r.err.contains("far." + ext), qPrintable(r.err));
            }
            QVERIFY(!QFile::exists(target));
        }
    }

    void largeRunsNeedForce()
    {
        QJsonArray thousand, hundred;
        for (int i = 1; i <= 1000; ++i) thousand.append(i);
        for (int i = 1; i <= 100; ++i) hundred.append(100 * i);
        const QJsonObject huge{{"base", QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}}},
                               {"grid", QJsonObject{{"batch", thousand}, {"prompt", thousand}, {"output", thousand},
                                                    {"hardware.memory_bandwidth", hundred}}}};
        const QString studyFile = test::writeFile(dir_, "huge-study.json", QJsonDocument(huge).toJson());
        auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", path("huge.sqlite")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("100000000000 points") && r.err.contains("--force") && r.err.contains("TB"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("huge.sqlite")));
        r = test::runLlmdse({"sweep", "--dry-run", "--study", studyFile, "--shard", "7/100", "--out", path("huge.csv")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("shard 7/100: 1000000000 points") && r.out.contains("GB"), qPrintable(r.out));
        QVERIFY(!QFile::exists(path("huge.csv")));
    }

    // A full disk mid-run (SQLite's page limit on every connection): exit with "disk full",
    // keep what was committed, and --resume completes it to the same rows as one clean run.
    void diskFullKeepsWhatWasWritten()
    {
        const Study s = study(randomStudy(20000, 5));
        const QString db = path("diskfull.sqlite");
        SweepOptions opts;
        opts.chunk = 1000;
        gMaxPages = 120;
        sqlite3_auto_extension(reinterpret_cast<void (*)()>(&limitPages));
        try {
            run(s, db, opts);
            sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(&limitPages));
            QFAIL("the sweep did not hit the page limit");
        } catch (const DiskFullError& e) {
            sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(&limitPages));
            QVERIFY2(QString(e.what()).contains("disk full (SQLITE_FULL)") && QString(e.what()).contains("--resume"), e.what());
        }
        const int kept = tableText(db, "SELECT COUNT(*) FROM points").value(0).toInt();
        QVERIFY2(kept > 0 && kept < 20000 && kept % 1000 == 0, qPrintable(QString::number(kept)));
        const SweepSummary resumed = run(s, db, opts, SinkMode::Resume);
        QCOMPARE(resumed.skipped, std::int64_t(kept));
        run(s, path("diskfull-straight.sqlite"), opts);
        const std::string all = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(db, all), tableText(path("diskfull-straight.sqlite"), all));
    }

    // The same on a real full file system, through the command line.
    void diskFullOnATmpfs()
    {
        test::ScopedTmpfs fs("1m");
        if (!fs.mounted()) QSKIP(qPrintable("no small file system to fill: " + fs.error()));
        const QString studyFile = test::writeFile(dir_, "fill-study.json", randomStudy(40000, 2));
        for (const QString ext : {"sqlite", "csv", "json"}) {
            const auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", fs.path("r." + ext)});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("disk full"), qPrintable(r.err));
            QFile::remove(fs.path("r.csv"));
            QFile::remove(fs.path("r.json"));
        }
        QVERIFY2(fs.remount("size=64m"), qPrintable(fs.error()));
        auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", fs.path("r.sqlite"), "--resume"});
        QVERIFY2(r.exitCode == 0 && !r.err.contains(" 0 skipped"), qPrintable(r.err));
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", path("fill-straight.sqlite")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const std::string all = "SELECT * FROM points ORDER BY idx";
        QCOMPARE(tableText(fs.path("r.sqlite"), all), tableText(path("fill-straight.sqlite"), all));
    }

    // Read-only media: results, shards and projects can be read; writing is exit 1 with a message.
    void readOnlyMedia()
    {
        test::ReadOnlyFolder folder;
        if (!folder.usable()) QSKIP(qPrintable(folder.error()));
        auto at = [&](const QString& name) { return folder.path(name); };
        const QString studyFile = test::writeFile(dir_, "ro-study.json", kGridStudy);
        for (int k = 1; k <= 2; ++k) {
            const auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--shard", QString("%1/2").arg(k),
                                            "--out", at(QString("s%1.sqlite").arg(k))});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        saveProject(at("p.llmdse"), Project{QJsonObject{{"model", "llama-2-7b"}}, {}, "{}", nullptr, {}});
        QVERIFY2(folder.makeReadOnly(), qPrintable(folder.error()));

        auto r = test::runLlmdse({"merge", "--out", path("ro-merged.sqlite"), at("s1.sqlite"), at("s2.sqlite")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("12 points"), qPrintable(r.err));
        QCOMPARE(loadProject(at("p.llmdse")).design.value("model").toString(), QString("llama-2-7b"));
        for (const QStringList& extra : {QStringList{"--overwrite"}, QStringList{"--resume"}}) {
            r = test::runLlmdse(QStringList{"sweep", "--quiet", "--study", studyFile, "--shard", "1/2", "--out",
                                            at("s1.sqlite")} + extra);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.startsWith("llmdse: error: ") && r.err.contains("s1.sqlite") &&
                         (r.err.contains("read-only", Qt::CaseInsensitive) || r.err.contains("Permission denied")),
                     qPrintable(r.err));
        }
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", at("new.csv")});
        QVERIFY2(r.exitCode == 1 && r.err.contains("new.csv: cannot write"), qPrintable(r.err));
    }

    void existingOutputIsNotClobbered_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("csv") << "existing.csv";
        QTest::newRow("json") << "existing.json";
        QTest::newRow("sqlite") << "existing.sqlite";
    }

    void existingOutputIsNotClobbered()
    {
        QFETCH(QString, name);
        const QString studyFile = test::writeFile(dir_, "clobber-study.json", kGridStudy);
        const QString out = test::writeFile(dir_, name, "precious bytes\n");
        auto r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(name) && r.err.contains("--overwrite"), qPrintable(r.err));
        QCOMPARE(readAll(out), QByteArray("precious bytes\n"));
        if (!name.endsWith(".sqlite")) {
            r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", out, "--resume"});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("--resume"), qPrintable(r.err));
            QCOMPARE(readAll(out), QByteArray("precious bytes\n"));
        }
        r = test::runLlmdse({"sweep", "--quiet", "--study", studyFile, "--out", out, "--overwrite"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readAll(out) != QByteArray("precious bytes\n"));
        // merge refuses to clobber too.
        r = test::runLlmdse({"merge", "--out", out, out});
        QCOMPARE(r.exitCode, 1);
    }

};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
