// Speculative decoding gives the target's greedy tokens whatever the draft, and
// its counters add up.
#include "core/Errors.h"
#include "models/engine/Generation.h"
#include "models/engine/SpeculativeGeneration.h"
#include "testsupport/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace llmdse;

class TestSpeculative : public QObject {
    Q_OBJECT

    static ModelWeights fixture(const QString& name) { return loadCheckpoint((test::dataDir() + "/fixtures/" + name).toStdString()); }

    // Which draft: "self" (the target), "layers1" (its first layer), "random" (synthetic weights).
    static ModelWeights makeDraft(const ModelWeights& target, const QString& kind)
    {
        if (kind == "self") return target;
        if (kind == "layers1") return firstLayers(target, 1);
        return syntheticWeights(target.spec, 7);
    }

    // The llama fixture's prompt, folded into the target's vocabulary.
    static std::vector<int> prompt(int vocab = 320)
    {
        std::vector<int> p{60, 115, 290, 100, 228, 160, 83, 259, 152, 19, 165, 94};
        for (int& t : p) t %= vocab;
        return p;
    }

    static void checkCounts(const SpeculativeResult& s, int n)
    {
        QCOMPARE(int(s.newTokens.size()), n);
        QCOMPARE(s.accepted + s.corrections + s.bonus + s.lastSteps + 1, (long long)n);
        QCOMPARE(s.steps, s.corrections + s.bonus + s.lastSteps);
        QCOMPARE(s.reached[0], (long long)(s.steps - s.lastSteps));
        long long acc = 0;
        for (size_t i = 0; i < s.acceptedAt.size(); ++i) {
            acc += s.acceptedAt[i];
            QVERIFY(s.acceptedAt[i] <= s.reached[i]);
            if (i > 0) QVERIFY(s.reached[i] <= s.acceptedAt[i - 1]); // reached only after the one before was accepted
        }
        QCOMPARE(acc, s.accepted);
        QCOMPARE(s.tokensPerStep(), double(s.accepted + s.steps) / s.steps);
    }

private Q_SLOTS:
    void identicalToGreedy_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("draft");
        QTest::addColumn<int>("k");
        for (const char* fx : {"tiny-llama-gqa", "tiny-mixtral-moe"})
            for (const char* d : {"self", "layers1", "random"})
                for (int k : {1, 3, 4, 7})
                    QTest::addRow("%s %s k=%d", fx, d, k) << QString(fx) << QString(d) << k;
    }

    // The same tokens as plain greedy decoding of the target, for any draft and draft length.
    void identicalToGreedy()
    {
        QFETCH(QString, target);
        QFETCH(QString, draft);
        QFETCH(int, k);
        const int n = 40;
        ModelWeights tw = fixture(target);
        ReferenceEngine d(makeDraft(tw, draft));
        ReferenceEngine t(std::move(tw));
        const std::vector<int> p = prompt(t.spec().vocab);
        const auto plain = generate(t, {p}, n, SamplingOptions{}).newTokens[0];
        const SpeculativeResult s = generateSpeculative(t, d, p, n, k);
        QCOMPARE(s.newTokens, plain);
        checkCounts(s, n);
        if (draft == "self") {
            QCOMPARE(s.accepted, s.proposed);
            QCOMPARE(s.corrections, 0);
            for (int i = 0; i < k; ++i)
                if (s.reached[size_t(i)]) QCOMPARE(s.acceptanceAt(i), 1.0);
        }
        if (draft == "random") QVERIFY2(s.acceptanceRate() < 0.3, qPrintable(QString::number(s.acceptanceRate())));
        qInfo("%s draft %s k=%d: acceptance %.3f, %.2f tokens/step", qPrintable(target), qPrintable(draft), k, s.acceptanceRate(),
              s.tokensPerStep());
    }

    // draft == target, 10 tokens, k = 4: the prefill gives token 1; step 1 proposes 4, all
    // accepted, + bonus (tokens 2..6); step 2 may only propose 3 (tokens 7..9) + bonus (10).
    // 2 steps, 7 accepted, (7 + 2) / 2 = 4.5 tokens per step; positions reached 2, 2, 2, 1 times.
    void handComputedTokensPerStep()
    {
        ModelWeights w = fixture("tiny-llama-gqa");
        ReferenceEngine d(w), t(std::move(w));
        const SpeculativeResult s = generateSpeculative(t, d, prompt(), 10, 4);
        QCOMPARE(s.steps, 2);
        QCOMPARE(s.proposed, 7LL);
        QCOMPARE(s.accepted, 7LL);
        QCOMPARE(s.bonus, 2);
        QCOMPARE(s.tokensPerStep(), 4.5);
        QCOMPARE(s.reached, (std::vector<long long>{2, 2, 2, 1}));
        checkCounts(s, 10);
    }

    // A draft that is never right: every step yields the target's one token.
    void rejectedDraftYieldsOneTokenPerStep()
    {
        ModelWeights w = fixture("tiny-llama-gqa");
        ReferenceEngine d(syntheticWeights(w.spec, 7)), t(std::move(w));
        const SpeculativeResult s = generateSpeculative(t, d, prompt(), 16, 4);
        checkCounts(s, 16);
        QCOMPARE(s.steps, 15 - int(s.accepted));
    }

    // Rolling the cache back and re-running gives the logits of a cache that never saw the rejected tokens.
    void truncateIsARollback()
    {
        ReferenceEngine e(fixture("tiny-llama-gqa"));
        KvCache a(e.spec(), 1, 32), b(e.spec(), 1, 32);
        e.forward({{1, 2, 3}}, a);
        e.forward({{9, 8, 7, 6}}, a);
        a.truncate(4);
        QCOMPARE(a.position(), 4);
        const RowMatrix la = e.forward({{5}}, a);
        e.forward({{1, 2, 3, 9}}, b);
        const RowMatrix lb = e.forward({{5}}, b);
        QVERIFY((la - lb).cwiseAbs().maxCoeff() < 1e-5f);
        QVERIFY_THROWS_EXCEPTION(InputError, a.truncate(99));
    }

    void mismatchedVocabularyIsAnError()
    {
        ReferenceEngine t(fixture("tiny-llama-gqa")), d(fixture("tiny-mixtral-moe"));
        QVERIFY_THROWS_EXCEPTION(InputError, generateSpeculative(t, d, prompt(), 8, 4));
        QVERIFY_THROWS_EXCEPTION(InputError, firstLayers(t.weights(), 3));
    }

    // The command line: identical tokens and the statistics in JSON.
    void runCommandJson()
    {
        const auto r = test::runLlmdse({"run", "--checkpoint", test::dataDir() + "/fixtures/tiny-llama-gqa", "--input-ids",
                                        "60,115,290,100", "--max-new-tokens", "12", "--draft-layers", "1", "--draft-len", "3",
                                        "--format", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(o["identical_to_plain"].toBool());
        QCOMPARE(o["new_tokens"].toArray().size(), 12);
        QCOMPARE(o["acceptance_by_position"].toArray().size(), 3);
        QVERIFY(o["speedup"].toDouble() > 0);
        QCOMPARE(o["accepted"].toInt() + o["corrections"].toInt() + o["bonus"].toInt() + o["last_steps"].toInt() + 1, 12);
    }
};

QTEST_GUILESS_MAIN(TestSpeculative)
#include "tst_speculative.moc"
