// Sweeps end to end: the three output formats, shards + merge == one run,
// cancel + resume, reproducible random sampling, and never clobbering output.
#include "core/Errors.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/SweepRunner.h"
#include "models/DesignJson.h"
#include "testsupport/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>
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
    SqliteDatabase db(path.toStdString());
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
