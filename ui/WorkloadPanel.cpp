#include "ui/WorkloadPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>

namespace llmdse {

QSpinBox* WorkloadPanel::spin(const char* key, int min, int max, int value)
{
    auto* s = new QSpinBox;
    s->setObjectName(key);
    s->setRange(min, max);
    s->setValue(value);
    s->setKeyboardTracking(false);
    connect(s, &QSpinBox::valueChanged, this, [this] { Q_EMIT changed(); });
    return s;
}

QComboBox* WorkloadPanel::combo(const char* key, const QStringList& items, const QString& value)
{
    auto* c = new QComboBox;
    c->setObjectName(key);
    c->addItems(items);
    c->setEditable(true); // any group size: int4:g32 ...
    c->setCurrentText(value);
    connect(c, &QComboBox::currentTextChanged, this, [this] { Q_EMIT changed(); });
    return c;
}

WorkloadPanel::WorkloadPanel(QWidget* parent) : QWidget(parent)
{
    const QStringList formats{"fp32", "fp16", "bf16", "fp8", "int8:g128", "int4:g128", "int4:g32"};
    batch_ = spin("batch", 1, 4096, 1);
    prompt_ = spin("prompt", 1, 1 << 20, 512);
    output_ = spin("output", 1, 1 << 20, 128);
    weights_ = combo("weights", formats, "fp16");
    activations_ = combo("activations", {"fp32", "fp16", "bf16", "fp8", "int8"}, "fp16");
    kv_ = combo("kv", formats, "fp16");
    fused_ = new QCheckBox("FlashAttention-style fused attention");
    fused_->setObjectName("fused_attention");
    fused_->setChecked(true);
    connect(fused_, &QCheckBox::toggled, this, [this] { Q_EMIT changed(); });
    tp_ = spin("tp", 1, 1024, 1);
    pp_ = spin("pp", 1, 1024, 1);
    ep_ = spin("ep", 1, 1024, 1);
    estimator_ = combo("estimator", {"analytical", "simulation"}, "analytical");
    estimator_->setEditable(false);
    estimator_->setToolTip("simulation: tile-level simulation, for accelerator templates (template-*)");
    auto* form = new QFormLayout(this);
    form->addRow("Batch (sequences)", batch_);
    form->addRow("Prompt (tokens)", prompt_);
    form->addRow("Output (tokens)", output_);
    form->addRow("Weights", weights_);
    form->addRow("Activations", activations_);
    form->addRow("KV cache", kv_);
    form->addRow(fused_);
    form->addRow("Tensor parallel", tp_);
    form->addRow("Pipeline parallel", pp_);
    form->addRow("Expert parallel", ep_);
    form->addRow("Estimator", estimator_);
}

QJsonObject WorkloadPanel::values() const
{
    return {{"batch", batch_->value()},   {"prompt", prompt_->value()},       {"output", output_->value()},
            {"weights", weights_->currentText()}, {"activations", activations_->currentText()},
            {"kv", kv_->currentText()},   {"fused_attention", fused_->isChecked()},
            {"tp", tp_->value()},         {"pp", pp_->value()},               {"ep", ep_->value()}};
}

void WorkloadPanel::setValues(const QJsonObject& o)
{
    const QSignalBlocker blockers[] = {QSignalBlocker(batch_), QSignalBlocker(prompt_), QSignalBlocker(output_),
                                       QSignalBlocker(weights_), QSignalBlocker(activations_), QSignalBlocker(kv_),
                                       QSignalBlocker(fused_), QSignalBlocker(tp_), QSignalBlocker(pp_),
                                       QSignalBlocker(ep_)};
    for (auto [key, box] : {std::pair{"batch", batch_}, {"prompt", prompt_}, {"output", output_}, {"tp", tp_},
                            {"pp", pp_}, {"ep", ep_}})
        if (o.contains(key)) box->setValue(o[key].toInt());
    for (auto [key, box] : {std::pair{"weights", weights_}, {"activations", activations_}, {"kv", kv_}})
        if (o.contains(key)) box->setCurrentText(o[key].toString());
    if (o.contains("fused_attention")) fused_->setChecked(o["fused_attention"].toBool());
    Q_EMIT changed();
}

QString WorkloadPanel::estimator() const { return estimator_->currentText(); }

void WorkloadPanel::setEstimator(const QString& id)
{
    if (!id.isEmpty()) estimator_->setCurrentText(id);
}

} // namespace llmdse
