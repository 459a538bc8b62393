#pragma once
// The Sweep view's study builder: a study set up without writing JSON. The base
// is the design in the docks; parameters come from the design's parameter list
// (the same keys as study files) with values, a linear range or log steps;
// objectives are picked from the metrics with minimise / maximise; constraints
// bound a metric. study() writes the same JSON a hand-written study holds.
#include <QJsonObject>
#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QTableWidget;

namespace llmdse {

class StudyBuilder : public QWidget {
    Q_OBJECT
public:
    explicit StudyBuilder(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    QJsonObject study() const; // throws InputError naming the row and column at fault
    // Shows a study; false (and nothing changes) when it uses what the builder cannot show (random sampling).
    bool setStudy(const QJsonObject& study);
    void rebuildFromPanels(); // the base is the docks' design again
    // A new study on the docks' design: the rows `addRows` adds, then one changed() for all of them.
    void propose(const std::function<void(StudyBuilder&)>& addRows);

    // Rows, for code and tests as a user fills them in.
    enum class Spacing { Values, Linear, Log };
    void addParameter(const QString& key, Spacing spacing, const QString& values, const QString& from = {},
                      const QString& to = {}, int steps = 5);
    void addObjective(const QString& metric, bool maximise);
    void addConstraint(const QString& metric, const QString& op, const QString& bound);
    void clearRows();
    QTableWidget* parameterTable() const { return params_; }
    QTableWidget* objectiveTable() const { return objectives_; }
    QTableWidget* constraintTable() const { return constraints_; }

Q_SIGNALS:
    void changed(); // any row or the base
    void rebuilt(); // the base was taken from the docks

private:
    QTableWidget* table(const QStringList& header, const char* name);
    void updateRow(int row); // enables the cells its spacing uses
    std::function<QJsonObject()> currentDesign_;
    QJsonObject base_;
    QLabel* baseLabel_;
    QComboBox* estimator_;
    QTableWidget *params_, *objectives_, *constraints_;
    bool filling_ = false;
};

} // namespace llmdse
