// The workbench on real widgets (offscreen): an edit updates the results
// through the event loop, a bad design shows an error instead of crashing, and the
// screenshot mode renders a full window with data in it.
#include "testsupport/TestSupport.h"
#include "core/Literature.h"
#include "ui/CheckView.h"
#include "ui/CompareModel.h"
#include "ui/LiteratureView.h"
#include "ui/SweepView.h"
#include "ui/MainWindow.h"
#include "ui/ResultsView.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QJsonArray>
#include <QtTest>

using namespace llmdse;

class TestGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
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
        w.loadDesign({{"model", "llama-3.2-1b"}, {"hardware", "template-systolic"}});
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
        auto* table = w.findChild<QTableView*>();
        QVERIFY(table);
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

    // The Check view runs the docks' model on this CPU (a tiny fixture shape, one run) and lists every op.
    void checkViewRunsTheEngine()
    {
        MainWindow w;
        w.loadDesign({{"model", test::sharedDir() + "/fixtures/tiny-llama-gqa/config.json"}, {"weights", "fp32"}});
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
        QCOMPARE(c->headerData(0, Qt::Vertical).toString(), QString("time to first token"));
        const int tpot = 1;
        QVERIFY(c->value(tpot, 1) < 0.8 * c->value(tpot, 0)); // 4-bit weights stream a quarter of the bytes
        QVERIFY(c->data(c->index(tpot, 0)).toString().endsWith("ms"));
        QVERIFY(w.showView("compare"));
        c->unpin(0);
        QCOMPARE(c->columnCount(), 1);
        QVERIFY(c->headerData(0, Qt::Horizontal).toString().contains("int4"));
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
