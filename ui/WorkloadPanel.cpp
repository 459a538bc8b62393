#include "ui/WorkloadPanel.h"
#include "core/VisionEncoder.h"
#include "models/ModelZoo.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>
#include <memory>
#include <vector>

namespace llmdse {

namespace {

const char* kKeys[] = {"batch", "prompt", "output", "weights", "activations", "kv", "fused_attention", "tp", "pp", "ep",
                       "spec", "spec.draft_model", "spec.draft_len", "spec.acceptance", "kv_budget", "kv_window",
                       "sparsity", "head_pruning", "reasoning", "images", "encoder"};

QFormLayout* group(QVBoxLayout* into, const char* title)
{
    auto* box = new QGroupBox(title);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(6, 4, 6, 4);
    // A narrow dock puts a field under its label instead of cutting it off.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    into->addWidget(box);
    return form;
}

// "0.8" -> 0.8; "0.9, 0.7, 0.5" -> [0.9, 0.7, 0.5] (per position).
QJsonValue acceptanceValue(const QString& text)
{
    const QStringList parts = text.split(',', Qt::SkipEmptyParts);
    if (parts.size() <= 1) return text.trimmed().toDouble();
    QJsonArray a;
    for (const QString& p : parts) a.append(p.trimmed().toDouble());
    return a;
}

QString acceptanceText(const QJsonValue& v)
{
    if (!v.isArray()) return QString::number(v.toDouble(), 'g', 4);
    QStringList parts;
    for (const QJsonValue& x : v.toArray()) parts << QString::number(x.toDouble(), 'g', 4);
    return parts.join(", ");
}

} // namespace

bool WorkloadPanel::ownsKey(const QString& key)
{
    for (const char* k : kKeys)
        if (key == QLatin1String(k)) return true;
    return false;
}

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
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon); // long names must not widen the dock
    c->setMinimumContentsLength(9);
    c->setCurrentText(value);
    connect(c, &QComboBox::currentTextChanged, this, [this] {
        updateEnabled();
        Q_EMIT changed();
    });
    return c;
}

QDoubleSpinBox* WorkloadPanel::fraction(const char* key, double max)
{
    auto* s = new QDoubleSpinBox;
    s->setObjectName(key);
    s->setRange(0, max);
    s->setSingleStep(0.05);
    s->setDecimals(2);
    s->setKeyboardTracking(false);
    connect(s, &QDoubleSpinBox::valueChanged, this, [this] { Q_EMIT changed(); });
    return s;
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
    estimator_ = combo("estimator", {kPerClassEstimator, "analytical", "simulation", "fpga-overlay"}, kPerClassEstimator);
    estimator_->setEditable(false);
    estimator_->setToolTip("per hardware class: an FPGA card's compiled plan (fpga-overlay), the analytical estimator elsewhere\n"
                           "simulation: tile-level simulation, for accelerator templates (template-*)\n"
                           "fpga-overlay: the design compiled onto an FPGA part (FPGA cards only)");

    QStringList drafts{"self:4", "self:8", "self:16"};
    for (const auto& m : modelZoo()) drafts << QString::fromStdString(m.id);
    spec_ = combo("spec", {"none", "draft", "medusa", "prompt"}, "none");
    spec_->setEditable(false);
    spec_->setToolTip("draft: a draft model proposes k tokens; medusa: k extra decoding heads; prompt: k trained "
                      "prompt tokens (parallel prompt decoding). The target verifies them in one step.");
    draftModel_ = combo("spec.draft_model", drafts, "llama-3.2-1b");
    draftModel_->setToolTip("a zoo model sharing the target's vocabulary, a config.json, or self:N (the target's first N layers)");
    draftLen_ = spin("spec.draft_len", 1, 16, 4);
    acceptance_ = new QLineEdit("0.7");
    acceptance_->setObjectName("spec.acceptance");
    acceptance_->setToolTip("probability that position i is accepted given the earlier ones were: one rate, or one per "
                            "position separated by commas (e.g. Medusa's per-head rates); `llmdse check --draft-layers` "
                            "measures them on this computer");
    connect(acceptance_, &QLineEdit::editingFinished, this, [this] { Q_EMIT changed(); });
    kvBudget_ = spin("kv_budget", 0, 1 << 24, 0);
    kvBudget_->setSpecialValueText("off (keep every position)");
    kvWindow_ = spin("kv_window", 1, 1 << 20, 32);
    sparsity_ = combo("sparsity", {"dense", "2:4", "unstructured:0.5", "unstructured:0.3"}, "dense");
    sparsity_->setToolTip("2:4 runs at twice the dense rate on hardware with sparse matrix units (hardware.sparse_2to4); "
                          "unstructured weights are stored compressed (values + bitmap) when that is smaller");
    headPruning_ = fraction("head_pruning", 0.95);
    reasoning_ = spin("reasoning", 0, 1 << 22, 0);
    reasoning_->setToolTip("hidden reasoning tokens generated before the answer (e.g. 8192-32768)");
    images_ = spin("images", 0, 4096, 0);
    QStringList encoders{"none"};
    for (const auto& e : visionEncoders()) encoders << QString::fromStdString(e.id);
    encoder_ = combo("encoder", encoders, "clip-vit-l-336");
    encoder_->setEditable(false);
    encoder_->setCurrentText("clip-vit-l-336"); // used once images > 0

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    QFormLayout* w = group(layout, "Workload");
    w->addRow("Batch (sequences)", batch_);
    w->addRow("Prompt (tokens)", prompt_);
    w->addRow("Output (tokens)", output_);
    w->addRow("Reasoning (tokens)", reasoning_);
    w->addRow("Images per sequence", images_);
    w->addRow("Image encoder", encoder_);
    QFormLayout* f = group(layout, "Formats and parallelism");
    f->addRow("Weights", weights_);
    f->addRow("Activations", activations_);
    f->addRow("KV cache", kv_);
    f->addRow(fused_);
    f->addRow("Tensor parallel", tp_);
    f->addRow("Pipeline parallel", pp_);
    f->addRow("Expert parallel", ep_);
    QFormLayout* o = group(layout, "Optimizations");
    o->addRow("Speculative decoding", spec_);
    o->addRow("Draft model", draftModel_);
    o->addRow("Draft length k", draftLen_);
    o->addRow("Acceptance", acceptance_);
    o->addRow("SnapKV budget (tokens)", kvBudget_);
    o->addRow("SnapKV window", kvWindow_);
    o->addRow("Weight sparsity", sparsity_);
    o->addRow("Head pruning (fraction)", headPruning_);
    QFormLayout* e = group(layout, "Estimator");
    e->addRow("Estimator", estimator_);
    layout->addStretch();
    updateEnabled();
}

