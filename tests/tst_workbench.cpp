// The workbench as a daily tool, on real widgets (offscreen): the Results view fits a
// laptop screen, the operator table and the roofline are linked, a design that does not
// fit is flagged, projects get their extension, the sweep builder writes the study a
// person would, the Check view refuses what this computer cannot hold, pinned designs are
// labelled by what differs, charts use round ticks and fitting units, and reports read
// as documents.
#include "testsupport/TestSupport.h"
#include "core/Units.h"
#include "estimators/sweep/Study.h"
#include "ui/CheckView.h"
#include "ui/CompareModel.h"
#include "ui/CompareView.h"
#include "ui/LiteratureView.h"
#include "ui/MainWindow.h"
#include "ui/OpTableModel.h"
#include "ui/ResultsView.h"
#include "ui/StudyBuilder.h"
#include "ui/SweepView.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QGraphicsSimpleTextItem>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScatterSeries>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolTip>
#include <QTreeWidget>
#include <QValueAxis>
#include <QtTest>
#include <cmath>

using namespace llmdse;

class TestWorkbench : public QObject {
    Q_OBJECT

    QTemporaryDir settingsDir_;

    static void settle(QSignalSpy& shown)
    {
        QVERIFY(shown.count() > 0 || shown.wait(10000));
        while (shown.wait(300)) {} // a later estimate may still be on its way
        QApplication::processEvents();
    }

    static bool oneTwoFive(double step)
    {
        const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        return std::abs(m - 1) < 1e-6 || std::abs(m - 2) < 1e-6 || std::abs(m - 5) < 1e-6;
    }

    static QString pdfText(const QString& pdf, int first, int last)
    {
        QProcess p;
        p.start("pdftotext", {"-layout", "-f", QString::number(first), "-l", QString::number(last), pdf, "-"});
        p.waitForFinished(60000);
        return QString::fromUtf8(p.readAllStandardOutput());
    }

    // Moves the mouse onto the first point of the first scatter series not named in `skip` and
    // returns the tooltip that appears (or why none did within 3 s).
    static QString hoverFirstPoint(QChartView* view, const QStringList& skip)
    {
        QChart* chart = view->chart();
        QScatterSeries* series = nullptr;
        for (auto* x : chart->series()) {
            auto* sc = qobject_cast<QScatterSeries*>(x);
            if (sc && sc->count() > 0 && !skip.contains(x->name()) && !series) series = sc;
        }
        if (!series) return "no scatter series with points";
        QToolTip::hideText(); // hidden on a timer: wait, so an earlier tip is not read as this one
        for (QElapsedTimer h; !h.isValid() || (QToolTip::isVisible() && h.elapsed() < 2000); QTest::qWait(20))
            if (!h.isValid()) h.start();
        const QPoint onView = view->mapFromScene(chart->mapToScene(chart->mapToPosition(series->at(0), series)));
        QTest::mouseMove(view->viewport(), onView + QPoint(12, 12));
        QTest::mouseMove(view->viewport(), onView);
        QElapsedTimer t;
        t.start();
        while (!QToolTip::isVisible() && t.elapsed() < 3000) QTest::qWait(20);
        const QString text = QToolTip::isVisible() ? QToolTip::text() : QString("no tooltip on '%1'").arg(series->name());
        QToolTip::hideText();
        return text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName("llmdse-tests");
    }

