// SnapKV compression: the selection rule by hand, the cache it leaves, and
// no change at all when the budget covers the prompt.
#include "core/Errors.h"
#include "models/engine/SnapKv.h"
#include "testsupport/TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace llmdse;

class TestSnapKv : public QObject {
    Q_OBJECT

    static ModelWeights fixture(const QString& name) { return loadCheckpoint((test::dataDir() + "/fixtures/" + name).toStdString()); }

    static std::vector<int> longPrompt(int n, int vocab)
    {
        std::vector<int> p;
        for (int i = 0; i < n; ++i) p.push_back((37 * i + 11) % vocab);
        return p;
    }

private Q_SLOTS:
    void selectByHand_data()
    {
        QTest::addColumn<std::vector<float>>("votes");
        QTest::addColumn<int>("budget");
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("pool");
        QTest::addColumn<std::vector<int>>("kept");
        const std::vector<float> v{0.1f, 0.9f, 0.2f, 0.05f, 0.3f, 0.0f, 0.0f, 0.8f, 0.1f, 0.1f};
        // 10 slots, window 2 keeps 8 and 9; the prefix is 0..7.
        // No pooling: the top 2 of the prefix are 1 (0.9) and 7 (0.8).
        QTest::newRow("no pool") << v << 4 << 2 << 1 << std::vector<int>{1, 7, 8, 9};
        // Kernel 3 (within the prefix): pooled = .9 .9 .9 .3 .3 .3 .8 .8 -> ties to the earlier slot: 0, 1, 2.
        QTest::newRow("pool 3") << v << 5 << 2 << 3 << std::vector<int>{0, 1, 2, 8, 9};
        // Kernel 7: every prefix slot within 3 of slot 1 (0..4) pools to 0.9; 5..7 see slot 7's 0.8 first.
        QTest::newRow("pool 7") << v << 4 << 2 << 7 << std::vector<int>{0, 1, 8, 9};
        QTest::newRow("budget = window") << v << 3 << 3 << 7 << std::vector<int>{7, 8, 9};
        QTest::newRow("budget covers all") << v << 10 << 2 << 7 << std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        QTest::newRow("off") << v << 0 << 2 << 7 << std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    }

    void selectByHand()
    {
        QFETCH(std::vector<float>, votes);
        QFETCH(int, budget);
        QFETCH(int, window);
        QFETCH(int, pool);
        QFETCH(std::vector<int>, kept);
        QCOMPARE(snapKvSelect(votes, SnapKvOptions{budget, window, pool}), kept);
    }

    void badOptionsAreErrors()
    {
        const std::vector<float> v(10, 1.f);
        QVERIFY_THROWS_EXCEPTION(InputError, snapKvSelect(v, SnapKvOptions{4, 5, 7}));
        QVERIFY_THROWS_EXCEPTION(InputError, snapKvSelect(v, SnapKvOptions{4, 2, 4}));
    }

    // The capture holds, per kv head, window x (query heads per kv head) rows of
    // softmax weights: they sum to exactly that.
    void captureSumsSoftmaxRows()
    {
        ReferenceEngine e(fixture("tiny-llama-gqa"));
        const auto p = longPrompt(20, e.spec().vocab);
        KvCache c(e.spec(), 1, 32);
        AttentionCapture cap;
        cap.window = 5;
        e.capture = &cap;
        e.forward({p}, c);
        e.capture = nullptr;
        const int group = e.spec().heads / e.spec().kvHeads;
        for (int l = 0; l < e.spec().layers; ++l)
            for (int h = 0; h < e.spec().kvHeads; ++h) {
                double sum = 0;
                for (int k = 0; k < 20; ++k) sum += cap.at(l, 0, h)[k];
                QVERIFY(std::fabs(sum - 5.0 * group) < 1e-4);
            }
    }

