// What the engine counts while it runs equals what the operator graph predicts.
#include "models/OpGraph.h"
#include "models/engine/ReferenceEngine.h"

#include <QtTest>

using namespace llmdse;

class TestEngineCounters : public QObject {
    Q_OBJECT

    static ModelSpec shape(bool qkvBias)
    {
        ModelSpec m;
        m.id = "probe";
        m.family = qkvBias ? "qwen2" : "llama";
        m.hidden = 96;
        m.layers = 3;
        m.heads = 6;
        m.kvHeads = 2;
        m.headDim = 16;
        m.intermediate = 160;
        m.vocab = 200;
        m.qkvBias = qkvBias;
        return m;
    }

    static void compare(const OpGraph& g, const OpCounters& c, double context)
    {
        for (const Op& op : g.ops) {
            auto it = c.ops().find(op.name);
            QVERIFY2(it != c.ops().end(), op.name);
            const double flops = op.count * op.flops.at(context);
            const double bytes = op.count * op.bytes().at(context);
            QVERIFY2(std::fabs(it->second.flops - flops) <= 1e-9 * std::max(1.0, flops),
                     qPrintable(QString("%1 flops %2 vs graph %3").arg(op.name).arg(it->second.flops).arg(flops)));
            QVERIFY2(std::fabs(it->second.bytes - bytes) <= 1e-9 * std::max(1.0, bytes),
                     qPrintable(QString("%1 bytes %2 vs graph %3").arg(op.name).arg(it->second.bytes).arg(bytes)));
        }
        QCOMPARE(c.ops().size(), g.ops.size()); // nothing the graph does not know about
    }

private Q_SLOTS:
    void prefillAndDecode_data()
    {
        QTest::addColumn<bool>("bias");
        QTest::addColumn<QString>("weights");
        QTest::addColumn<int>("batch");
        QTest::newRow("llama fp32 b1") << false << "fp32" << 1;
        QTest::newRow("llama fp32 b3") << false << "fp32" << 3;
        QTest::newRow("qwen2 bias int8 b2") << true << "int8:g32" << 2;
        QTest::newRow("llama int4 b1") << false << "int4:g16" << 1;
    }

    void prefillAndDecode()
    {
        QFETCH(bool, bias);
        QFETCH(QString, weights);
        QFETCH(int, batch);
        const ModelSpec m = shape(bias);
        const QuantFormat wf = parseQuantFormat(weights.toStdString(), "weights");
        ModelWeights w = syntheticWeights(m);
        w.quantize(wf);
        ReferenceEngine engine(std::move(w));
        Optimizations o;
        o.weights = wf;
        o.activations = Precision::FP32;
        o.kvCache = {Precision::FP32, 0};
        const int S = 7;

        std::vector<std::vector<int>> prompt(size_t(batch), std::vector<int>{3, 1, 4, 1, 5, 9, 2});
        KvCache cache(m, batch, S + 3);
        OpCounters c;
        engine.counters = &c;
        engine.forward(prompt, cache);
        OpGraph g;
        buildPrefill(m, o, Parallelism{}, batch, S, g);
        compare(g, c, 0);

        // Two decode steps: the second attends over S + 2 tokens.
        std::vector<std::vector<int>> step(size_t(batch), std::vector<int>{6});
        engine.forward(step, cache);
        c.clear();
        engine.forward(step, cache);
        buildDecode(m, o, Parallelism{}, batch, g);
        compare(g, c, S + 2);
    }
};

QTEST_GUILESS_MAIN(TestEngineCounters)
#include "tst_engine_counters.moc"
