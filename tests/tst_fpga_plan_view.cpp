// The FPGA plan view (offscreen): one row per stage of the compiled plan, each with its four
// resource bars; a design that is not on an FPGA shows why there is no plan.
#include "ui/FpgaPlanView.h"

#include <QComboBox>
#include <QProgressBar>
#include <QTableWidget>
#include <QtTest>

using namespace llmdse;

class TestFpgaPlanView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneRowPerStage()
    {
        QJsonObject design{{"model", "llama-2-7b"}, {"hardware", "alveo-u280"}, {"weights", "int4:g128"}};
        FpgaPlanView view([&] { return design; });
        view.resize(1100, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.rows(), 6); // attn_in, attention, attn_out, mlp_in, mlp_out, head
        auto* table = view.findChild<QTableWidget*>("fpgaStages");
        QVERIFY(table);
        QStringList stages;
        for (int r = 0; r < table->rowCount(); ++r) {
            stages << table->item(r, 0)->text();
            for (int c = 4; c < 8; ++c) QVERIFY(qobject_cast<QProgressBar*>(table->cellWidget(r, c)));
            QVERIFY(table->item(r, 8)->text().toDouble() > 0); // II cycles
        }
        QCOMPARE(stages, (QStringList{"attn_in", "attention", "attn_out", "mlp_in", "mlp_out", "head"}));
        const QString overlayIi = table->item(0, 8)->text();
        auto* style = view.findChild<QComboBox*>("fpgaStyle");
        style->setCurrentIndex(style->findData("dataflow"));
        QCOMPARE(view.rows(), 6);
        QVERIFY(table->item(0, 8)->text() != overlayIi); // the dataflow stage has its own lanes and ports

        design["hardware"] = "h100-sxm";
        view.compile();
        QCOMPARE(view.rows(), 0);
        QVERIFY2(view.statusText().contains("not an FPGA"), qPrintable(view.statusText()));
    }
};

QTEST_MAIN(TestFpgaPlanView)
#include "tst_fpga_plan_view.moc"