    // A small budget leaves exactly `budget` slots in every layer and kv head, the window among them,
    // and the next token's position unchanged.
    void smallBudgetKeepsBudgetSlots()
    {
        for (const char* fx : {"tiny-llama-gqa", "tiny-mixtral-moe"}) {
            ReferenceEngine e(fixture(fx));
            const int S = 48, budget = 12, window = 4;
            KvCache c(e.spec(), 1, S + 4);
            AttentionCapture cap;
            cap.window = window;
            e.capture = &cap;
            e.forward({longPrompt(S, e.spec().vocab)}, c);
            e.capture = nullptr;
            const auto kept = compressSnapKv(c, cap, SnapKvOptions{budget, window, 7});
            QCOMPARE(int(kept.size()), e.spec().layers * e.spec().kvHeads);
            for (const auto& k : kept) {
                QCOMPARE(int(k.size()), budget);
                QVERIFY(std::is_sorted(k.begin(), k.end()));
                for (int w = 0; w < window; ++w) QCOMPARE(k[size_t(budget - window + w)], S - window + w);
            }
            QCOMPARE(c.length(), budget);
            QCOMPARE(c.position(), S);
            e.forward({{3}}, c); // decodes over the compacted cache
            QCOMPARE(c.length(), budget + 1);
        }
    }

    void budgetCoveringPromptIsExact_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("budget");
        QTest::newRow("llama = S") << "tiny-llama-gqa" << 32;
        QTest::newRow("llama > S") << "tiny-llama-gqa" << 64;
        QTest::newRow("mixtral = S") << "tiny-mixtral-moe" << 32;
    }

    void budgetCoveringPromptIsExact()
    {
        QFETCH(QString, fixture);
        QFETCH(int, budget);
        ReferenceEngine e(this->fixture(fixture));
        const SnapKvReport r = evaluateSnapKv(e, longPrompt(32, e.spec().vocab), 12, SnapKvOptions{budget, 8, 7});
        QCOMPARE(r.keptSlots, 32);
        QCOMPARE(r.keptFraction, 1.0);
        QCOMPARE(r.compared, 11);
        QCOMPARE(r.maxAbsLogitDelta, 0.0);
        QCOMPARE(r.top1Agreement, 1.0);
        QCOMPARE(r.compressedTokens, r.referenceTokens);
    }

    // Smaller budgets keep fewer slots; the error is reported, and shrinks to 0 at full budget.
    void smallerBudgetsReportError()
    {
        ReferenceEngine e(fixture("tiny-llama-gqa"));
        const auto p = longPrompt(64, e.spec().vocab);
        for (int budget : {8, 16, 32, 64}) {
            const SnapKvReport r = evaluateSnapKv(e, p, 16, SnapKvOptions{budget, 4, 7});
            QCOMPARE(r.keptSlots, budget);
            QVERIFY(r.maxAbsLogitDelta >= 0);
            QVERIFY(r.top1Agreement >= 0 && r.top1Agreement <= 1);
            if (budget == 64) QCOMPARE(r.maxAbsLogitDelta, 0.0);
            qInfo("budget %d of 64: max |dlogit| %.4g, top-1 agreement %.3f", budget, r.maxAbsLogitDelta, r.top1Agreement);
        }
    }

    void runCommandJson()
    {
        const auto r = test::runLlmdse({"run", "--checkpoint", test::dataDir() + "/fixtures/tiny-llama-gqa", "--input-ids",
                                        "60,115,290,100,228,160,83,259,152,19,165,94", "--max-new-tokens", "8", "--kv-budget",
                                        "6", "--kv-window", "2", "--format", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["kept_slots"].toInt(), 6);
        QCOMPARE(o["kept_fraction"].toDouble(), 0.5);
        QCOMPARE(o["compared_positions"].toInt(), 7);
        QVERIFY(o.contains("max_abs_logit_delta") && o.contains("top1_agreement"));
    }
};

QTEST_GUILESS_MAIN(TestSnapKv)
#include "tst_snapkv.moc"