void WorkloadPanel::updateEnabled()
{
    if (!spec_ || !draftModel_) return; // still being built
    const QString spec = spec_->currentText();
    draftModel_->setEnabled(spec == "draft");
    draftLen_->setEnabled(spec != "none");
    acceptance_->setEnabled(spec != "none");
}

QJsonObject WorkloadPanel::values() const
{
    QJsonObject o{{"batch", batch_->value()},   {"prompt", prompt_->value()},       {"output", output_->value()},
                  {"weights", weights_->currentText()}, {"activations", activations_->currentText()},
                  {"kv", kv_->currentText()},   {"fused_attention", fused_->isChecked()},
                  {"tp", tp_->value()},         {"pp", pp_->value()},               {"ep", ep_->value()}};
    if (spec_->currentText() != "none") {
        o["spec"] = spec_->currentText();
        if (spec_->currentText() == "draft") o["spec.draft_model"] = draftModel_->currentText();
        o["spec.draft_len"] = draftLen_->value();
        o["spec.acceptance"] = acceptanceValue(acceptance_->text());
    }
    if (kvBudget_->value() > 0) {
        o["kv_budget"] = kvBudget_->value();
        o["kv_window"] = kvWindow_->value();
    }
    if (sparsity_->currentText() != "dense") o["sparsity"] = sparsity_->currentText();
    if (headPruning_->value() > 0) o["head_pruning"] = headPruning_->value();
    if (reasoning_->value() > 0) o["reasoning"] = reasoning_->value();
    if (images_->value() > 0) {
        o["images"] = images_->value();
        o["encoder"] = encoder_->currentText();
    }
    return o;
}

void WorkloadPanel::setValues(const QJsonObject& in, bool resetMissing)
{
    QJsonObject o = in;
    if (resetMissing) { // absent optimisation keys mean "off"
        const QJsonObject off{{"spec", "none"}, {"kv_budget", 0}, {"sparsity", "dense"}, {"head_pruning", 0.0},
                              {"reasoning", 0}, {"images", 0}};
        for (auto it = off.begin(); it != off.end(); ++it)
            if (!o.contains(it.key())) o[it.key()] = it.value();
    }
    QWidget* widgets[] = {batch_, prompt_, output_, weights_, activations_, kv_, fused_, tp_, pp_, ep_, spec_,
                          draftModel_, draftLen_, acceptance_, kvBudget_, kvWindow_, sparsity_, headPruning_,
                          reasoning_, images_, encoder_};
    std::vector<std::unique_ptr<QSignalBlocker>> blockers;
    for (QWidget* w : widgets) blockers.push_back(std::make_unique<QSignalBlocker>(w));
    for (auto [key, box] : {std::pair{"batch", batch_}, {"prompt", prompt_}, {"output", output_}, {"tp", tp_},
                            {"pp", pp_}, {"ep", ep_}, {"spec.draft_len", draftLen_}, {"kv_budget", kvBudget_},
                            {"kv_window", kvWindow_}, {"reasoning", reasoning_}, {"images", images_}})
        if (o.contains(key)) box->setValue(o[key].toInt());
    for (auto [key, box] : {std::pair{"weights", weights_}, {"activations", activations_}, {"kv", kv_}, {"spec", spec_},
                            {"spec.draft_model", draftModel_}, {"sparsity", sparsity_}, {"encoder", encoder_}})
        if (o.contains(key)) box->setCurrentText(o[key].toString());
    if (o.contains("fused_attention")) fused_->setChecked(o["fused_attention"].toBool());
    if (o.contains("spec.acceptance")) acceptance_->setText(acceptanceText(o["spec.acceptance"]));
    if (o.contains("head_pruning")) headPruning_->setValue(o["head_pruning"].toDouble());
    blockers.clear();
    updateEnabled();
    Q_EMIT changed();
}

QString WorkloadPanel::estimator() const { return estimator_->currentText(); }

void WorkloadPanel::setEstimator(const QString& id)
{
    if (!id.isEmpty()) estimator_->setCurrentText(id);
}

} // namespace llmdse
