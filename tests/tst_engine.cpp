// The reference engine against the transformers library's own outputs.
#include "core/Errors.h"
#include "models/engine/Generation.h"
#include "models/engine/Linear.h"
#include "models/engine/Safetensors.h"
#include "models/engine/VectorMath.h"
#include "models/engine/ModelWeights.h"
#include "testsupport/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <random>
#include <tuple>

using namespace llmdse;

class TestEngine : public QObject {
    Q_OBJECT

    struct Expected {
        std::vector<int> ids, greedy;
        std::vector<std::vector<double>> logits;
    };

    static Expected expected(const QString& fixture)
    {
        QFile f(test::dataDir() + "/fixtures/" + fixture + "/expected.json");
        if (!f.open(QIODevice::ReadOnly)) return {};
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        Expected e;
        for (const auto& v : o["input_ids"].toArray()) e.ids.push_back(v.toInt());
        for (const auto& v : o["greedy_new_tokens"].toArray()) e.greedy.push_back(v.toInt());
        for (const auto& row : o["logits"].toArray()) {
            e.logits.emplace_back();
            for (const auto& v : row.toArray()) e.logits.back().push_back(v.toDouble());
        }
        return e;
    }

    static double maxAbsDiff(const RowMatrix& a, const std::vector<std::vector<double>>& b)
    {
        double m = 0;
        for (size_t r = 0; r < b.size(); ++r)
            for (size_t c = 0; c < b[r].size(); ++c) m = std::max(m, std::fabs(double(a(Eigen::Index(r), Eigen::Index(c))) - b[r][c]));
        return m;
    }

private Q_SLOTS:
    void fixtures_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("llama-gqa") << "tiny-llama-gqa";
        QTest::newRow("mixtral-moe") << "tiny-mixtral-moe";
        QTest::newRow("gemma") << "tiny-gemma"; // GeGLU, embedding scale, (1 + w) norms, tied head, MQA
        QTest::newRow("phi3") << "tiny-phi3";   // fused qkv_proj and gate_up_proj
        QTest::newRow("mistral-window") << "tiny-mistral-window"; // sliding window of 4 over a 10-token prompt
    }

    // Prompt logits within 1e-4 of transformers (fp32) and the identical greedy continuation.
    void fixtures()
    {
        QFETCH(QString, fixture);
        const Expected e = expected(fixture);
        QVERIFY2(!e.ids.empty(), "fixture expected.json not found");
        ReferenceEngine engine(loadCheckpoint((test::dataDir() + "/fixtures/" + fixture).toStdString()));
        SamplingOptions greedy;
        GenerationResult r = generate(engine, {e.ids}, int(e.greedy.size()), greedy, true);
        QCOMPARE(r.promptLogits.rows(), Eigen::Index(e.logits.size()));
        QCOMPARE(r.promptLogits.cols(), Eigen::Index(e.logits[0].size()));
        QVERIFY2(maxAbsDiff(r.promptLogits, e.logits) < 1e-4, qPrintable(QString::number(maxAbsDiff(r.promptLogits, e.logits))));
        QCOMPARE(r.newTokens[0], e.greedy);
    }

    // Quantised weights stay close to fp32: bound stated relative to the largest |logit|.
    void quantisedCloseToFp32_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<double>("bound");
        QTest::newRow("int8 g32") << "int8:g32" << 0.02;  // 8-bit: <2% of max |logit|
        QTest::newRow("int4 g16") << "int4:g16" << 0.20;  // 4-bit: <20% of max |logit|
        // Whole 32-value blocks take the integer dot products against int8-quantised activations.
        QTest::newRow("int4 g32") << "int4:g32" << 0.20;
        QTest::newRow("int8 g64") << "int8:g64" << 0.02;
        QTest::newRow("fp16") << "fp16" << 0.002;  // 11-bit mantissa
        QTest::newRow("bf16") << "bf16" << 0.02;   // 8-bit mantissa
    }
    void quantisedCloseToFp32()
    {
        QFETCH(QString, format);
        QFETCH(double, bound);
        const Expected e = expected("tiny-llama-gqa");
        ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
        const double fp32Bytes = w.bytes();
        w.quantize(parseQuantFormat(format.toStdString(), "weights"));
        QVERIFY(w.bytes() < fp32Bytes); // the projections really shrank
        ReferenceEngine engine(std::move(w));
        GenerationResult r = generate(engine, {e.ids}, 1, SamplingOptions{}, true);
        double maxLogit = 0;
        for (const auto& row : e.logits)
            for (double v : row) maxLogit = std::max(maxLogit, std::fabs(v));
        const double err = maxAbsDiff(r.promptLogits, e.logits);
        QVERIFY2(err > 0, "quantisation changed nothing");
        QVERIFY2(err < bound * maxLogit, qPrintable(QString("error %1 vs max logit %2").arg(err).arg(maxLogit)));
    }

    // The output projection can be stored in the format too (a tied head gets its own copy):
    // fewer bytes, logits still within the format's bound.
    void quantisedHeadCloseToFp32()
    {
        const Expected e = expected("tiny-llama-gqa");
        ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
        ModelWeights body = w;
        body.quantize(parseQuantFormat("int8:g32", "weights"));
        w.quantize(parseQuantFormat("int8:g32", "weights"), true);
        QVERIFY(w.quantizedHead && !body.quantizedHead);
        QVERIFY(w.bytes() < body.bytes() - 0.5 * double(w.spec.vocab) * w.spec.hidden * 4);
        ReferenceEngine engine(std::move(w));
        GenerationResult r = generate(engine, {e.ids}, 1, SamplingOptions{}, true);
        double maxLogit = 0;
        for (const auto& row : e.logits)
            for (double v : row) maxLogit = std::max(maxLogit, std::fabs(v));
        QVERIFY(maxAbsDiff(r.promptLogits, e.logits) < 0.02 * maxLogit);
    }

    // The integer kernels tile rows differently for a prompt (several activation rows per
    // weight panel) than for one token; both give the same logits.
    void integerPrefillMatchesDecode()
    {
        for (const char* fmt : {"int8:g32", "int4:g32", "int8:g16"}) {
            ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
            w.quantize(parseQuantFormat(fmt, "weights"), true);
            ReferenceEngine engine(std::move(w));
            const std::vector<int> ids{5, 9, 14, 2, 100, 7, 42};
            KvCache whole(engine.spec(), 1, 16), steps(engine.spec(), 1, 16);
            const RowMatrix all = engine.forward({ids}, whole, true);
            for (size_t i = 0; i < ids.size(); ++i) {
                const RowMatrix one = engine.forward({{ids[i]}}, steps);
                const double err = (one.row(0) - all.row(Eigen::Index(i))).cwiseAbs().maxCoeff();
                QVERIFY2(err < 0.01 * all.row(Eigen::Index(i)).cwiseAbs().maxCoeff(), qPrintable(QString("%1 position %2: %3").arg(fmt).arg(i).arg(err)));
            }
        }
    }

    // The integer kernels against a product worked out here from the same rounding: int4 and
    // int8 weights (amax / qmax per group, fp16 scale) times fp32 activations. What remains is the
    // activations' own 8-bit rounding (< 2% of the largest output). Row counts off the kernels'
    // groups of 8 and prompt tiles of 4, groups of 1, 2 and 4 activation blocks.
    void integerKernelsMatchDequantised()
    {
        std::mt19937 rng(7);
        std::normal_distribution<float> n01;
        for (const char* fmt : {"int4:g32", "int4:g64", "int8:g32", "int4:g128"})
            for (int out : {37, 48}) {
                const QuantFormat q = parseQuantFormat(fmt, "weights");
                const int in = 128, qmax = q.precision == Precision::INT8 ? 127 : 7;
                RowMatrix w(out, in), x(8, in);
                for (auto* m : {&w, &x})
                    for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = n01(rng);
                RowMatrix deq(out, in);
                for (int r = 0; r < out; ++r)
                    for (int g0 = 0; g0 < in; g0 += q.groupSize) {
                        const float amax = w.row(r).segment(g0, q.groupSize).cwiseAbs().maxCoeff();
                        const float s = halfToFloat(floatToHalf(amax / float(qmax)));
                        for (int c = g0; c < g0 + q.groupSize; ++c)
                            deq(r, c) = s * float(std::clamp(int(std::lround(w(r, c) / s)), -qmax, qmax));
                    }
                Linear lin(w);
                lin.quantize(q);
                for (int rows : {1, 3, 7, 8}) {
                    RowMatrix y;
                    lin.apply(x.topRows(rows), y);
                    const RowMatrix ref = x.topRows(rows) * deq.transpose();
                    const double err = (y - ref).cwiseAbs().maxCoeff();
                    QVERIFY2(err < 0.02 * ref.cwiseAbs().maxCoeff(), qPrintable(QString("%1 out %2 rows %3: %4").arg(fmt).arg(out).arg(rows).arg(err)));
                }
            }
    }

    // Integer weights: any number of activation rows (passes of 8, of 4 and the rest, next-group
    // prefetch up to 8 rows) gives each row what it gets alone, for a last group of fewer than 8
    // weight rows too.
    void integerRowsMatchSingleRows()
    {
        std::mt19937 rng(23);
        std::normal_distribution<float> n01;
        for (const char* fmt : {"int8:g32", "int8:g128", "int4:g32"}) {
            RowMatrix w(45, 256), x(20, 256);
            for (auto* m : {&w, &x})
                for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = n01(rng);
            Linear lin(w);
            lin.quantize(parseQuantFormat(fmt, "weights"));
            RowMatrix alone(x.rows(), w.rows()), one;
            for (Eigen::Index j = 0; j < x.rows(); ++j) {
                lin.apply(x.row(j), one);
                alone.row(j) = one.row(0);
            }
            for (int rows : {2, 5, 8, 9, 12, 16, 20}) {
                RowMatrix y;
                lin.apply(x.topRows(rows), y);
                QVERIFY2((y - alone.topRows(rows)).cwiseAbs().maxCoeff() <= 1e-6 * alone.cwiseAbs().maxCoeff(),
                         qPrintable(QString("%1 rows %2").arg(fmt).arg(rows)));
            }
        }
    }

    // fp16 weights: one activation row (decode's row-after-row kernel) and several give the
    // product with the rounded weights, for widths with and without a tail past the vectors.
    void halfRowsMatchRoundedWeights()
    {
        std::mt19937 rng(11);
        std::normal_distribution<float> n01;
        for (int in : {96, 100, 896})
            for (int rows : {1, 3}) {
                RowMatrix w(45, in), x(rows, in);
                for (auto* m : {&w, &x})
                    for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = n01(rng);
                RowMatrix rounded = w.unaryExpr([](float v) { return halfToFloat(floatToHalf(v)); });
                Linear lin(w);
                lin.quantize(parseQuantFormat("fp16", "weights"));
                RowMatrix y;
                lin.apply(x, y);
                const RowMatrix ref = x * rounded.transpose();
                QVERIFY2((y - ref).cwiseAbs().maxCoeff() < 1e-4 * ref.cwiseAbs().maxCoeff(), qPrintable(QString("in %1 rows %2").arg(in).arg(rows)));
            }
    }

    // fp32 weights: every activation-row count (one row's dot products, the tiles, and 6-8 rows
    // interleaved and broadcast against each weight) gives the plain product, with a bias, a
    // last group of fewer than 8 weight rows and widths with and without a tail past the vectors.
    void fp32RowsMatchThePlainProduct()
    {
        std::mt19937 rng(17);
        std::normal_distribution<float> n01;
        for (int in : {96, 101})
            for (int out : {7, 45, 200}) {
                RowMatrix w(out, in), x(12, in);
                for (auto* m : {&w, &x})
                    for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = n01(rng);
                const Eigen::VectorXf bias = Eigen::VectorXf::Random(out);
                const Linear lin(w, bias);
                for (int rows = 1; rows <= 12; ++rows) {
                    RowMatrix y;
                    lin.apply(x.topRows(rows), y);
                    const RowMatrix ref = (x.topRows(rows) * w.transpose()).rowwise() + bias.transpose();
                    QVERIFY2((y - ref).cwiseAbs().maxCoeff() < 1e-4 * (1 + ref.cwiseAbs().maxCoeff()),
                             qPrintable(QString("in %1 out %2 rows %3").arg(in).arg(out).arg(rows)));
                }
            }
    }

    // The gated activations, the softmax and greedy argmax (AVX2 bodies where the CPU has them) against the
    // formulas in double precision: the range a model produces and far past it (saturating, not
    // inf or NaN), lengths with and without a tail past the vectors, and NaN passed through.
    void vectorMathMatchesTheFormulas()
    {
        std::vector<float> g, up;
        for (int i = 0; i <= 400; ++i) g.push_back(-20.0f + 0.1f * float(i));
        for (float v : {-1000.0f, -95.0f, -88.0f, 88.0f, 95.0f, 1000.0f, 1e-30f, -1e-30f, 0.0f}) g.push_back(v);
        for (size_t i = 0; i < g.size(); ++i) up.push_back(0.5f + 0.01f * float(i % 37));
        for (int n : {int(g.size()), 8, 5}) {
            std::vector<float> silu(static_cast<size_t>(n)), gelu(static_cast<size_t>(n));
            kernels::siluGate(g.data(), up.data(), silu.data(), n);
            kernels::geluTanhGate(g.data(), up.data(), gelu.data(), n);
            for (int i = 0; i < n; ++i) {
                const double a = g[size_t(i)], u = up[size_t(i)];
                const double refSilu = a / (1.0 + std::exp(-a)) * u;
                const double refGelu = 0.5 * a * (1.0 + std::tanh(0.7978845608028654 * (a + 0.044715 * a * a * a))) * u;
                const double tol = 2e-6 * (1.0 + std::abs(a * u));
                QVERIFY2(std::abs(silu[size_t(i)] - refSilu) <= tol, qPrintable(QString("silu(%1)").arg(a)));
                QVERIFY2(std::abs(gelu[size_t(i)] - refGelu) <= tol, qPrintable(QString("gelu(%1)").arg(a)));
            }
        }
        for (int n : {1, 7, 8, 161}) {
            std::vector<float> s(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) s[size_t(i)] = 30.0f * std::sin(0.7f * float(i));
            std::vector<double> ref(static_cast<size_t>(n));
            const double m = *std::max_element(s.begin(), s.end());
            double total = 0;
            for (int i = 0; i < n; ++i) total += ref[size_t(i)] = std::exp((s[size_t(i)] - m) * 0.125);
            kernels::softmaxScaled(s.data(), n, 0.125f);
            for (int i = 0; i < n; ++i)
                QVERIFY2(std::abs(s[size_t(i)] - ref[size_t(i)] / total) <= 1e-6 * (ref[size_t(i)] / total) + 1e-9,
                         qPrintable(QString("softmax n %1 at %2").arg(n).arg(i)));
        }
        // Greedy argmax: the first of equal maxima, in the vectors or the tail, NaN never chosen.
        const float nan = std::numeric_limits<float>::quiet_NaN(), one = 1.0f, inf = std::numeric_limits<float>::infinity();
        for (int n : {1, 5, 8, 37, 151936}) {
            std::vector<float> x(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) x[size_t(i)] = std::sin(0.37f * float(i)) - 2.0f;
            for (int at : {0, n / 2, n - 1}) {
                std::vector<float> y = x;
                y[size_t(at)] = 3.0f;
                if (at + 3 < n) y[size_t(at + 3)] = 3.0f; // a later tie
                if (at > 0) y[size_t(at - 1)] = nan;
                QCOMPARE(kernels::argmax(y.data(), n), at);
            }
        }
        const std::vector<float> allLow{-inf, -inf, nan, -inf}, allNan{nan, nan};
        QCOMPARE(kernels::argmax(allLow.data(), 4), 0);
        QCOMPARE(kernels::argmax(allNan.data(), 2), 0);

        float out = 0;
        kernels::siluGate(&nan, &one, &out, 1);
        QVERIFY(std::isnan(out));
        kernels::geluTanhGate(&nan, &one, &out, 1);
        QVERIFY(std::isnan(out));
    }

    // A batch of two sequences gives each the same tokens as running it alone.
    void batchMatchesSingle()
    {
        ReferenceEngine engine(loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString()));
        const std::vector<int> a{5, 9, 14, 2}, b{100, 7, 42, 250};
        GenerationResult both = generate(engine, {a, b}, 6, SamplingOptions{});
        QCOMPARE(both.newTokens[0], generate(engine, {a}, 6, SamplingOptions{}).newTokens[0]);
        QCOMPARE(both.newTokens[1], generate(engine, {b}, 6, SamplingOptions{}).newTokens[0]);
    }

    // Prompts of unequal lengths in one batch (left-padded, the padding masked): each gets the
    // tokens and the logits it gets alone, also past a sliding window.
    void unequalPromptsMatchSingle()
    {
        for (const char* fixture : {"tiny-llama-gqa", "tiny-mistral-window"}) {
            ReferenceEngine engine(loadCheckpoint((test::dataDir() + "/fixtures/" + fixture).toStdString()));
            const std::vector<int> a{5, 9, 14, 2, 100, 7, 42}, b{100, 7}, c{3, 1, 4, 1, 5};
            GenerationResult all = generate(engine, {a, b, c}, 6, SamplingOptions{}, true);
            const std::vector<std::vector<int>> prompts{a, b, c};
            for (size_t i = 0; i < prompts.size(); ++i)
                QCOMPARE(all.newTokens[i], generate(engine, {prompts[i]}, 6, SamplingOptions{}).newTokens[0]);
            // The first sequence's prompt logits (not the padding's), as alone.
            GenerationResult alone = generate(engine, {b}, 1, SamplingOptions{}, true);
            GenerationResult shortFirst = generate(engine, {b, a}, 1, SamplingOptions{}, true);
            QCOMPARE(shortFirst.promptLogits.rows(), Eigen::Index(b.size()));
            QVERIFY((shortFirst.promptLogits - alone.promptLogits).cwiseAbs().maxCoeff() < 1e-4);
        }
    }

    // Grouped-query attention equals multi-head attention with each KV head repeated for its
    // query heads: groups of 9 and 12 query heads per KV head (the broadcast scores in chunks of
    // 8 query heads plus a rest of 1 or 4) against one head per KV head (dot products), head
    // dimensions 16 and 12 (values against probabilities in the AVX2 kernel, and in Eigen).
    void groupedAttentionEqualsRepeatedHeads()
    {
        for (auto [heads, kvHeads, hd] : {std::tuple{12, 1, 16}, std::tuple{18, 2, 12}}) {
            ModelSpec m;
            m.id = "tiny-gqa";
            m.family = "llama";
            m.hidden = 48;
            m.layers = 2;
            m.heads = heads;
            m.kvHeads = kvHeads;
            m.headDim = hd;
            m.intermediate = 64;
            m.vocab = 96;
            ModelWeights gqa = syntheticWeights(m, 5);
            ModelWeights mha = gqa;
            mha.spec.kvHeads = heads;
            const int group = heads / kvHeads;
            for (LayerWeights& L : mha.layers) {
                const RowMatrix& w = L.qkv.dense();
                RowMatrix stacked(3 * heads * hd, m.hidden);
                stacked.topRows(heads * hd) = w.topRows(heads * hd);
                for (int part = 0; part < 2; ++part) // k, then v
                    for (int h = 0; h < heads; ++h)
                        stacked.middleRows((1 + part) * heads * hd + h * hd, hd) =
                            w.middleRows(heads * hd + part * kvHeads * hd + (h / group) * hd, hd);
                L.qkv = Linear(stacked);
            }
            ReferenceEngine a(std::move(gqa)), b(std::move(mha));
            const std::vector<std::vector<int>> prompts{{3, 14, 15, 92, 65, 35, 89, 79, 32, 38}, {2, 71, 82, 81, 82, 84, 59, 4, 52, 35}};
            GenerationResult ra = generate(a, prompts, 8, SamplingOptions{}, true), rb = generate(b, prompts, 8, SamplingOptions{}, true);
            QCOMPARE(ra.newTokens, rb.newTokens);
            QVERIFY2((ra.promptLogits - rb.promptLogits).cwiseAbs().maxCoeff() < 1e-4 * (1 + rb.promptLogits.cwiseAbs().maxCoeff()),
                     qPrintable(QString("%1 heads, %2 kv heads").arg(heads).arg(kvHeads)));
        }
    }

    void seededSamplingIsReproducible()
    {
        ReferenceEngine engine(syntheticWeights([] {
            ModelSpec m;
            m.id = "tiny";
            m.family = "llama";
            m.hidden = 32;
            m.layers = 1;
            m.heads = 2;
            m.kvHeads = 1;
            m.headDim = 16;
            m.intermediate = 48;
            m.vocab = 64;
            return m;
        }()));
        SamplingOptions s;
        s.greedy = false;
        s.temperature = 1.5;
        s.topP = 0.9;
        s.seed = 11;
        const auto first = generate(engine, {{1, 2, 3}}, 12, s).newTokens[0];
        QCOMPARE(generate(engine, {{1, 2, 3}}, 12, s).newTokens[0], first);
        s.seed = 12;
        QVERIFY(generate(engine, {{1, 2, 3}}, 12, s).newTokens[0] != first);
        for (int t : first) QVERIFY(t >= 0 && t < 64);
    }

    void outOfVocabularyIsAnError()
    {
        ReferenceEngine engine(loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString()));
        QVERIFY_THROWS_EXCEPTION(InputError, generate(engine, {{1, 5000}}, 2, SamplingOptions{}));
    }

    void tooLargeForMemoryIsAnError()
    {
        ModelSpec m = ModelSpec();
        m.id = "huge";
        m.family = "llama";
        m.hidden = 16384;
        m.layers = 200;
        m.heads = 128;
        m.kvHeads = 8;
        m.headDim = 128;
        m.intermediate = 53248;
        m.vocab = 128256;
        try {
            syntheticWeights(m);
            QFAIL("a 1T-parameter model should not fit");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("too large for this machine") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
