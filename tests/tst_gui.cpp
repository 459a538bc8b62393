// The workbench on real widgets (offscreen): an edit updates the results
// through the event loop, a bad design shows an error instead of crashing, and the
// screenshot mode renders a full window with data in it.
#include "testsupport/TestSupport.h"
#include "core/Literature.h"
#include "ui/CheckView.h"
#include "core/Errors.h"
#include "estimators/storage/SqliteDatabase.h"
#include "ui/CompareModel.h"
#include "ui/DesignFieldModel.h"
#include "ui/Project.h"
#include "ui/LiteratureView.h"
#include "ui/ServingView.h"
#include "ui/SweepView.h"
#include "ui/MainWindow.h"
#include "ui/ResultsView.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QSettings>
#include <QLabel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QJsonArray>
#include <QRegularExpression>
#include <QtTest>

using namespace llmdse;

class TestGui : public QObject {
    Q_OBJECT

    QTemporaryDir settingsDir_;

    static void waitIdle(MainWindow&, QSignalSpy& shown)
    {
        QVERIFY(shown.wait(10000));
        while (shown.wait(300)) {} // a later estimate may still be on its way
    }

    // Runs the Sweep view's proposed study (105 points) to completion.
    static void runProposedSweep(MainWindow& w)
    {
        w.show(); // the view proposes its study when first shown
        QVERIFY(w.showView("sweep"));
        QSignalSpy finished(w.sweep(), &SweepView::finished);
        w.sweep()->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(1).toLongLong(), 105LL);
    }

    static bool renders(const QString& pdf, const QString& dir)
    {
        QProcess render;
        render.start("pdftoppm", {"-r", "30", "-png", "-f", "1", "-l", "1", pdf, dir + "/page"});
        if (!render.waitForFinished(60000) || render.exitCode() != 0) return false;
        const QImage page(dir + "/page-1.png");
        QSet<QRgb> colours;
        for (int y = 0; y < page.height(); y += 3)
            for (int x = 0; x < page.width(); x += 3) colours.insert(page.pixel(x, y));
        return !page.isNull() && colours.size() > 5;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Recent files and window layout go to a scratch settings file, never the user's.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName("llmdse-tests");
    }

    // Undo and redo walk back through edits; repeated changes of one field are one step.
    void undoRedoRestoresEdits()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        const double tpot1 = w.lastMetrics().tpotS;
        QUndoStack* undo = w.undoStack();
        QCOMPARE(undo->count(), 0);
        auto* batch = w.findChild<QSpinBox*>("batch");
        batch->setValue(2);
        batch->setValue(32);
        QCOMPARE(undo->count(), 1); // merged: batch 1 -> 32
        w.findChild<QComboBox*>("weights")->setCurrentText("int4:g128");
        QCOMPARE(undo->count(), 2);
        w.loadDesign({{"model", "qwen2.5-7b"}});
        QCOMPARE(undo->count(), 3);
        QVERIFY(undo->undoText().contains("model"));
        undo->undo();
        QCOMPARE(w.currentDesign()["model"].toString(), QString("llama-3-8b"));
        undo->undo();
        QCOMPARE(w.currentDesign()["weights"].toString(), QString("fp16"));
        QCOMPARE(batch->value(), 32);
        undo->undo();
        QCOMPARE(batch->value(), 1);
        waitIdle(w, shown);
        QCOMPARE(w.lastMetrics().tpotS, tpot1); // the estimate follows the undone design
        undo->redo();
        undo->redo();
        QCOMPARE(batch->value(), 32);
        QCOMPARE(w.currentDesign()["weights"].toString(), QString("int4:g128"));
        QCOMPARE(undo->count(), 3); // undo/redo do not record themselves
    }

    // The Properties dock edits any model/hardware parameter; the estimate follows, and a new preset drops the edits.
    void propertiesEditTheDesign()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        const double tpot32 = w.lastMetrics().tpotS;
        DesignFieldModel* p = w.properties();
        const int layers = p->rowOf("model.layers");
        QVERIFY(layers >= 0);
        QCOMPARE(p->data(p->index(layers, DesignFieldModel::Value)).toString(), QString("32"));
        QVERIFY(p->rowOf("hardware.memory_bandwidth") >= 0);
        QCOMPARE(p->rowOf("hardware.array_rows"), -1); // a GPU preset has no template fields
        QSignalSpy rejected(p, &DesignFieldModel::rejected);
        QVERIFY(!p->setData(p->index(layers, DesignFieldModel::Value), "many"));
        QVERIFY(!p->setData(p->index(layers, DesignFieldModel::Value), "-3"));
        QCOMPARE(rejected.count(), 2);
        QVERIFY(p->setData(p->index(layers, DesignFieldModel::Value), "64"));
        waitIdle(w, shown);
        QCOMPARE(w.currentDesign()["model.layers"].toInt(), 64);
        QVERIFY(p->data(p->index(p->rowOf("model.layers"), DesignFieldModel::Key), Qt::FontRole).value<QFont>().bold());
        const double ratio = w.lastMetrics().tpotS / tpot32;
        QVERIFY2(ratio > 1.8 && ratio < 2.05, qPrintable(QString::number(ratio))); // weights stream per layer
        w.loadDesign({{"hardware", "template-systolic"}});
        waitIdle(w, shown);
        QVERIFY(p->rowOf("hardware.array_rows") >= 0); // the template editor
        QVERIFY(w.currentDesign().contains("model.layers")); // a hardware change keeps model edits
        w.loadDesign({{"model", "qwen2.5-7b"}});
        QVERIFY(!w.currentDesign().contains("model.layers")); // ... a model change drops them
        w.undoStack()->undo();
        QCOMPARE(w.currentDesign()["model.layers"].toInt(), 64);
    }

    // Save and open: the design with its edits, the pinned comparison, the study and every sweep row come back.
    void projectSaveAndOpenRoundTrip()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("study.llmdse");
        QJsonObject design;
        std::vector<double> pinnedTpot;
        std::vector<float> sweepTpot;
        std::vector<std::int64_t> front;
        {
            MainWindow w;
            QSignalSpy shown(&w, &MainWindow::resultsShown);
            waitIdle(w, shown);
            w.pinCurrent();
            w.loadDesign({{"batch", 8}, {"weights", "int8:g128"}});
            w.editProperty("hardware.memory_bandwidth", 5000);
            waitIdle(w, shown);
            w.pinCurrent();
            runProposedSweep(w);
            QVERIFY(w.sweep()->results());
            QVERIFY(w.isWindowModified());
            w.saveProjectAs(file);
            QVERIFY(!w.isWindowModified());
            design = w.currentDesign();
            for (int c = 0; c < 2; ++c) pinnedTpot.push_back(w.comparison()->value(1, c));
            sweepTpot = w.sweep()->results()->metricColumn(MetricId::TpotS);
            front = w.sweep()->front();
            QVERIFY(!front.empty());
            QCOMPARE(QSettings().value("recentProjects").toStringList().value(0), QFileInfo(file).absoluteFilePath());
        }
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        w.openProject(file);
        QCOMPARE(w.currentDesign(), design);
        QCOMPARE(w.currentDesign()["hardware.memory_bandwidth"].toDouble(), 5000.0);
        QCOMPARE(w.comparison()->columnCount(), 2);
        for (int c = 0; c < 2; ++c) QCOMPARE(w.comparison()->value(1, c), pinnedTpot[size_t(c)]);
        QVERIFY(w.sweep()->results());
        QCOMPARE(w.sweep()->results()->size(), size_t(105));
        QVERIFY(w.sweep()->results()->metricColumn(MetricId::TpotS) == sweepTpot);
        QCOMPARE(w.sweep()->front(), front);
        QVERIFY(w.sweep()->studyText().contains("h200-sxm"));
        QCOMPARE(w.projectPath(), file);
        QVERIFY(!w.isWindowModified());
        QCOMPARE(w.undoStack()->count(), 0);
    }

    // A damaged or foreign file is refused with its name and nothing on screen changes; a foreign
    // SQLite file is never overwritten by a save.
    void badProjectFilesAreRefused()
    {
        QTemporaryDir dir;
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        w.loadDesign({{"batch", 4}});
        const QJsonObject before = w.currentDesign();
        const QString junk = dir.filePath("junk.llmdse");
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a database, only text that is long enough to look like a header ......");
        f.close();
        auto expectError = [&](const QString& path, const char* needle) {
            try {
                w.openProject(path);
                QFAIL("no error");
            } catch (const InputError& e) {
                QVERIFY2(QString::fromStdString(e.what()).contains(needle), e.what());
                QVERIFY2(QString::fromStdString(e.what()).contains(QFileInfo(path).fileName()), e.what());
            }
        };
        expectError(junk, "");
        expectError(dir.filePath("missing.llmdse"), "no such project");
        const QString foreign = dir.filePath("other.sqlite");
        {
            SqliteDatabase db(foreign.toStdString());
            db.exec("CREATE TABLE results(x)");
        }
        expectError(foreign, "not an llmdse project");
        // Saving never overwrites a database that is not a project: under its own name the
        // extension is added, and one that has the extension is refused.
        w.saveProjectAs(foreign);
        QVERIFY(SqliteDatabase(foreign.toStdString()).tableExists("results"));
        QVERIFY(QFile::exists(foreign + ".llmdse"));
        const QString foreignProject = dir.filePath("foreign.llmdse");
        QVERIFY(QFile::copy(foreign, foreignProject));
        QVERIFY_THROWS_EXCEPTION(InputError, w.saveProjectAs(foreignProject));
        QVERIFY(SqliteDatabase(foreignProject.toStdString()).tableExists("results"));
        // A project with a damaged sweep column.
        const QString damaged = dir.filePath("damaged.llmdse");
        runProposedSweep(w);
        w.saveProjectAs(damaged);
        {
            SqliteDatabase db(damaged.toStdString());
            db.exec("UPDATE sweep_column SET data = x'0102' WHERE name = 'tpot_s'");
        }
        QVERIFY(!w.isWindowModified());
        w.loadDesign({{"batch", 2}});
        const QJsonObject edited = w.currentDesign();
        expectError(damaged, "sweep_column.tpot_s");
        QCOMPARE(w.currentDesign(), edited);
        QCOMPARE(before["batch"].toInt(), 4);
    }

    // File > Export: design, comparison and sweep as PDF (first page renders) and HTML, data as CSV/JSON.
    void exportsFromTheWindow()
    {
        QTemporaryDir dir;
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        QVERIFY_THROWS_EXCEPTION(InputError, w.exportComparison(dir.filePath("c.pdf"))); // nothing pinned
        QVERIFY_THROWS_EXCEPTION(InputError, w.exportSweep(dir.filePath("s.pdf")));      // nothing swept
        w.pinCurrent();
        w.loadDesign({{"hardware", "mi300x"}});
        waitIdle(w, shown);
        w.pinCurrent();
        runProposedSweep(w);
        w.exportDesign(dir.filePath("d.pdf"));
        QVERIFY(renders(dir.filePath("d.pdf"), dir.path()));
        w.exportComparison(dir.filePath("c.pdf"));
        QVERIFY(renders(dir.filePath("c.pdf"), dir.path()));
        w.exportSweep(dir.filePath("s.pdf"));
        QVERIFY(renders(dir.filePath("s.pdf"), dir.path()));
        auto read = [&](const char* name) {
            QFile f(dir.filePath(name));
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        w.exportComparison(dir.filePath("c.html"));
        const QString html = read("c.html");
        for (const char* needle : {"h100-sxm", "mi300x", "time per output token", "data:image/png;base64", "Provenance",
                                   "analytical"})
            QVERIFY2(html.contains(needle), needle);
        w.exportComparison(dir.filePath("c.csv"));
        const QStringList csv = read("c.csv").split('\n', Qt::SkipEmptyParts);
        QCOMPARE(csv.size(), 1 + w.comparison()->rowCount());
        QVERIFY(csv.filter(QRegularExpression("^time per output token,s,")).size() == 1);
        QVERIFY(csv.filter(QRegularExpression("^hardware,,")).size() == 1); // the inputs come first
        w.exportComparison(dir.filePath("c.json"));
        QCOMPARE(QJsonDocument::fromJson(read("c.json").toUtf8())["comparison"].toArray().size(), 2);
        w.exportSweep(dir.filePath("s.csv"));
        QCOMPARE(read("s.csv").split('\n', Qt::SkipEmptyParts).size(), 106); // header + every point
        w.exportDesign(dir.filePath("d.json"));
        QVERIFY(QJsonDocument::fromJson(read("d.json").toUtf8())["ops"].toArray().size() > 10);
        QVERIFY_THROWS_EXCEPTION(InputError, w.exportDesign(dir.filePath("d.docx")));
    }

    // The Optimizations panel writes the design keys; the estimate follows; undo switches it off again.
    void optimizationsPanelDrivesTheEstimate()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        waitIdle(w, shown);
        const double tpot = w.lastMetrics().tpotS;
        w.findChild<QComboBox*>("spec")->setCurrentText("medusa");
        waitIdle(w, shown);
        QCOMPARE(w.currentDesign()["spec"].toString(), QString("medusa"));
        QVERIFY(w.lastMetrics().tokensPerStep > 1.5);
        QVERIFY(w.lastMetrics().tpotS < 0.8 * tpot);
        QVERIFY(w.findChild<QLabel*>("optimizationNotes")->text().contains("tokens per verification step"));
        w.findChild<QSpinBox*>("kv_budget")->setValue(256);
        waitIdle(w, shown);
        QCOMPARE(w.currentDesign()["kv_budget"].toInt(), 256);
        w.undoStack()->undo();
        w.undoStack()->undo();
        waitIdle(w, shown);
        QVERIFY(!w.currentDesign().contains("spec") && !w.currentDesign().contains("kv_budget"));
        QCOMPARE(w.lastMetrics().tpotS, tpot);
    }

    // The Serving view simulates a request stream on the docks' design in the background.
    void servingViewSimulatesAStream()
    {
        MainWindow w;
        QVERIFY(w.showView("serving"));
        w.findChild<QSpinBox*>("servingRequests")->setValue(2000);
        QSignalSpy finished(w.serving(), &ServingView::finished);
        w.serving()->run();
        QVERIFY(w.serving()->running());
        QVERIFY(finished.wait(60000));
        QVERIFY(finished.last().at(0).toBool());
        QVERIFY(w.serving()->rows() >= 10);
        auto* table = w.findChild<QTableWidget*>("servingTable");
        QVERIFY(table->item(0, 1)->text().contains("p99"));
    }

    // A closed-loop sweep plots TTFT and ITL against the clients and marks the knee.
    void servingViewSweepsTheLoad()
    {
        MainWindow w;
        QVERIFY(w.showView("serving"));
        w.findChild<QComboBox*>("servingLoadMode")->setCurrentIndex(1);
        w.findChild<QLineEdit*>("servingLoad")->setText("1,16,1024");
        w.findChild<QSpinBox*>("servingRequests")->setValue(1500);
        QSignalSpy finished(w.serving(), &ServingView::finished);
        w.serving()->run();
        QVERIFY(finished.wait(120000));
        QVERIFY(finished.last().at(0).toBool());
        QCOMPARE(w.serving()->rows(), 3);
        QCOMPARE(w.serving()->chartSeries(), 5); // TTFT and ITL p50/p99, the knee
        QVERIFY(w.serving()->kneeLoad() > 1);
    }

    // The sweep table sorts and filters in the background and shows the finished order.
    void sweepTableSortsAndFilters()
    {
        MainWindow w;
        runProposedSweep(w);
        SweepTableModel* t = w.sweep()->table();
        QSignalSpy reordered(t, &SweepTableModel::reordered);
        const int axes = int(w.sweep()->results()->schema().paramNames.size());
        const int tpotColumn = 1 + axes + int(MetricId::TpotS);
        t->sort(tpotColumn, Qt::DescendingOrder);
        QVERIFY(t->reordering());
        QVERIFY(reordered.wait(10000));
        for (int r = 1; r < t->rowCount(); ++r)
            QVERIFY(t->data(t->index(r - 1, tpotColumn), Qt::UserRole).toDouble() >=
                    t->data(t->index(r, tpotColumn), Qt::UserRole).toDouble());
        w.sweep()->setFilter("hardware = h200-sxm, batch >= 8");
        QVERIFY(reordered.wait(10000));
        QCOMPARE(t->rowCount(), 4 * 3); // batches 8..64 x 3 formats
        QCOMPARE(t->data(t->index(0, tpotColumn), Qt::UserRole).toDouble() >=
                     t->data(t->index(11, tpotColumn), Qt::UserRole).toDouble(), true); // still sorted
        QVERIFY_THROWS_EXCEPTION(InputError, parseSweepFilter("hardware > h100", w.sweep()->results()->schema()));
        QVERIFY_THROWS_EXCEPTION(InputError, parseSweepFilter("speed < 3", w.sweep()->results()->schema()));
    }

    void editingAFieldUpdatesTheResults()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.show();
        QVERIFY(shown.wait(10000));
        const double tps1 = w.lastMetrics().decodeTokensPerS;
        const QString card1 = w.results()->cardText("tps");
        QVERIFY(tps1 > 0);
        QVERIFY(card1.contains("tokens/s"));
        auto* batch = w.findChild<QSpinBox*>("batch");
        QVERIFY(batch);
        shown.clear();
        batch->setValue(16);
        QCOMPARE(shown.count(), 0); // the estimate runs off the UI thread: it arrives through the event loop
        QVERIFY(shown.wait(10000));
        QVERIFY2(w.lastMetrics().decodeTokensPerS > 4 * tps1, qPrintable(QString::number(w.lastMetrics().decodeTokensPerS)));
        QVERIFY(w.results()->cardText("tps") != card1);
        QCOMPARE(w.currentDesign()["batch"].toInt(), 16);
    }

    void simulationEstimatorOnATemplateShowsArea()
    {
        qputenv("LLMDSE_SIM_CACHE", "none");
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.loadDesign({{"model", "llama-3.2-1b"}, {"hardware", "template-systolic"}, {"_estimator", "analytical"}});
        QTRY_COMPARE_WITH_TIMEOUT(w.results()->cardText("area"), QString("not estimated"), 10000); // says why, not "-"
        w.findChild<QComboBox*>("estimator")->setCurrentText("simulation");
        QTRY_VERIFY_WITH_TIMEOUT(w.lastMetrics().areaMm2 > 0, 10000);
        QVERIFY(w.results()->cardText("area").contains("mm"));
    }

    void impossibleDesignShowsAnError()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        QVERIFY(shown.wait(10000));
        shown.clear();
        w.findChild<QSpinBox*>("tp")->setValue(64); // more ranks than heads: rejected while assembling the design
        QVERIFY(shown.count() > 0 || shown.wait(10000));
        QVERIFY(w.statusBar()->currentMessage().startsWith("Cannot estimate"));
    }

    void screenshotRendersTheWindow()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath("results.png");
        const auto r = test::runLlmdse({"--screenshot", png, "--view", "results"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QImage img(png);
        QVERIFY(img.width() >= 1280 && img.height() >= 800);
        // Not blank: many distinct colours (charts, cards, text).
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        QCOMPARE(test::runLlmdse({"--screenshot", png, "--view", "bogus"}).exitCode, 1);
        const QString lit = dir.filePath("literature.png");
        const auto l = test::runLlmdse({"--screenshot", lit, "--view", "literature"});
        QVERIFY2(l.exitCode == 0, qPrintable(l.err));
        QVERIFY(QImage(lit).width() >= 1280);
    }

    // A small study runs to the end and fills the table; a 1M-point one can be cancelled.
    void sweepRunsAndCancels()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.showView("sweep"));
        SweepView* s = w.sweep();
        QSignalSpy finished(s, &SweepView::finished);
        s->run(); // the proposed study: 7 batches x 3 formats x 5 GPUs
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(0).toBool(), false);
        QCOMPARE(finished.last().at(1).toLongLong(), 105LL);
        QCOMPARE(s->results()->size(), size_t(105));
        auto* table = w.findChild<QTableView*>("sweepTable");
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 105);
        s->setStudy(QJsonObject{
            {"base", QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}}},
            {"grid", QJsonObject{{"batch", QJsonArray{1, 2, 4, 8, 16, 32, 64, 128}},
                                 {"prompt", QJsonArray{128, 256, 512, 1024, 2048, 4096, 8192, 16384}},
                                 {"output", QJsonArray{16, 32, 64, 128, 256, 512, 1024, 2048}},
                                 {"hardware.memory_bandwidth", QJsonArray{1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500}},
                                 {"hardware.peak_tflops.fp16", QJsonArray{100, 200, 300, 400, 500, 600, 700, 800}},
                                 {"hardware.tdp_w", QJsonArray{300, 350, 400, 450, 500, 550, 600, 700, 800, 900}}}}});
        finished.clear();
        s->run();
        QVERIFY(s->running());
        QTest::qWait(100);
        s->cancel();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(0).toBool(), true);
        QVERIFY(finished.last().at(1).toLongLong() < 2621440);
        QVERIFY(!s->running());
    }

    // A study with a search: the front is drawn as each generation arrives (the UI thread stays
    // free), then the slider replays the generations over the stored points.
    void sweepRunsASearchGenerationByGeneration()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.showView("sweep"));
        SweepView* s = w.sweep();
        QSignalSpy finished(s, &SweepView::finished), shown(s, &SweepView::generationShown);
        s->setStudy(QJsonDocument::fromJson(R"({"base": {"model": "llama-2-7b", "hardware": "template-systolic",
              "batch": 1, "prompt": 256, "output": 64, "weights": "int8", "activations": "int8", "model.kv_heads": 8},
            "search": {"algorithm": "nsga2", "budget": 400, "population": 40, "seed": 3},
            "space": {"model.layers": {"min": 8, "max": 40, "step": 8}, "model.hidden": [2048, 3072, 4096],
                      "hardware.array_rows": {"min": 16, "max": 256, "log": true}, "hardware.array_cols": [32, 64, 128],
                      "hardware.sram_mib": [16, 32, 64]},
            "constraints": ["area_mm2 <= 150", "fits"], "objectives": ["proxy_loss", "tpot_s"]})").object());
        s->run();
        QVERIFY(s->running());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(0).toBool(), false);
        QCOMPARE(s->generations(), 10); // 400 designs, 40 a generation
        QVERIFY(shown.count() >= 2);     // drawn as they came, more than one generation
        auto* slider = w.findChild<QSlider*>("searchGeneration");
        QVERIFY(slider && slider->isVisible());
        QCOMPARE(slider->maximum(), 9);
        QCOMPARE(s->results()->size(), size_t(400));
        const size_t lastFront = s->front().size();
        QSignalSpy plotted(s, &SweepView::plotted);
        slider->setValue(0); // replay the first generation: its own front over its 40 points
        QVERIFY(plotted.wait(10000));
        QVERIFY(s->front().size() <= 40);
        QVERIFY(w.findChild<QLabel*>("searchGenerationLabel")->text().startsWith("generation 0:"));
        slider->setValue(9);
        QCOMPARE(s->front().size(), lastFront);
    }

    // The Check view runs the docks' model on this CPU (a tiny fixture shape, one run) and lists every op.
    void checkViewRunsTheEngine()
    {
        MainWindow w;
        w.loadDesign({{"model", test::dataDir() + "/fixtures/tiny-llama-gqa/config.json"}, {"weights", "fp32"}});
        QVERIFY(w.showView("check"));
        w.findChild<QSpinBox*>("checkRepeat")->setValue(1);
        QSignalSpy finished(w.check(), &CheckView::finished);
        w.check()->run();
        QVERIFY(finished.wait(120000));
        QVERIFY(finished.last().at(0).toBool());
        QVERIFY(w.check()->rows() >= 20); // prefill and decode ops
    }

    // Two pinned designs: the table shows both with units, the bars compare them.
    void pinnedDesignsAreComparedSideBySide()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        QVERIFY(shown.wait(10000));
        w.pinCurrent();
        shown.clear();
        w.findChild<QComboBox*>("weights")->setCurrentText("int4:g128");
        QVERIFY(shown.wait(10000));
        w.pinCurrent();
        CompareModel* c = w.comparison();
        QCOMPARE(c->columnCount(), 2);
        QCOMPARE(c->headerData(0, Qt::Vertical).toString(), QString("model")); // the inputs first
        QCOMPARE(c->headerData(c->rowOfMetric(0), Qt::Vertical).toString(), QString("time to first token"));
        const int tpot = 1;
        QVERIFY(c->value(tpot, 1) < 0.8 * c->value(tpot, 0)); // 4-bit weights stream a quarter of the bytes
        QVERIFY(c->data(c->index(c->rowOfMetric(tpot), 0)).toString().contains(QRegularExpression("^[0-9.]+ ms \\(")));
        // Labelled by what differs: the weight format; the other inputs are the same.
        QCOMPARE(c->label(0), QString("weights fp16"));
        QCOMPARE(c->label(1), QString("weights int4:g128"));
        QVERIFY(w.showView("compare"));
        c->unpin(0);
        QCOMPARE(c->columnCount(), 1);
        QVERIFY(c->headerData(0, Qt::Horizontal).toString().contains("llama-3-8b"));
    }

    // Reports: a PDF whose first page renders (poppler's pdftoppm, installed by scripts/setup.sh) and an
    // HTML file with every input, the charts embedded and the provenance; a bad extension is refused.
    void reportsExportPdfAndHtml()
    {
        QTemporaryDir dir;
        const QString pdf = dir.filePath("r.pdf"), html = dir.filePath("r.html");
        auto r = test::runLlmdse({"report", "--model", "llama-3-8b", "--hardware", "template-systolic", "--estimator",
                                  "simulation", "--sim-cache", "none", "--out", pdf});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QProcess render;
        render.start("pdftoppm", {"-r", "30", "-png", "-f", "1", "-l", "1", pdf, dir.filePath("page")});
        QVERIFY2(render.waitForFinished(60000) && render.exitCode() == 0, "pdftoppm could not render page 1");
        const QImage page(dir.filePath("page-1.png"));
        QVERIFY(!page.isNull() && page.width() > 100);
        QSet<QRgb> colours;
        for (int y = 0; y < page.height(); y += 3)
            for (int x = 0; x < page.width(); x += 3) colours.insert(page.pixel(x, y));
        QVERIFY(colours.size() > 5); // text on the page, not blank
        r = test::runLlmdse({"report", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--weights", "int4:g128",
                             "--out", html});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile h(html);
        QVERIFY(h.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(h.readAll());
        for (const char* needle : {"int4:g128", "time per output token", "data:image/png;base64", "Provenance",
                                   "torch-cudagraph", "mlp.gate_up_proj"})
            QVERIFY2(text.contains(needle), needle);
        QCOMPARE(test::runLlmdse({"report", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--out",
                                  dir.filePath("r.docx")}).exitCode, 1);
    }

    // The survey's points ship as a resource; the current design joins them.
    void literatureViewShowsPublishedPoints()
    {
        QVERIFY(literaturePoints().size() > 150);
        for (const auto& p : literaturePoints()) QVERIFY(p.powerW > 0 && p.tokensPerS > 0);
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        QVERIFY(shown.wait(10000));
        QCOMPARE(w.literature()->publishedPoints(), int(literaturePoints().size()));
        QVERIFY(w.showView("literature"));
        QVERIFY(!w.showView("nonsense"));
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
