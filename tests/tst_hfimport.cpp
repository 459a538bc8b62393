// Hugging Face config.json import (the fixtures in tests/data/fixtures) and the bundled zoos.
#include "core/HardwareZoo.h"
#include "models/HfConfigImporter.h"
#include "models/ModelZoo.h"
#include "testsupport/TestSupport.h"

#include <QDir>
#include <QtTest>
#include <set>

using namespace llmdse;

class TestHfImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(test::dataDir() + "/fixtures");
        int n = 0;
        for (const QString& sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString cfg = dir.filePath(sub + "/config.json");
            if (QFileInfo::exists(cfg)) {
                QTest::newRow(qPrintable(sub)) << cfg;
                ++n;
            }
        }
        QVERIFY2(n >= 2, qPrintable("expected the tiny fixtures under " + dir.path()));
    }

    // Every fixture imports; the two known ones have the shapes written in their configs.
    void fixtures()
    {
        QFETCH(QString, path);
        const ModelSpec m = importHfConfigFile(path.toStdString());
        const std::string id = QFileInfo(path).dir().dirName().toStdString();
        QCOMPARE(m.id, id); // "config" is replaced by the checkpoint folder's name
        QVERIFY(m.totalParams() > 0);
        QCOMPARE(m.qDim() % m.kvDim(), 0);
        if (id == "tiny-llama-gqa") {
            QCOMPARE(m.family, std::string("llama"));
            QCOMPARE(m.hidden, 64);
            QCOMPARE(m.layers, 2);
            QCOMPARE(m.heads, 4);
            QCOMPARE(m.kvHeads, 2);
            QCOMPARE(m.headDim, 16);
            QCOMPARE(m.intermediate, 160);
            QCOMPARE(m.vocab, 320);
            QCOMPARE(m.ropeTheta, 10000.0); // from rope_parameters (transformers 5 layout)
            QVERIFY(!m.tiedEmbeddings);
            QVERIFY(!m.isMoe());
        } else if (id == "tiny-mixtral-moe") {
            QCOMPARE(m.family, std::string("mixtral"));
            QCOMPARE(m.hidden, 48);
            QCOMPARE(m.heads, 4);
            QCOMPARE(m.kvHeads, 4);
            QCOMPARE(m.headDim, 12); // "head_dim": null -> hidden / heads
            QCOMPARE(m.experts, 4);
            QCOMPARE(m.expertsPerToken, 2);
            QCOMPARE(m.expertIntermediate, 96);
            QCOMPARE(m.vocab, 256);
            QVERIFY(m.isMoe());
            // 2 layers x (attention 4*48*48 + router 48*4 + 4 experts x 3*48*96 + 2 norms 2*48)
            // + embedding and lm_head 2*256*48 + final norm 48.
            const double hand = 2.0 * (4 * 48 * 48 + 48 * 4 + 4 * 3 * 48 * 96 + 2 * 48) + 2.0 * 256 * 48 + 48;
            QCOMPARE(m.totalParams(), hand);
        }
    }

    void modelZooLoads()
    {
        const auto& zoo = modelZoo();
        QVERIFY2(zoo.size() >= 12, qPrintable(QString::number(zoo.size())));
        int moe = 0;
        std::set<std::string> ids;
        for (const auto& m : zoo) {
            QVERIFY2(ids.insert(m.id).second, m.id.c_str()); // unique ids
            QVERIFY2(m.totalParams() > 0.1e9 && m.totalParams() < 1e12, m.id.c_str());
            QVERIFY2(m.activeParamsPerToken() <= m.totalParams(), m.id.c_str());
            QVERIFY2(!m.source.empty(), m.id.c_str());
            m.validate(); // throws on an inconsistent shape
            if (m.isMoe()) ++moe;
        }
        QVERIFY(moe >= 2);
        for (const char* id : {"llama-2-7b", "llama-3-8b", "qwen2.5-1.5b", "mixtral-8x7b"})
            QVERIFY2(ids.count(id), id);
    }

    void familyTraits()
    {
        const ModelSpec qwen = resolveModel("qwen2.5-1.5b");
        QCOMPARE(qwen.family, std::string("qwen2"));
        QVERIFY(qwen.qkvBias);
        QVERIFY(!qwen.outputBias);
        bool sawGemma = false;
        for (const auto& m : modelZoo())
            if (m.family == "gemma") {
                sawGemma = true;
                QVERIFY2(m.tiedEmbeddings, m.id.c_str());
                QCOMPARE(m.headDim, 256);
                QCOMPARE(m.lmHeadParams(), 0.0);
            }
        QVERIFY(sawGemma);
        QVERIFY(!resolveModel("llama-2-7b").qkvBias);
        const ModelSpec mixtral = resolveModel("mixtral-8x7b");
        QVERIFY(mixtral.activeParamsPerToken() < 0.4 * mixtral.totalParams()); // ~13B of ~47B
    }

    void hardwareZooLoads()
    {
        const auto& zoo = hardwareZoo();
        QVERIFY2(zoo.size() >= 16, qPrintable(QString::number(zoo.size())));
        std::set<std::string> ids;
        std::set<HardwareClass> classes;
        for (const auto& hw : zoo) {
            QVERIFY2(ids.insert(hw.id).second, hw.id.c_str());
            classes.insert(hw.cls);
            QVERIFY2(!hw.source.empty(), hw.id.c_str());
            QVERIFY2(hw.tdpW > 0 && hw.idleW >= 0 && hw.idleW <= hw.tdpW, hw.id.c_str());
            QVERIFY2(hw.mainMemory().bandwidthBytesPerS > 0 && hw.mainMemory().capacityBytes > 0, hw.id.c_str());
            QVERIFY2(hw.peakFor(Precision::FP16) > 0, hw.id.c_str());
        }
        QCOMPARE(classes.size(), size_t(5));
        for (const char* id : {"h100-sxm", "h200-sxm", "a100-80gb", "mi300x", "jetson-agx-orin", "xeon-8480-amx",
                               "epyc-9654", "m2-ultra", "tpu-v5e", "groq-lpu", "alveo-u280", "samsung-hbm-pim",
                               "sk-hynix-aim"})
            QVERIFY2(ids.count(id), id);
        QVERIFY(ids.count("rtx-4090") || ids.count("l4"));
        bool versal = false;
        for (const auto& hw : zoo) versal = versal || QString::fromStdString(hw.name).contains("Versal");
        QVERIFY(versal);
        // The PIM presets really are PIM (near-bank bandwidth above the host interface).
        for (const char* id : {"samsung-hbm-pim", "sk-hynix-aim"}) {
            const HardwareSpec hw = resolveHardware(id);
            QVERIFY2(hw.isPim() && hw.cls == HardwareClass::PIM, id);
            QVERIFY2(hw.pimInternalBandwidthBytesPerS > hw.mainMemory().bandwidthBytesPerS, id);
        }
    }
};

QTEST_GUILESS_MAIN(TestHfImport)
#include "tst_hfimport.moc"
