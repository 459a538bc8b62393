// The area model against physics and a published chip: area grows with the
// array and the SRAM and shrinks with the node; Google's TPU v1 comes out
// near its published die; FPGA utilisation is the hand-counted resource use.
#include "core/Errors.h"
#include "core/FpgaParts.h"
#include "estimators/area/AreaModel.h"

#include "testsupport/ReferenceChips.h"

#include <QtTest>

using namespace llmdse;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

AcceleratorTemplate fp16Template()
{
    AcceleratorTemplate t;
    t.macsPerPe[int(Precision::FP16)] = 1;
    t.macsPerPe[int(Precision::INT8)] = 2;
    t.memory.kind = "hbm3";
    t.memory.channels = 4;
    return t;
}


AcceleratorTemplate fpgaTemplate(const char* part, int side, double globalMiB)
{
    AcceleratorTemplate t;
    t.arrayRows = t.arrayCols = side;
    t.macsPerPe[int(Precision::INT8)] = 1;
    t.vectorLanes = 16;
    t.localSramBytes = 1 * kMiB;
    t.globalBufferBytes = globalMiB * kMiB;
    t.fpga = resolveFpgaPart(part, "template.fpga.part");
    return t;
}

} // namespace

class TestArea : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void growsWithArrayAndSram()
    {
        const AcceleratorTemplate base = fp16Template();
        const AreaBreakdown a = estimateArea(base);
        QVERIFY(a.matrixMm2 > 0 && a.vectorMm2 > 0 && a.localSramMm2 > 0 && a.globalBufferMm2 > 0);
        QVERIFY(a.memoryPhyMm2 > 0 && a.overheadMm2 > 0);
        QCOMPARE(a.pimMm2, 0.0);

        AcceleratorTemplate big = base;
        big.arrayRows *= 2;
        const AreaBreakdown b = estimateArea(big);
        QVERIFY(b.total() > a.total());
        QCOMPARE(b.matrixMm2, 2 * a.matrixMm2); // PEs are identical: area is linear in their count

        AcceleratorTemplate sram = base;
        sram.localSramBytes *= 4;
        sram.globalBufferBytes *= 4;
        const AreaBreakdown s = estimateArea(sram);
        QVERIFY(s.localSramMm2 > a.localSramMm2 && s.globalBufferMm2 > a.globalBufferMm2);
        QVERIFY(s.total() > a.total());

        AcceleratorTemplate cores = base;
        cores.cores = 4;
        QVERIFY(estimateArea(cores).total() > 3 * (a.total() - a.memoryPhyMm2 - a.globalBufferMm2));

        AcceleratorTemplate pim = base;
        pim.pim = PimUnits{};
        const AreaBreakdown p = estimateArea(pim);
        QVERIFY(p.pimMm2 > 0);
        QCOMPARE(p.acceleratorDieMm2(), a.total()); // PIM logic sits on the memory dies
    }

    void fp32PeIsLargerThanFp16ThanInt8()
    {
        AcceleratorTemplate t = fp16Template();
        const double fp16 = estimateArea(t).matrixMm2;
        t.macsPerPe = {};
        t.macsPerPe[int(Precision::INT8)] = 1;
        const double int8 = estimateArea(t).matrixMm2;
        t.macsPerPe = {};
        t.macsPerPe[int(Precision::FP32)] = 1;
        const double fp32 = estimateArea(t).matrixMm2;
        QVERIFY(int8 < fp16 && fp16 < fp32);
        t.macsPerPe = {};
        QVERIFY_THROWS_EXCEPTION(InputError, estimateArea(t));
    }

    void shrinksWithNode_data()
    {
        QTest::addColumn<double>("larger");
        QTest::addColumn<double>("smaller");
        QTest::newRow("65->45") << 65.0 << 45.0;
        QTest::newRow("28->16") << 28.0 << 16.0;
        QTest::newRow("16->7") << 16.0 << 7.0;
        QTest::newRow("7->5") << 7.0 << 5.0;
        QTest::newRow("5->3") << 5.0 << 3.0;
    }

    void shrinksWithNode()
    {
        QFETCH(double, larger);
        QFETCH(double, smaller);
        AcceleratorTemplate a = fp16Template(), b = fp16Template();
        a.processNm = larger;
        b.processNm = smaller;
        const AreaBreakdown x = estimateArea(a), y = estimateArea(b);
        QVERIFY(y.matrixMm2 < x.matrixMm2);
        QVERIFY(y.localSramMm2 <= x.localSramMm2); // SRAM cells stopped shrinking at 5 -> 3 nm
        QVERIFY(y.total() < x.total());
        QVERIFY(y.memoryPhyMm2 < x.memoryPhyMm2); // controllers shrink...
        QVERIFY(y.memoryPhyMm2 > 4 * 10.45);       // ...the four HBM PHYs do not
        // The tabulated Stillmaker & Baas factors come back exactly.
        QCOMPARE(areaNodeFactor(7), 0.059);
        QCOMPARE(areaNodeFactor(45), 1.0);
    }

    // Jouppi et al. (ISCA 2017) give no exact die area: "less than half" of the
    // 662 mm^2 Haswell, so <= 331 mm^2; their floor plan (Fig. 2) puts data
    // buffers at 37%, compute at 30%, I/O at 10% and control at 2% of it. No
    // constant here came from that chip.
    void recoversTpuV1Die()
    {
        const AreaBreakdown a = estimateArea(test::tpuV1());
        const double die = 331;
        const double compute = a.matrixMm2 + a.vectorMm2;
        const double buffers = a.localSramMm2 + a.globalBufferMm2;
        qInfo("TPU v1 estimate: %.1f mm^2 (%.2f of 331): matrix %.1f, vector %.1f, local %.1f, global %.1f, "
              "memory if %.1f, overhead %.1f; compute %.2f of the 30%% share, buffers %.2f of the 37%% share",
              a.total(), a.total() / die, a.matrixMm2, a.vectorMm2, a.localSramMm2, a.globalBufferMm2, a.memoryPhyMm2,
              a.overheadMm2, compute / (0.30 * die), buffers / (0.37 * die));
        // Compute (the part the model is built for): at most its share of the
        // bound and at least 60% of it (0.70 at the time of writing).
        QVERIFY2(compute > 0.6 * 0.30 * die && compute <= 0.30 * die, qPrintable(QString::number(compute)));
        // Whole die: between 45% and 100% of the bound. Known gap: the SRAM model
        // uses the densest (high-density 6T) bit cell and CACTI array efficiency,
        // and comes out at ~0.4 of the floor plan's buffer share; TPU v1's wide,
        // double-ported buffers are evidently less dense. PCIe, host interface
        // and the unlabelled ~21% of the floor plan are not in the template.
        QVERIFY2(a.total() > 0.45 * die && a.total() <= die, qPrintable(QString::number(a.total())));
    }

    void fpgaParts()
    {
        const FpgaPart u = resolveFpgaPart("u280", "f");
        QCOMPARE(u.dsp, 9024);
        QCOMPARE(u.bram36, 2016);
        QCOMPARE(u.uram, 960);
        QCOMPARE(u.lutK, 1304.0);
        QCOMPARE(fpgaDspFamily(u), std::string("dsp48e2"));
        QCOMPARE(fpgaDspFamily(resolveFpgaPart("vc1902", "f")), std::string("dsp58"));
        QCOMPARE(fpgaPartIds(), (std::vector<std::string>{"u280", "vc1902", "vu37p"}));
        try {
            resolveFpgaPart("vu9p", "template.fpga.part");
            QFAIL("no error for an unknown part");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("template.fpga.part"));
            QCOMPARE(e.reason(), std::string("unknown FPGA part 'vu9p' (known: u280, vc1902, vu37p)"));
        }
        QVERIFY_THROWS_EXCEPTION(InputError, fpgaUtilisation(fp16Template()));
    }

    void fpgaUtilisationByHand_data()
    {
        QTest::addColumn<QString>("part");
        QTest::addColumn<int>("side");
        QTest::addColumn<double>("globalMiB");
        QTest::addColumn<double>("dsp");
        QTest::addColumn<double>("uram");
        QTest::addColumn<double>("bram");
        QTest::addColumn<QString>("limiting");
        // 64 x 64 int8 PEs at two MACs per DSP48E2 (WP486) + 16 fp32 lanes at 3 DSPs;
        // 1 + 4 MiB of SRAM in 32 KiB UltraRAMs.
        QTest::newRow("u280 64x64") << "u280" << 64 << 4.0 << (4096 / 2.0 + 16 * 3) / 9024 << 160 / 960.0 << 0.0
                                    << "dsp";
        // Three int8 MACs per DSP58 and one fp32 FMA per DSP58; 160 of 463 UltraRAMs.
        QTest::newRow("vc1902 64x64") << "vc1902" << 64 << 4.0 << (4096 / 3.0 + 16) / 1968 << 160 / 463.0 << 0.0
                                      << "dsp";
        // 256 x 256 needs 3.6x the DSPs.
        QTest::newRow("u280 256x256") << "u280" << 256 << 4.0 << (65536 / 2.0 + 48) / 9024 << 160 / 960.0 << 0.0
                                      << "dsp";
        // 65 MiB: all 960 UltraRAMs (30 MiB), the other 35 MiB in 8,960 BRAM36s of 2,016.
        QTest::newRow("u280 65 MiB") << "u280" << 64 << 64.0 << (4096 / 2.0 + 48) / 9024 << 1.0 << 8960 / 2016.0
                                     << "bram";
    }

    void fpgaUtilisationByHand()
    {
        QFETCH(QString, part);
        QFETCH(int, side);
        QFETCH(double, globalMiB);
        QFETCH(double, dsp);
        QFETCH(double, uram);
        QFETCH(double, bram);
        QFETCH(QString, limiting);
        const FpgaUtilisation u = fpgaUtilisation(fpgaTemplate(part.toUtf8().constData(), side, globalMiB));
        QVERIFY(qFuzzyCompare(u.dsp, dsp));
        QVERIFY(qFuzzyCompare(u.uram, uram));
        QVERIFY(qFuzzyCompare(1 + u.bram, 1 + bram));
        QVERIFY(u.lut > 0 && u.lut < 1);
        QCOMPARE(QString::fromStdString(u.limiting()), limiting);
        QCOMPARE(u.max() > 1, side == 256 || globalMiB > 40);
    }
};

QTEST_GUILESS_MAIN(TestArea)
#include "tst_area.moc"