    // At 1280x800 the Results view needs no sideways scrolling; at 1024x700 nothing is cut either;
    // the side docks widen again when the window grows; View > Reset layout brings back a closed dock.
    void resultsFitALaptopScreen()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.resize(1280, 800);
        w.show();
        settle(shown);
        auto* scroll = w.findChild<QScrollArea*>("resultsScroll");
        QVERIFY(scroll);
        QCOMPARE(w.size(), QSize(1280, 800));
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        QVERIFY(scroll->widget()->width() <= scroll->viewport()->width());
        for (const char* card : {"card_ttft", "card_tpot", "card_tps", "card_tpj", "card_power", "card_area"}) {
            auto* c = w.findChild<QWidget*>(card);
            QVERIFY2(c && c->isVisible(), card);
            const QRect r(c->mapTo(scroll->viewport(), QPoint(0, 0)), c->size());
            QVERIFY2(scroll->viewport()->rect().contains(QRect(r.x(), 0, r.width(), 1)), card); // not cut on the right
        }
        auto* left = w.findChild<QDockWidget*>("Hardware");
        QVERIFY(left);
        w.resize(1024, 700);
        QApplication::processEvents();
        QTest::qWait(50);
        // Nothing holds the window wider or taller than a small laptop screen: no view, no dock.
        QString widest;
        auto* tabs = w.findChild<QTabWidget*>("views");
        for (int i = 0; i < tabs->count(); ++i)
            widest += QString(" %1 %2x%3").arg(tabs->tabText(i)).arg(tabs->widget(i)->minimumSizeHint().width()).arg(tabs->widget(i)->minimumSizeHint().height());
        for (auto* d : w.findChildren<QDockWidget*>())
            widest += QString(" %1 %2x%3").arg(d->objectName()).arg(d->minimumSizeHint().width()).arg(d->minimumSizeHint().height());
        QVERIFY2(w.size() == QSize(1024, 700), qPrintable(QString("%1x%2:%3").arg(w.width()).arg(w.height()).arg(widest)));
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        // The preset names stay readable: the name column is as wide as its longest name.
        auto* tree = w.findChild<QTreeWidget*>("hardwareTree");
        QVERIFY(tree->columnWidth(0) >= tree->fontMetrics().horizontalAdvance("template-systolic"));
        const int narrow = left->width();
        w.resize(1920, 1080);
        QApplication::processEvents();
        QTest::qWait(50);
        QVERIFY2(left->width() > narrow, qPrintable(QString("%1 -> %2").arg(narrow).arg(left->width())));
        left->close();
        QVERIFY(!left->isVisible());
        w.resetLayout();
        QVERIFY(left->isVisible());
    }

    // The docks' arrangement is kept per user: a dock closed stays closed in the next window, until View > Reset layout.
    void windowLayoutIsKeptPerUser()
    {
        auto hardwareDock = [](MainWindow& w) { return w.findChild<QDockWidget*>("Hardware"); };
        {
            MainWindow w;
            w.show();
            hardwareDock(w)->close();
            QVERIFY(w.close());
        }
        {
            MainWindow w;
            w.show();
            QVERIFY(hardwareDock(w)->isHidden());
            w.resetLayout();
            QVERIFY(hardwareDock(w)->isVisible());
            QVERIFY(w.close());
        }
        MainWindow w;
        w.show();
        QVERIFY(hardwareDock(w)->isVisible());
    }

    // One row per operator of the estimate, sortable; selecting a row highlights and labels its
    // roofline point; clicking a point selects its row; the slowest operators are labelled.
    void operatorTableAndRooflineAreLinked()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.resize(1440, 900);
        w.show();
        settle(shown);
        ResultsView* r = w.results();
        OpTableModel* ops = r->operators();
        QCOMPARE(ops->rowCount(), int(w.lastMetrics().ops.size()));
        QVERIFY(ops->rowCount() > 10);
        for (int i = 0; i < ops->rowCount(); ++i) QCOMPARE(ops->op(i).name, w.lastMetrics().ops[size_t(i)].name);
        QCOMPARE(ops->headerData(OpTableModel::Share, Qt::Horizontal).toString(), QString("share of phase"));
        // Shares of each phase add up to 1.
        std::map<std::string, double> share;
        for (int i = 0; i < ops->rowCount(); ++i) share[ops->op(i).phase] += ops->phaseShare(i);
        for (const auto& [phase, sum] : share) QVERIFY2(std::abs(sum - 1) < 1e-9, phase.c_str());
        // Sorted by time, slowest first, through the view's proxy.
        QTableView* table = r->operatorTable();
        QAbstractItemModel* shownModel = table->model();
        for (int i = 1; i < shownModel->rowCount(); ++i)
            QVERIFY(shownModel->index(i - 1, OpTableModel::Time).data(Qt::UserRole).toDouble() >=
                    shownModel->index(i, OpTableModel::Time).data(Qt::UserRole).toDouble());
        // The table selects: the point is highlighted and labelled.
        table->selectRow(3);
        QApplication::processEvents();
        const int chosen = r->highlightedOperator();
        QVERIFY(chosen >= 0);
        QCOMPARE(QString::fromStdString(ops->op(chosen).name), shownModel->index(3, OpTableModel::Name).data().toString());
        QChart* chart = r->roofline()->chart();
        QScatterSeries* selected = nullptr;
        for (auto* s : chart->series())
            if (s->name() == "selected") selected = qobject_cast<QScatterSeries*>(s);
        QVERIFY(selected);
        QCOMPARE(selected->count(), 1);
        QCOMPARE(selected->at(0), r->operatorPoint(chosen));
        QStringList labels;
        for (QGraphicsItem* item : chart->childItems())
            if (auto* t = dynamic_cast<QGraphicsSimpleTextItem*>(item); t && t->isVisible()) labels << t->text();
        QVERIFY2(labels.contains(QString::fromStdString(ops->op(chosen).name)), qPrintable(labels.join(",")));
        QVERIFY2(labels.size() >= 3, qPrintable(labels.join(","))); // the slowest of each phase too
        // A point clicked selects its row.
        QScatterSeries* decode = nullptr;
        for (auto* s : chart->series())
            if (s->name() == "decode") decode = qobject_cast<QScatterSeries*>(s);
        QVERIFY(decode && decode->count() > 2);
        Q_EMIT decode->clicked(decode->at(2));
        const int clicked = r->highlightedOperator();
        QVERIFY(clicked != chosen);
        QCOMPARE(r->operatorPoint(clicked), decode->at(2));
        const QModelIndex current = table->selectionModel()->currentIndex();
        QCOMPARE(shownModel->index(current.row(), OpTableModel::Name).data().toString(), QString::fromStdString(ops->op(clicked).name));
        QCOMPARE(shownModel->index(current.row(), OpTableModel::Phase).data().toString(), QString::fromStdString(ops->op(clicked).phase));
    }

    // Hovering a roofline point shows the operator's name (run under xvfb-run too: tooltips need a real X server).
    void rooflineTooltipNamesTheOperator()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.resize(1440, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        settle(shown);
        QChartView* view = w.results()->roofline();
        QChart* chart = view->chart();
        QScatterSeries* prefill = nullptr;
        for (auto* s : chart->series())
            if (s->name() == "prefill") prefill = qobject_cast<QScatterSeries*>(s);
        QVERIFY(prefill && prefill->count() > 0);
        const QPointF at = chart->mapToPosition(prefill->at(0), prefill);
        const QPoint onView = view->mapFromScene(chart->mapToScene(at));
        QTest::mouseMove(view->viewport(), onView + QPoint(10, 10));
        QTest::mouseMove(view->viewport(), onView);
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), 3000);
        QVERIFY2(QToolTip::text().contains("FLOP/byte"), qPrintable(QToolTip::text()));
    }

    // Hovering a point of the Sweep scatter and of the Literature chart shows that point's tooltip.
    // ctest runs these under xvfb-run as well (tst_workbench_x11), where tooltips are real X windows.
    void chartPointTooltips()
    {
        MainWindow w;
        w.resize(1440, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.showView("sweep"));
        SweepView* s = w.sweep();
        QSignalSpy finished(s, &SweepView::finished);
        QSignalSpy plotted(s, &SweepView::plotted);
        s->run(); // the proposed study: 105 designs
        QVERIFY(finished.wait(30000));
        QVERIFY(plotted.count() > 0 || plotted.wait(10000));
        QApplication::processEvents();
        const QString sweepTip = hoverFirstPoint(s->chartView(), {"Pareto front", "open in the docks"});
        QVERIFY2(sweepTip.contains("click to open in the docks") && sweepTip.contains("batch = "), qPrintable(sweepTip));

        QVERIFY(w.showView("literature"));
        QChartView* published = nullptr;
        for (auto* v : w.literature()->findChildren<QChartView*>())
            if (v != w.literature()->comparisonView()) published = v;
        QVERIFY(published);
        QTest::qWait(100); // laid out in the newly shown tab
        const QString litTip = hoverFirstPoint(published, {"this design"});
        QVERIFY2(litTip.contains("tokens/J") && litTip.contains(" W,"), qPrintable(litTip));
    }

    // A 141 GB model on an 80 GB device: every card says it does not fit, with what would make it;
    // a design that fails to load clears the numbers instead of leaving the last ones on screen.
    void infeasibleAndFailedDesignsAreUnmistakable()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        settle(shown);
        ResultsView* r = w.results();
        QVERIFY(r->feasible());
        QCOMPARE(r->cardFlag("tpot"), QString());
        shown.clear();
        w.loadDesign({{"model", "llama-3-70b"}, {"hardware", "a100-80gb"}});
        settle(shown);
        QVERIFY(!w.lastMetrics().memory.fits);
        QVERIFY(!r->feasible());
        for (const char* card : {"ttft", "tpot", "tps", "tpj", "power"}) QCOMPARE(r->cardFlag(card), QString("does not fit"));
        auto* banner = w.findChild<QLabel*>("infeasibleBanner");
        QVERIFY(banner && !banner->isHidden());
        QVERIFY2(banner->text().contains("tensor parallel 2"), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains("int8:g128 weights"), qPrintable(banner->text()));
        QVERIFY(r->roofline()->chart()->title().startsWith("Does not fit"));
        // Following the advice makes it fit, and the flags go.
        shown.clear();
        w.loadDesign({{"tp", 2}});
        settle(shown);
        QVERIFY(r->feasible());
        QCOMPARE(r->cardFlag("tpot"), QString());
        QVERIFY(banner->isHidden());
        // A config that cannot be read: no number of the previous design stays.
        QTemporaryDir dir;
        const QString bad = dir.filePath("config.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"model_type\": \"llama\", \"hidden_size\": -3}");
        f.close();
        shown.clear();
        w.loadDesign({{"model", bad}});
        settle(shown);
        QVERIFY(w.statusBar()->currentMessage().startsWith("Cannot estimate"));
        QVERIFY(!r->hasEstimate());
        QCOMPARE(r->cardText("tpot"), QString("–"));
        QCOMPARE(r->operators()->rowCount(), 0);
        QVERIFY(!w.pinCurrent()); // nothing stale to pin
        QCOMPARE(w.comparison()->columnCount(), 0);
    }

    // Saving "x" writes "x.llmdse" (the Open dialog lists only those); exports are proposed beside the project.
    void savingAddsTheExtension()
    {
        QTemporaryDir dir;
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        settle(shown);
        w.saveProjectAs(dir.filePath("x"));
        QVERIFY(QFile::exists(dir.filePath("x.llmdse")));
        QVERIFY(!QFile::exists(dir.filePath("x")));
        QCOMPARE(w.projectPath(), dir.filePath("x.llmdse"));
        w.saveProjectAs(dir.filePath("y.LLMDSE"));
        QVERIFY(QFile::exists(dir.filePath("y.LLMDSE")));
        QCOMPARE(w.proposedExportPath("report", "pdf"), dir.filePath("y-report.pdf"));
        QCOMPARE(w.proposedExportPath("project", "llmdse"), dir.filePath("y.llmdse"));
    }

    // An opened config is named by its model, so two opened configs can be told apart.
    void openedConfigsAreNamedByTheirModel()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        settle(shown);
        const QString gqa = test::dataDir() + "/fixtures/tiny-llama-gqa/config.json";
        w.loadDesign({{"model", gqa}});
        settle(shown);
        auto* list = w.findChild<QListWidget*>("modelList");
        QVERIFY(list);
        QVERIFY2(list->currentItem()->text().startsWith("tiny-llama-gqa"), qPrintable(list->currentItem()->text()));
    }

    // The builder, filled in through its widgets, writes the study a person would write by hand;
    // both run to the same points. A JSON parse error names its line and column.
    void sweepBuilderWritesTheHandWrittenStudy()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        w.show();
        settle(shown);
        QVERIFY(w.showView("sweep"));
        SweepView* s = w.sweep();
        StudyBuilder* b = s->builder();
        b->clearRows();
        b->rebuildFromPanels();
        QVERIFY(s->followsDocks());
        // Two parameters: batch as log steps, prompt as values.
        b->findChild<QPushButton*>("addParameter")->click();
        b->findChild<QPushButton*>("addParameter")->click();
        QTableWidget* params = b->parameterTable();
        QCOMPARE(params->rowCount(), 2);
        qobject_cast<QComboBox*>(params->cellWidget(0, 0))->setCurrentText("batch");
        qobject_cast<QComboBox*>(params->cellWidget(0, 1))->setCurrentText("log range");
        qobject_cast<QLineEdit*>(params->cellWidget(0, 3))->setText("1");
        qobject_cast<QLineEdit*>(params->cellWidget(0, 4))->setText("8");
        qobject_cast<QSpinBox*>(params->cellWidget(0, 5))->setValue(4);
        qobject_cast<QComboBox*>(params->cellWidget(1, 0))->setCurrentText("prompt");
        qobject_cast<QLineEdit*>(params->cellWidget(1, 2))->setText("128, 512, 2048");
        // Objectives: TPOT down, tokens per joule up; a constraint on TPOT.
        b->findChild<QPushButton*>("addObjective")->click();
        b->findChild<QPushButton*>("addObjective")->click();
        QTableWidget* objectives = b->objectiveTable();
        auto* second = qobject_cast<QComboBox*>(objectives->cellWidget(1, 0));
        second->setCurrentIndex(second->findData("tokens_per_j"));
        qobject_cast<QComboBox*>(objectives->cellWidget(1, 1))->setCurrentText("maximise");
        b->findChild<QPushButton*>("addConstraint")->click();
        qobject_cast<QLineEdit*>(b->constraintTable()->cellWidget(0, 2))->setText("0.02");
        QJsonObject base = w.currentDesign();
        base.remove("batch");
        base.remove("prompt");
        const QJsonObject byHand{{"base", base},
                                 {"grid", QJsonObject{{"batch", QJsonArray{1, 2, 4, 8}}, {"prompt", QJsonArray{128, 512, 2048}}}},
                                 {"objectives", QJsonArray{"tpot_s", "-tokens_per_j"}},
                                 {"constraints", QJsonArray{"tpot_s <= 0.02"}}};
        const QJsonObject built = b->study();
        QCOMPARE(QJsonDocument(built).toJson(), QJsonDocument(byHand).toJson());
        const Study a = parseStudy(built, "built"), h = parseStudy(byHand, "by hand");
        QCOMPARE(a.fingerprint(), h.fingerprint());
        QCOMPARE(a.totalPoints(), 12);
        // The JSON view holds the same study; running it keeps the constraint off the front.
        QSignalSpy finished(s, &SweepView::finished);
        s->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(s->results()->size(), size_t(12));
        QVERIFY(!s->front().empty());
        for (std::int64_t i : s->front()) QVERIFY(s->results()->metric(MetricId::TpotS, size_t(i)) <= 0.02 * (1 + 1e-6));
        // A study typed by hand stops following the docks, and says so; a parse error names line and column.
        auto* editor = s->findChild<QPlainTextEdit*>("studyEditor");
        editor->setPlainText("{\n  \"base\": {\n    \"model\" \"llama-3-8b\"\n  }\n}");
        QVERIFY(!s->followsDocks());
        s->run();
        QVERIFY2(s->status().contains("line 3, column"), qPrintable(s->status()));
        b->findChild<QPushButton*>("rebuildFromPanels")->click();
        QVERIFY(s->followsDocks());
        QVERIFY(editor->toPlainText().contains("tpot_s &lt;= 0.02") || editor->toPlainText().contains("tpot_s <= 0.02"));
    }

    // The scatter follows the table's filter, colours by a parameter, and marks the open design.
    void sweepChartFollowsTheFilter()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.showView("sweep"));
        SweepView* s = w.sweep();
        QSignalSpy finished(s, &SweepView::finished);
        s->run(); // the proposed study: 7 batches x 3 formats x 5 GPUs
        QVERIFY(finished.wait(30000));
        QSignalSpy plotted(s, &SweepView::plotted);
        s->setColourBy("hardware");
        QVERIFY(plotted.wait(10000));
        auto* chart = s->findChild<QChartView*>()->chart();
        QStringList names;
        for (auto* x : chart->series()) names << x->name();
        for (const char* n : {"h100-sxm", "mi300x", "l4", "Pareto front", "open in the docks"}) QVERIFY2(names.contains(n), n);
        plotted.clear();
        s->setFilter("hardware = mi300x");
        QVERIFY(plotted.wait(10000));
        chart = s->findChild<QChartView*>()->chart();
        int points = 0;
        for (auto* x : chart->series()) {
            auto* sc = qobject_cast<QScatterSeries*>(x);
            if (sc && x->name() != "open in the docks") points += sc->count() && x->name() != "Pareto front" ? sc->count() : 0;
            if (sc && (x->name() == "h100-sxm" || x->name() == "l4")) QCOMPARE(sc->count(), 0);
        }
        QVERIFY(points > 0 && points <= 21);
        QVERIFY(chart->title().contains("of 105 (filtered)"));
    }

    // The Check view has its own small batch, shows the RAM and time before running, and refuses a
    // model that does not fit in this computer's RAM with requireMemory's message.
    void checkViewRefusesAModelLargerThanRam()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.showView("check"));
        QCOMPARE(w.findChild<QSpinBox*>("checkBatch")->value(), 1);
        w.loadDesign({{"model", "smollm-135m"}, {"batch", 64}});
        QVERIFY2(w.check()->expectation().contains("of RAM"), qPrintable(w.check()->expectation()));
        QVERIFY(w.findChild<QPushButton*>("runCheck")->isEnabled());
        w.loadDesign({{"model", "llama-3.1-405b"}});
        QVERIFY2(w.check()->expectation().contains("Cannot run here"), qPrintable(w.check()->expectation()));
        QVERIFY(!w.findChild<QPushButton*>("runCheck")->isEnabled());
        QSignalSpy finished(w.check(), &CheckView::finished);
        w.check()->run();
        QVERIFY(!w.check()->running());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.last().at(0).toBool(), false);
        QVERIFY2(w.check()->statusText().contains("of RAM available"), qPrintable(w.check()->statusText()));
    }

    // A running check stops on Cancel.
    void checkViewCancels()
    {
        MainWindow w;
        w.loadDesign({{"model", test::dataDir() + "/fixtures/tiny-llama-gqa/config.json"}, {"weights", "fp32"}});
        QVERIFY(w.showView("check"));
        w.findChild<QSpinBox*>("checkRepeat")->setValue(9);
        w.findChild<QSpinBox*>("checkOutput")->setValue(256);
        QSignalSpy finished(w.check(), &CheckView::finished);
        w.check()->run();
        QVERIFY(w.check()->running());
        QVERIFY(w.findChild<QPushButton*>("cancelCheck")->isEnabled());
        w.check()->cancel();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.last().at(0).toBool(), false);
        QCOMPARE(w.check()->statusText(), QString("Cancelled."));
    }

    // Pinned designs: labels from what differs, a duplicate is not pinned twice, renaming, Unpin in the menu.
    void compareLabelsDuplicatesAndUnpin()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        settle(shown);
        QVERIFY(w.pinCurrent());
        shown.clear();
        w.loadDesign({{"prompt", 2048}});
        settle(shown);
        QVERIFY(w.pinCurrent());
        CompareModel* c = w.comparison();
        QCOMPARE(c->label(0), QString("prompt 512"));
        QCOMPARE(c->label(1), QString("prompt 2048"));
        QVERIFY(!w.pinCurrent()); // the same design again
        QCOMPARE(c->columnCount(), 2);
        QVERIFY(w.statusBar()->currentMessage().contains("Already pinned"));
        // The inputs are rows of the table; the one that differs is bold.
        int promptRow = -1;
        for (int r = 0; r < c->inputRowCount(); ++r)
            if (c->inputKey(r) == "prompt") promptRow = r;
        QVERIFY(promptRow >= 0);
        QVERIFY(c->inputDiffers(promptRow));
        QCOMPARE(c->inputText(promptRow, 1), QString("2048"));
        c->rename(1, "long prompt");
        QCOMPARE(c->headerData(1, Qt::Horizontal).toString(), QString("long prompt"));
        c->rename(1, "");
        QCOMPARE(c->label(1), QString("prompt 2048"));
        QAction* unpin = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->menu())
                for (QAction* b : a->menu()->actions())
                    if (b->text().contains("Unpin the selected")) unpin = b;
        QVERIFY(unpin);
        unpin->trigger(); // nothing selected: the last pinned
        QCOMPARE(c->columnCount(), 1);
        QCOMPARE(c->label(0), QString("llama-3-8b, h100-sxm"));
    }

    // Help: the guide (the README's workbench section), the shortcuts, About with the version.
    void helpMenu()
    {
        MainWindow w;
        QMenu* help = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->text().remove('&') == "Help") help = a->menu();
        QVERIFY(help);
        QStringList items;
        for (QAction* a : help->actions()) items << a->text().remove('&');
        QVERIFY(items.contains("Workbench guide"));
        QVERIFY(items.contains("Keyboard shortcuts"));
        QVERIFY(items.contains("About llmdse"));
        help->actions().front()->trigger();
        auto* guide = w.findChild<QTextBrowser*>("guideBrowser");
        QVERIFY(guide);
        QVERIFY(guide->toPlainText().contains("Compare"));
        QVERIFY(!guide->toPlainText().contains("docs/workbench"));
        help->actions().at(1)->trigger();
        auto* keys = w.findChild<QTreeWidget*>("shortcutList");
        QVERIFY(keys);
        bool pin = false;
        for (int i = 0; i < keys->topLevelItemCount(); ++i) pin = pin || keys->topLevelItem(i)->text(1) == "Ctrl+P";
        QVERIFY(pin);
    }

    // Units as people read them: µs, human durations, round ticks, time axes in the unit that fits.
    void unitsAndAxes()
    {
        QCOMPARE(QString::fromStdString(formatSeconds(4.2e-6)), QString("4.2 µs"));
        QCOMPARE(QString::fromStdString(formatSeconds(0.00797)), QString("7.97 ms"));
        QCOMPARE(QString::fromStdString(formatSeconds(44)), QString("44 s"));
        QCOMPARE(QString::fromStdString(formatSeconds(1150)), QString("19 min 10 s"));
        QCOMPARE(QString::fromStdString(formatSeconds(7260)), QString("2 h 1 min"));
        QCOMPARE(QString::fromStdString(formatSeconds(3 * 86400 + 4 * 3600)), QString("3 d 4 h"));
        QCOMPARE(QString(timeUnitFor(44).name), QString("s"));
        QCOMPARE(QString::fromUtf8(timeUnitFor(0.0004).name), QString("µs"));
        QCOMPARE(QString(timeUnitFor(1153).name), QString("min"));
        const NiceScale n = niceScale(0, 797.1, 6);
        QCOMPARE(n.step, 200.0);
        QCOMPARE(n.hi, 800.0);
        for (double hi : {0.3, 7.0, 43.9, 1153398.5}) QVERIFY(oneTwoFive(niceScale(0, hi, 5).step));
        // The Results view's time axis: 1-2-5 ticks in the unit that fits.
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        settle(shown);
        auto* view = w.findChild<QChartView*>("breakdownChart");
        QValueAxis* axis = nullptr;
        for (auto* a : view->chart()->axes(Qt::Horizontal)) axis = axis ? axis : qobject_cast<QValueAxis*>(a);
        QVERIFY(axis);
        QVERIFY(oneTwoFive(axis->tickInterval()));
        QCOMPARE(axis->min(), 0.0);
        QVERIFY2(axis->titleText().contains("(ms)") || axis->titleText().contains("(s)"), qPrintable(axis->titleText()));
    }

    // The PDF report reads as a document: page 1 has the inputs with units, the headline metrics and the
    // time chart; the operator table's header repeats on every page it runs over; no heading ends a page.
    void designReportReadsAsADocument()
    {
        QTemporaryDir dir;
        const QString pdf = dir.filePath("r.pdf");
        // Over two devices: the collectives make the operator table long enough to run over two pages.
        const auto r = test::runLlmdse({"report", "--model", "llama-3-8b", "--hardware", "a100-80gb", "--batch", "64",
                                        "--prompt", "2048", "--tp", "2", "--out", pdf});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString first = pdfText(pdf, 1, 1);
        for (const char* needle : {"Inputs", "Headline metrics", "Where the time goes", "prompt", "2048", "time per output token"})
            QVERIFY2(first.contains(needle), needle);
        // Each input's meaning is spelled out after the provenance.
        QVERIFY(!first.contains("prompt tokens per sequence"));
        QVERIFY(pdfText(pdf, 2, 50).contains("prompt tokens per sequence"));
        QVERIFY(!first.contains("mlp.gate_up_proj")); // the operators start on their own page
        int pages = 0;
        for (int p = 2; p < 20; ++p) {
            const QString text = pdfText(pdf, p, p);
            if (text.trimmed().isEmpty()) break;
            if (text.contains("mlp.") || text.contains("attn.")) {
                // "FLOPs" is only in the header (cells say FLOP); longer header words wrap in narrow columns.
                QVERIFY2(text.contains("FLOPs"), qPrintable(QString("page %1 lacks the table's header").arg(p)));
                ++pages;
            }
            // A page never ends on a section heading.
            const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
            QStringList body;
            for (const QString& l : lines)
                if (!l.trimmed().isEmpty() && !QRegularExpression("^\\s*\\d+\\s*$").match(l).hasMatch()) body << l.trimmed();
            QVERIFY(!body.isEmpty());
            for (const char* heading : {"Roofline and operators", "Provenance", "Where the time goes"})
                QVERIFY2(body.last() != heading, qPrintable(QString("page %1 ends on %2").arg(p).arg(heading)));
        }
        QVERIFY(pages >= 2); // the table runs over pages, each with its header
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
