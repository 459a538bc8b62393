#pragma once
// The Workload & Optimizations dock: batch, prompt, output, precisions,
// parallelism, fused attention and the estimator. Reads and writes the same
// keys as design files, so the window, the CLI and studies share one vocabulary.
#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QSpinBox;
class QCheckBox;

namespace llmdse {

class WorkloadPanel : public QWidget {
    Q_OBJECT
public:
    explicit WorkloadPanel(QWidget* parent = nullptr);
    QJsonObject values() const;            // design keys (batch, prompt, weights, tp, ...)
    void setValues(const QJsonObject& o);  // keys it does not show are ignored
    QString estimator() const;
    void setEstimator(const QString& id); // emits changed when it differs

Q_SIGNALS:
    void changed();

private:
    QSpinBox* spin(const char* key, int min, int max, int value);
    QComboBox* combo(const char* key, const QStringList& items, const QString& value);
    QSpinBox *batch_, *prompt_, *output_, *tp_, *pp_, *ep_;
    QComboBox *weights_, *activations_, *kv_, *estimator_;
    QCheckBox* fused_;
};

} // namespace llmdse
