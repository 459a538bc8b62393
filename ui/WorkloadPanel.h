#pragma once
// The Workload & Optimizations dock: batch, prompt, output, precisions,
// parallelism, fused attention and the estimator; then the optimizations
// (speculative decoding, KV-cache compression, sparsity and head pruning) and
// inference-time compute (reasoning tokens, images). Reads and writes the same
// keys as design files, so the window, the CLI and studies share one vocabulary.
#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QCheckBox;

namespace llmdse {

class WorkloadPanel : public QWidget {
    Q_OBJECT
public:
    explicit WorkloadPanel(QWidget* parent = nullptr);
    // Design keys; the optimisations only when switched on, so design files stay minimal.
    QJsonObject values() const;
    // Keys it does not show are ignored; with `resetMissing` the optimisations absent from `o` go back to off.
    void setValues(const QJsonObject& o, bool resetMissing = false);
    // The estimator the user chose: an id, or kPerClassEstimator (the hardware class's own, as the CLI picks it).
    static constexpr const char* kPerClassEstimator = "per hardware class";
    QString estimator() const;
    void setEstimator(const QString& id); // emits changed when it differs
    static bool ownsKey(const QString& key); // a key this panel reads and writes

Q_SIGNALS:
    void changed();

private:
    QSpinBox* spin(const char* key, int min, int max, int value);
    QComboBox* combo(const char* key, const QStringList& items, const QString& value);
    QDoubleSpinBox* fraction(const char* key, double max);
    void updateEnabled();
    QSpinBox *batch_, *prompt_, *output_, *tp_, *pp_, *ep_;
    QComboBox *weights_, *activations_, *kv_, *estimator_;
    QCheckBox* fused_;
    // Optimizations and inference-time compute.
    QComboBox *spec_, *draftModel_, *sparsity_, *encoder_;
    QSpinBox *draftLen_, *kvBudget_, *kvWindow_, *reasoning_, *images_;
    QLineEdit* acceptance_;
    QDoubleSpinBox* headPruning_;
};

} // namespace llmdse
