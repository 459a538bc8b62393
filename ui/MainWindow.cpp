#include "ui/MainWindow.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "models/DesignJson.h"

#include <QLabel>

namespace llmdse {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle("llmdse - LLM inference design-space workbench");
    resize(1280, 800);
    QString text = "<h2>llmdse</h2><p>The full workbench arrives with the GUI issue. "
                   "Headless commands: run <tt>llmdse --help</tt>.</p>";
    try {
        Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
        Metrics m = createEstimator("analytical")->evaluate(d);
        text += QString("<p>Llama-3-8B on H100 SXM (batch 1, prompt 512, output 128, fp16): TTFT %1, "
                        "time per output token %2, %3 tokens/J.</p>")
                    .arg(QString::fromStdString(formatSeconds(m.ttftS)), QString::fromStdString(formatSeconds(m.tpotS)))
                    .arg(m.tokensPerJ, 0, 'g', 3);
    } catch (const std::exception& e) {
        text += QString("<p>Estimate failed: %1</p>").arg(e.what());
    }
    auto* label = new QLabel(text, this);
    label->setMargin(24);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    setCentralWidget(label);
}

} // namespace llmdse
