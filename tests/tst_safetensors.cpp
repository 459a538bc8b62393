// Malformed safetensors files and checkpoints: a clear error, never a crash.
#include "core/Errors.h"
#include "models/engine/ModelWeights.h"
#include "models/engine/Safetensors.h"
#include "testsupport/TestSupport.h"

#include <QFile>
#include <QtTest>

using namespace llmdse;

namespace {

QByteArray file(const QByteArray& header, const QByteArray& data)
{
    QByteArray out(8, 0);
    quint64 n = static_cast<quint64>(header.size());
    for (int i = 0; i < 8; ++i) out[i] = char((n >> (8 * i)) & 0xff);
    return out + header + data;
}

QByteArray floats(int n) { return QByteArray(n * 4, 0); }

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void malformed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expect"); // part of the message
        QTest::newRow("truncated, no header length") << QByteArray("abc") << "truncated";
        QTest::newRow("header length past the end") << file("{}", {}).left(8) + QByteArray("{") << "runs past the end";
        {
            QByteArray f = file("{}", {});
            f[0] = char(0xff);
            f[1] = char(0xff);
            QTest::newRow("huge header length") << f << "runs past the end";
        }
        QTest::newRow("header not JSON") << file("{not json", {}) << "not a JSON object";
        QTest::newRow("unknown dtype") << file(R"({"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", QByteArray(16, 0))
                                       << "unsupported dtype 'I64'";
        QTest::newRow("offsets past data") << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", floats(2))
                                           << "outside the data section";
        QTest::newRow("shape vs bytes") << file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", floats(4))
                                        << "shape needs 12 bytes";
        QTest::newRow("negative dimension") << file(R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", floats(4))
                                            << "whole numbers between 0 and 2^53";
        QTest::newRow("overlapping tensors")
            << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                    floats(6))
            << "overlap";
        QTest::newRow("offsets not a pair") << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0]}})", floats(4))
                                            << "[begin, end]";
    }

    void malformed()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expect);
        QTemporaryDir dir;
        const QString path = test::writeFile(dir, "model.safetensors", content);
        try {
            SafetensorsFile f(path.toStdString());
            QFAIL("expected an error");
        } catch (const InputError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.contains(expect), qPrintable(msg));
            QVERIFY2(msg.contains(path), qPrintable(msg)); // names the file
        }
    }

    void validFileReadsValues()
    {
        QTemporaryDir dir;
        QByteArray data(8, 0);
        const float v[2] = {1.5f, -2.0f};
        std::memcpy(data.data(), v, 8);
        const QString path = test::writeFile(dir, "m.safetensors",
                                             file(R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data));
        SafetensorsFile f(path.toStdString());
        const TensorView* t = f.find("w");
        QVERIFY(t);
        float out[2];
        t->toFloat(out);
        QCOMPARE(out[0], 1.5f);
        QCOMPARE(out[1], -2.0f);
        QCOMPARE(halfToFloat(0x3c00), 1.0f);  // fp16 one
        QCOMPARE(bfloat16ToFloat(0xc000), -2.0f);
    }

    // A checkpoint split over shards with model.safetensors.index.json loads like a single file.
    void shardedCheckpoint()
    {
        const QString fixture = test::dataDir() + "/fixtures/tiny-llama-gqa";
        SafetensorsFile whole((fixture + "/model.safetensors").toStdString());
        QTemporaryDir dir;
        QFile::copy(fixture + "/config.json", dir.filePath("config.json"));
        // Alternate tensors between two shards.
        QByteArray headers[2] = {"{", "{"}, data[2];
        QByteArray index = R"({"metadata":{},"weight_map":{)";
        int i = 0;
        for (const auto& t : whole.tensors()) {
            const int s = i++ % 2;
            QString shape;
            for (auto d : t.shape) shape += (shape.isEmpty() ? "" : ",") + QString::number(d);
            headers[s] += QString(R"(%1"%2":{"dtype":"F32","shape":[%3],"data_offsets":[%4,%5]})")
                              .arg(headers[s].size() > 1 ? "," : "", QString::fromStdString(t.name), shape)
                              .arg(data[s].size())
                              .arg(data[s].size() + qsizetype(t.bytes))
                              .toUtf8();
            data[s] += QByteArray(reinterpret_cast<const char*>(t.data), qsizetype(t.bytes));
            index += QString(R"(%1"%2":"shard-%3.safetensors")").arg(i > 1 ? "," : "", QString::fromStdString(t.name)).arg(s).toUtf8();
        }
        for (int s = 0; s < 2; ++s) test::writeFile(dir, QString("shard-%1.safetensors").arg(s), file(headers[s] + "}", data[s]));
        test::writeFile(dir, "model.safetensors.index.json", index + "}}");
        const ModelWeights a = loadCheckpoint(fixture.toStdString());
        const ModelWeights b = loadCheckpoint(dir.path().toStdString());
        QCOMPARE(b.layers.size(), a.layers.size());
        QCOMPARE(b.embed, a.embed);
        QCOMPARE(b.layers[1].qkv.dense(), a.layers[1].qkv.dense());
        QCOMPARE(b.lmHead.dense(), a.lmHead.dense());
    }

    // A checkpoint whose tensors disagree with config.json: missing tensor, wrong shape.
    void checkpointMismatch_data()
    {
        QTest::addColumn<QString>("tensorName");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("expect");
        QTest::newRow("missing tensor") << "model.something_else" << "[4,8]" << "missing from the checkpoint";
        QTest::newRow("shape mismatch") << "model.embed_tokens.weight" << "[4,8]" << "config.json implies [16, 8]";
    }
    void checkpointMismatch()
    {
        QFETCH(QString, tensorName);
        QFETCH(QString, shape);
        QFETCH(QString, expect);
        QTemporaryDir dir;
        test::writeFile(dir, "config.json",
                        R"({"model_type":"llama","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,
                            "num_key_value_heads":1,"intermediate_size":16,"vocab_size":16})");
        const QByteArray header = QString(R"({"%1":{"dtype":"F32","shape":%2,"data_offsets":[0,128]}})").arg(tensorName, shape).toUtf8();
        test::writeFile(dir, "model.safetensors", file(header, floats(32)));
        try {
            loadCheckpoint(dir.path().toStdString());
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expect), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
