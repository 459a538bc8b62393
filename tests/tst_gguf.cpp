// GGUF: ggml's encodings (half floats, Q8_0, Q4_0) computed by hand, a file round-trip of
// every metadata type and tensor type, the export of a checkpoint (architecture keys,
// Q/K rows permuted into GGML's RoPE order) and malformed files refused with a message.
#include "testsupport/TestSupport.h"
#include "core/Errors.h"
#include "models/engine/ModelWeights.h"
#include "models/gguf/GgufExport.h"
#include "models/gguf/GgufReader.h"
#include "models/gguf/GgufWriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>

using namespace llmdse;

namespace {

std::vector<std::uint8_t> encode(GgmlType t, const std::vector<float>& x)
{
    std::vector<std::uint8_t> out;
    encodeRow(t, x.data(), std::int64_t(x.size()), out);
    return out;
}

QByteArray header(std::uint64_t tensors, std::uint64_t kv)
{
    QByteArray b("GGUF", 4);
    const std::uint32_t version = 3;
    b.append(reinterpret_cast<const char*>(&version), 4);
    b.append(reinterpret_cast<const char*>(&tensors), 8);
    b.append(reinterpret_cast<const char*>(&kv), 8);
    return b;
}

template <class T> void put(QByteArray& b, T v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void putString(QByteArray& b, const std::string& s)
{
    put<std::uint64_t>(b, s.size());
    b.append(s.data(), qsizetype(s.size()));
}

} // namespace

class TestGguf : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void halfFloatsRoundToNearestEven_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<int>("bits");
        QTest::newRow("one") << 1.0f << 0x3c00;
        QTest::newRow("minus two") << -2.0f << 0xc000;
        QTest::newRow("largest") << 65504.0f << 0x7bff;
        QTest::newRow("65519 rounds down") << 65519.0f << 0x7bff;
        QTest::newRow("65520 overflows") << 65520.0f << 0x7c00;
        QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -24) << 0x0001;
        QTest::newRow("half of it ties to 0") << std::ldexp(1.0f, -25) << 0x0000;
        QTest::newRow("1.5 units ties to 2") << 3.0f * std::ldexp(1.0f, -25) << 0x0002;
        QTest::newRow("smallest normal") << std::ldexp(1.0f, -14) << 0x0400;
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to the even mantissa (1).
        QTest::newRow("tie to even down") << 1.0f + std::ldexp(1.0f, -11) << 0x3c00;
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9: rounds up.
        QTest::newRow("tie to even up") << 1.0f + 3.0f * std::ldexp(1.0f, -11) << 0x3c02;
        QTest::newRow("infinity") << INFINITY << 0x7c00;
    }

    void halfFloatsRoundToNearestEven()
    {
        QFETCH(float, value);
        QFETCH(int, bits);
        QCOMPARE(int(fp32ToFp16(value)), bits);
        if (std::isfinite(value) && bits != 0x7c00) QCOMPARE(fp16ToFp32(std::uint16_t(bits)), fp16ToFp32(fp32ToFp16(value)));
    }

    void q8BlockByHand()
    {
        // 0, 0.1, ..., 3.1: max |x| = 3.1 -> scale 3.1 / 127 (as half), q = round(x / scale).
        std::vector<float> x(32);
        for (int i = 0; i < 32; ++i) x[size_t(i)] = 0.1f * float(i);
        const auto b = encode(GgmlType::Q8_0, x);
        QCOMPARE(b.size(), size_t(34));
        const std::uint16_t scaleBits = std::uint16_t(b[0] | (b[1] << 8));
        QCOMPARE(scaleBits, fp32ToFp16(3.1f / 127.0f));
        const float id = 1.0f / (3.1f / 127.0f); // the quantiser divides by the unrounded scale
        for (int i = 0; i < 32; ++i) QCOMPARE(int(std::int8_t(b[2 + size_t(i)])), int(std::roundf(x[size_t(i)] * id)));
        QCOMPARE(int(std::int8_t(b[2 + 31])), 127);
        QCOMPARE(int(std::int8_t(b[2 + 10])), 41); // 1.0 * 127 / 3.1 = 40.97
    }

    void q4BlockByHand()
    {
        // Largest magnitude is -4 (sign kept): scale = -4 / -8 = 0.5; nibble = x / 0.5 + 8.
        std::vector<float> x(32, 0.0f);
        x[0] = -4.0f;   // -> 0
        x[1] = 1.0f;    // -> 10
        x[16] = 3.2f;   // -> 3.2 / 0.5 + 8.5 = 14.9, truncated: 14
        x[17] = 3.6f;   // -> 15.7, truncated: 15
        const auto b = encode(GgmlType::Q4_0, x);
        QCOMPARE(b.size(), size_t(18));
        QCOMPARE(fp16ToFp32(std::uint16_t(b[0] | (b[1] << 8))), 0.5f);
        QCOMPARE(int(b[2 + 0] & 0x0f), 0);
        QCOMPARE(int(b[2 + 0] >> 4), 14);
        QCOMPARE(int(b[2 + 1] & 0x0f), 10);
        QCOMPARE(int(b[2 + 1] >> 4), 15);
        QCOMPARE(int(b[2 + 2] & 0x0f), 8); // zeros sit at the offset 8
        std::vector<float> back(32);
        decodeRow(GgmlType::Q4_0, b.data(), 32, back.data());
        QCOMPARE(back[0], -4.0f);
        QCOMPARE(back[1], 1.0f);
        QCOMPARE(back[17], 3.5f);
    }

    void fileRoundTripsEveryField()
    {
        GgufWriter w;
        w.add("u8", {GgufValueType::UInt8, std::uint64_t(200), {}, {}});
        w.add("i8", {GgufValueType::Int8, std::int64_t(-100), {}, {}});
        w.add("u16", {GgufValueType::UInt16, std::uint64_t(60000), {}, {}});
        w.add("i16", {GgufValueType::Int16, std::int64_t(-30000), {}, {}});
        w.add("u32", GgufValue::u32(4000000000u));
        w.add("i32", GgufValue::i32(-2000000000));
        w.add("u64", GgufValue::u64(1ull << 60));
        w.add("i64", {GgufValueType::Int64, std::int64_t(-(1ll << 60)), {}, {}});
        w.add("f32", GgufValue::f32(1.5f));
        w.add("f64", {GgufValueType::Float64, 0.1, {}, {}});
        w.add("bool", GgufValue::boolean(true));
        w.add("string", GgufValue::string("llmdse \xc3\xa9"));
        w.add("array", GgufValue::array(GgufValueType::Int32, {GgufValue::i32(1), GgufValue::i32(-2)}));
        w.add("strings", GgufValue::array(GgufValueType::String, {GgufValue::string("a"), GgufValue::string("")}));
        std::vector<float> row(64);
        for (int i = 0; i < 64; ++i) row[size_t(i)] = std::sin(float(i));
        for (auto t : {GgmlType::F32, GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0})
            w.addTensor(std::string("t.") + toString(t), {64, 2}, t, [&row, t](std::vector<std::uint8_t>& out) {
                encodeRow(t, row.data(), 64, out);
                encodeRow(t, row.data(), 64, out);
            });
        const std::string path = dir_.filePath("all.gguf").toStdString();
        w.write(path);
        const GgufFile g = readGguf(path, true);
        QCOMPARE(g.version, 3u);
        QCOMPARE(g.metadata.size(), size_t(14));
        QCOMPARE(g.find("u8")->asInt(), 200);
        QCOMPARE(g.find("i8")->asInt(), -100);
        QCOMPARE(g.find("u16")->asInt(), 60000);
        QCOMPARE(g.find("i16")->asInt(), -30000);
        QCOMPARE(g.find("u32")->asInt(), 4000000000ll);
        QCOMPARE(g.find("i32")->asInt(), -2000000000ll);
        QCOMPARE(g.find("u64")->asInt(), 1ll << 60);
        QCOMPARE(g.find("i64")->asInt(), -(1ll << 60));
        QCOMPARE(g.find("f32")->asNumber(), 1.5);
        QCOMPARE(g.find("f64")->asNumber(), 0.1);
        QCOMPARE(g.find("bool")->asInt(), 1);
        QCOMPARE(g.find("string")->asString(), std::string("llmdse \xc3\xa9"));
        QCOMPARE(g.find("array")->elements.size(), size_t(2));
        QCOMPARE(g.find("array")->elements[1].asInt(), -2);
        QVERIFY(*g.find("strings") == GgufValue::array(GgufValueType::String, {GgufValue::string("a"), GgufValue::string("")}));
        QCOMPARE(g.tensors.size(), size_t(4));
        for (const auto& t : g.tensors) {
            QCOMPARE(t.dims, (std::vector<std::int64_t>{64, 2}));
            QCOMPARE(t.offset % 32, std::uint64_t(0));
            std::vector<float> back(128);
            decodeRow(t.type, t.data.data(), 128, back.data());
            const float tol = t.type == GgmlType::F32 ? 0.0f : t.type == GgmlType::F16 ? 1e-3f : t.type == GgmlType::Q8_0 ? 1e-2f : 0.15f;
            for (int i = 0; i < 128; ++i) QVERIFY2(std::fabs(back[size_t(i)] - row[size_t(i % 64)]) <= tol, t.name.c_str());
        }
    }

    void exportWritesLlamaArchitecture()
    {
        const ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
        const ModelSpec& m = w.spec;
        const std::string path = dir_.filePath("tiny.gguf").toStdString();
        exportGguf(w, GgmlType::F32, path);
        const GgufFile g = readGguf(path, true);
        QCOMPARE(g.find("general.architecture")->asString(), std::string("llama"));
        QCOMPARE(g.find("llama.block_count")->asInt(), std::int64_t(m.layers));
        QCOMPARE(g.find("llama.embedding_length")->asInt(), std::int64_t(m.hidden));
        QCOMPARE(g.find("llama.attention.head_count_kv")->asInt(), std::int64_t(m.kvHeads));
        QCOMPARE(g.find("llama.rope.freq_base")->asNumber(), double(float(m.ropeTheta)));
        QCOMPARE(g.find("tokenizer.ggml.tokens")->elements.size(), size_t(m.vocab));
        QCOMPARE(g.find("tokenizer.ggml.tokens")->elements[3 + 0x41].asString(), std::string("<0x41>"));
        QCOMPARE(g.tensors.size(), size_t(1 + 9 * m.layers + 1 + (m.tiedEmbeddings ? 0 : 1)));
        // Q rows of head h: GGUF row h*d + 2j + t holds Hugging Face row h*d + t*d/2 + j.
        const GgufTensor* q = g.tensor("blk.1.attn_q.weight");
        QVERIFY(q);
        QCOMPARE(q->dims, (std::vector<std::int64_t>{m.hidden, m.qDim()}));
        const RowMatrix& qkv = w.layers[1].qkv.dense();
        const int d = m.headDim;
        for (int h = 0; h < m.heads; ++h)
            for (int j = 0; j < d / 2; ++j)
                for (int t = 0; t < 2; ++t) {
                    float row0;
                    std::memcpy(&row0, q->data.data() + 4 * size_t((h * d + 2 * j + t) * m.hidden), 4);
                    QCOMPARE(row0, qkv(h * d + t * (d / 2) + j, 0));
                }
        // V rows are not permuted.
        const GgufTensor* v = g.tensor("blk.0.attn_v.weight");
        float v0;
        std::memcpy(&v0, v->data.data() + 4 * size_t(3 * m.hidden + 5), 4);
        QCOMPARE(v0, w.layers[0].qkv.dense()(m.qDim() + m.kvDim() + 3, 5));
    }

    void exportRefusesWhatLlamaCppCannotRun()
    {
        ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-mixtral-moe").toStdString());
        QVERIFY_THROWS_EXCEPTION(InputError, exportGguf(w, GgmlType::F16, dir_.filePath("moe.gguf").toStdString()));
        QVERIFY_THROWS_EXCEPTION(InputError, parseGgufWeights("q5_k", "--weights"));
    }

    void malformedFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        QTest::newRow("not gguf") << QByteArray("GGML....................") << "magic";
        QByteArray v4("GGUF", 4);
        put<std::uint32_t>(v4, 4);
        put<std::uint64_t>(v4, 0);
        put<std::uint64_t>(v4, 0);
        QTest::newRow("version 4") << v4 << "version";
        QTest::newRow("absurd tensor count") << header(1ull << 40, 0) << "tensor_count";
        QByteArray longKey = header(0, 1);
        put<std::uint64_t>(longKey, 1ull << 50);
        QTest::newRow("key length past the end") << longKey << "bound";
        QByteArray badType = header(0, 1);
        putString(badType, "k");
        put<std::uint32_t>(badType, 99);
        QTest::newRow("unknown value type") << badType << "value type";
        QByteArray bigArray = header(0, 1);
        putString(bigArray, "k");
        put<std::uint32_t>(bigArray, 9);
        put<std::uint32_t>(bigArray, 4);
        put<std::uint64_t>(bigArray, 1ull << 40);
        QTest::newRow("array larger than the file") << bigArray << "cannot fit";
        auto tensor = [](std::vector<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset) {
            QByteArray b = header(1, 0);
            putString(b, "w");
            put<std::uint32_t>(b, std::uint32_t(dims.size()));
            for (auto d : dims) put<std::uint64_t>(b, d);
            put<std::uint32_t>(b, type);
            put<std::uint64_t>(b, offset);
            while (b.size() % 32) b.append('\0');
            b.append(QByteArray(64, '\0'));
            return b;
        };
        QTest::newRow("dimension product overflows") << tensor({1ull << 40, 1ull << 40}, 0, 0) << "2^48";
        QTest::newRow("five dimensions") << tensor({1, 1, 1, 1, 1}, 0, 0) << "n_dims";
        QTest::newRow("unknown ggml type") << tensor({4}, 13, 0) << "ggml type";
        QTest::newRow("unaligned offset") << tensor({4}, 0, 3) << "aligned";
        QTest::newRow("data past the end") << tensor({100}, 0, 0) << "run past";
        QTest::newRow("q8 row not whole blocks") << tensor({30}, 8, 0) << "32-weight blocks";
        QTest::newRow("truncated") << header(2, 2).left(20) << "truncated";
    }

    void malformedFilesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const QString path = test::writeFile(dir_, "bad.gguf", bytes);
        try {
            readGguf(path.toStdString());
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expect), e.what());
            QVERIFY2(QString(e.what()).contains("bad.gguf"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestGguf)
#include "tst_gguf.moc"
