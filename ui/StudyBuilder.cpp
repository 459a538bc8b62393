#include "ui/StudyBuilder.h"
#include "ui/WorkloadPanel.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/sweep/MetricColumns.h"
#include "estimators/sweep/Study.h"
#include "models/DesignFields.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

enum ParamColumn { PKey, PSpacing, PValues, PFrom, PTo, PSteps };
enum ObjectiveColumn { OMetric, OGoal };
enum ConstraintColumn { CMetric, COp, CBound };

// A short heading whose explanation is a tooltip: the builder must fit a laptop-sized view.
QLabel* labelWithTip(const QString& text, const QString& tip)
{
    auto* l = new QLabel(text);
    l->setToolTip(tip);
    return l;
}

QComboBox* metricCombo(const QString& chosen)
{
    auto* c = new QComboBox;
    for (int i = 0; i < kMetricCount; ++i) {
        const MetricId m = MetricId(i);
        c->addItem(QString("%1 [%2]").arg(metricTitle(m), metricUnit(m)), metricName(m));
        c->setItemData(i, QString("%1, in %2").arg(metricName(m), metricUnit(m)), Qt::ToolTipRole);
    }
    const int at = c->findData(chosen);
    if (at >= 0) c->setCurrentIndex(at);
    return c;
}

QComboBox* choiceCombo(const QStringList& items, const QString& chosen)
{
    auto* c = new QComboBox;
    c->addItems(items);
    c->setCurrentText(chosen);
    return c;
}

// The design's fields with their help as tooltips, built once and shared by every parameter row's
// key box: each row used to copy a few hundred items, which made the Sweep view slow to open.
QStandardItemModel* fieldKeyModel()
{
    static QStandardItemModel* model = nullptr;
    if (model) return model;
    model = new QStandardItemModel(QCoreApplication::instance());
    for (const DesignField& f : designFields()) {
        auto* item = new QStandardItem(QString::fromStdString(f.key));
        item->setToolTip(QString::fromStdString(f.help + (f.unit.empty() ? "" : " [" + f.unit + "]")));
        model->appendRow(item);
    }
    return model;
}

QString numberText(double v) { return QString::fromStdString(formatNumber(v)); }

// A grid value as the study file holds it: a name for text fields, true/false, else a number.
QJsonValue gridValue(const DesignField& f, const QString& text, const std::string& where)
{
    if (f.kind == DesignField::Kind::Text) return text;
    if (f.kind == DesignField::Kind::Boolean) {
        if (text == "true" || text == "yes" || text == "1") return true;
        if (text == "false" || text == "no" || text == "0") return false;
        throw InputError("", where, "'" + text.toStdString() + "' is not true or false");
    }
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok) throw InputError("", where, "'" + text.toStdString() + "' is not a number");
    if (f.kind == DesignField::Kind::Integer) return qint64(std::llround(v));
    return v;
}

// `steps` values from `from` to `to`, evenly or geometrically spaced, to 4 significant digits
// (whole numbers for integer fields), without repeats.
QJsonArray rangeValues(const DesignField& f, double from, double to, int steps, bool log, const std::string& where)
{
    if (log && (from <= 0 || to <= 0)) throw InputError("", where, "log steps need from and to above 0");
    QJsonArray out;
    double last = std::nan("");
    for (int i = 0; i < steps; ++i) {
        const double t = steps > 1 ? double(i) / (steps - 1) : 0.0;
        double v = log ? from * std::pow(to / from, t) : from + t * (to - from);
        v = f.kind == DesignField::Kind::Integer ? std::round(v) : QString::number(v, 'g', 4).toDouble();
        if (v == last) continue;
        last = v;
        if (f.kind == DesignField::Kind::Integer) out.append(qint64(v));
        else out.append(v);
    }
    return out;
}

template <class W>
W* cell(QTableWidget* t, int row, int column)
{
    return qobject_cast<W*>(t->cellWidget(row, column));
}

} // namespace

StudyBuilder::StudyBuilder(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), baseLabel_(new QLabel), estimator_(new QComboBox),
      params_(table({"parameter", "spacing", "values", "from", "to", "steps"}, "builderParameters")),
      objectives_(table({"objective", "goal"}, "builderObjectives")),
      constraints_(table({"constraint on", "", "bound (SI units)"}, "builderConstraints"))
{
    params_->horizontalHeaderItem(PValues)->setToolTip("comma-separated, e.g. 1, 8, 64 or h100-sxm, a100-80gb");
    baseLabel_->setObjectName("builderBase");
    baseLabel_->setWordWrap(true);
    estimator_->setObjectName("builderEstimator");
    estimator_->addItems({WorkloadPanel::kPerClassEstimator, "analytical", "simulation"});
    estimator_->setToolTip("per hardware class: an FPGA card's compiled plan (fpga-overlay), the analytical estimator elsewhere\n"
                           "simulation: tile-level simulation, for accelerator templates (template-*)");
    auto* rebuild = new QPushButton("Rebuild from panels");
    rebuild->setObjectName("rebuildFromPanels");
    rebuild->setToolTip("Take the base design from the docks again");
    auto button = [this](const char* text, const char* name, auto fn) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, fn);
        return b;
    };
    auto remove = [this](QTableWidget* t) {
        return [this, t] {
            const int row = t->currentRow() >= 0 ? t->currentRow() : t->rowCount() - 1;
            if (row >= 0) t->removeRow(row);
            Q_EMIT changed();
        };
    };
    auto* baseRow = new QHBoxLayout;
    baseRow->addWidget(baseLabel_, 1);
    baseRow->addWidget(new QLabel("estimator"));
    baseRow->addWidget(estimator_);
    baseRow->addWidget(rebuild);
    auto* paramButtons = new QHBoxLayout;
    paramButtons->addWidget(labelWithTip("<b>Parameters</b>", "every combination of their values is evaluated"), 1);
    paramButtons->addWidget(button("Add parameter", "addParameter", [this] { addParameter("batch", Spacing::Values, "1, 8, 64"); }));
    paramButtons->addWidget(button("Remove", "removeParameter", remove(params_)));
    auto* lower = new QHBoxLayout;
    auto* objBox = new QVBoxLayout;
    auto* objButtons = new QHBoxLayout;
    objButtons->addWidget(labelWithTip("<b>Objectives</b>", "the Pareto front is taken over these: minimise or maximise each"), 1);
    objButtons->addWidget(button("Add", "addObjective", [this] { addObjective("tpot_s", false); }));
    objButtons->addWidget(button("Remove", "removeObjective", remove(objectives_)));
    objBox->addLayout(objButtons);
    objBox->addWidget(objectives_);
    auto* conBox = new QVBoxLayout;
    auto* conButtons = new QHBoxLayout;
    conButtons->addWidget(labelWithTip("<b>Constraints</b>", "a point that misses one is kept off the Pareto front (it is still in the table)"), 1);
    conButtons->addWidget(button("Add", "addConstraint", [this] { addConstraint("tpot_s", "<=", "0.05"); }));
    conButtons->addWidget(button("Remove", "removeConstraint", remove(constraints_)));
    conBox->addLayout(conButtons);
    conBox->addWidget(constraints_);
    lower->addLayout(objBox, 1);
    lower->addLayout(conBox, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(baseRow);
    layout->addLayout(paramButtons);
    layout->addWidget(params_, 3);
    layout->addLayout(lower, 2);
    connect(rebuild, &QPushButton::clicked, this, &StudyBuilder::rebuildFromPanels);
    connect(estimator_, &QComboBox::currentTextChanged, this, [this] {
        if (!filling_) Q_EMIT changed();
    });
}

QTableWidget* StudyBuilder::table(const QStringList& header, const char* name)
{
    auto* t = new QTableWidget(0, int(header.size()));
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(header);
    t->verticalHeader()->hide();
    // Columns share the width (no clipped headers); rows as high as the combo boxes in them, so a
    // 1280x800 window shows a few rows of each table.
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    t->verticalHeader()->setDefaultSectionSize(QComboBox().sizeHint().height() + 2);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setMinimumHeight(56);
    return t;
}

void StudyBuilder::rebuildFromPanels()
{
    base_ = currentDesign_();
    baseLabel_->setText(QString("<b>Base</b>: %1 on %2, batch %3, prompt %4, output %5, weights %6 (the docks' design)")
                            .arg(base_["model"].toString(), base_["hardware"].toString())
                            .arg(base_["batch"].toInt())
                            .arg(base_["prompt"].toInt())
                            .arg(base_["output"].toInt())
                            .arg(base_["weights"].toString()));
    Q_EMIT rebuilt();
    Q_EMIT changed();
}

void StudyBuilder::propose(const std::function<void(StudyBuilder&)>& addRows)
{
    filling_ = true;
    clearRows();
    addRows(*this);
    filling_ = false;
    rebuildFromPanels(); // emits changed() once, for the rows and the base
}

void StudyBuilder::clearRows()
{
    for (QTableWidget* t : {params_, objectives_, constraints_}) t->setRowCount(0);
}

void StudyBuilder::addParameter(const QString& key, Spacing spacing, const QString& values, const QString& from,
                                const QString& to, int steps)
{
    const int row = params_->rowCount();
    params_->insertRow(row);
    auto* keyBox = new QComboBox;
    keyBox->setEditable(true);
    keyBox->setInsertPolicy(QComboBox::NoInsert); // the model is shared: a typed key must not land in it
    keyBox->setModel(fieldKeyModel());
    keyBox->completer()->setFilterMode(Qt::MatchContains);
    keyBox->completer()->setCompletionMode(QCompleter::PopupCompletion);
    keyBox->setCurrentText(key);
    auto* spacingBox = choiceCombo({"values", "linear range", "log range"},
                                   spacing == Spacing::Values ? "values" : spacing == Spacing::Linear ? "linear range" : "log range");
    auto* valuesEdit = new QLineEdit(values);
    valuesEdit->setPlaceholderText("1, 2, 4 or h100-sxm, mi300x");
    auto* fromEdit = new QLineEdit(from);
    auto* toEdit = new QLineEdit(to);
    auto* stepsBox = new QSpinBox;
    stepsBox->setRange(2, 10000);
    stepsBox->setValue(std::max(2, steps));
    params_->setCellWidget(row, PKey, keyBox);
    params_->setCellWidget(row, PSpacing, spacingBox);
    params_->setCellWidget(row, PValues, valuesEdit);
    params_->setCellWidget(row, PFrom, fromEdit);
    params_->setCellWidget(row, PTo, toEdit);
    params_->setCellWidget(row, PSteps, stepsBox);
    auto notify = [this] {
        if (!filling_) Q_EMIT changed();
    };
    connect(keyBox, &QComboBox::currentTextChanged, this, notify);
    connect(spacingBox, &QComboBox::currentTextChanged, this, [this, spacingBox, notify] {
        for (int r = 0; r < params_->rowCount(); ++r)
            if (params_->cellWidget(r, PSpacing) == spacingBox) updateRow(r);
        notify();
    });
    for (QLineEdit* e : {valuesEdit, fromEdit, toEdit}) connect(e, &QLineEdit::editingFinished, this, notify);
    connect(stepsBox, &QSpinBox::valueChanged, this, notify);
    updateRow(row);
    notify();
}

void StudyBuilder::updateRow(int row)
{
    const bool values = cell<QComboBox>(params_, row, PSpacing)->currentText() == "values";
    params_->cellWidget(row, PValues)->setEnabled(values);
    for (int c : {PFrom, PTo, PSteps}) params_->cellWidget(row, c)->setEnabled(!values);
}

void StudyBuilder::addObjective(const QString& metric, bool maximise)
{
    const int row = objectives_->rowCount();
    objectives_->insertRow(row);
    auto* m = metricCombo(metric);
    auto* goal = choiceCombo({"minimise", "maximise"}, maximise ? "maximise" : "minimise");
    objectives_->setCellWidget(row, OMetric, m);
    objectives_->setCellWidget(row, OGoal, goal);
    for (QComboBox* c : {m, goal})
        connect(c, &QComboBox::currentTextChanged, this, [this] {
            if (!filling_) Q_EMIT changed();
        });
    if (!filling_) Q_EMIT changed();
}

void StudyBuilder::addConstraint(const QString& metric, const QString& op, const QString& bound)
{
    const int row = constraints_->rowCount();
    constraints_->insertRow(row);
    auto* m = metricCombo(metric);
    auto* o = choiceCombo({"<=", "<", ">=", ">"}, op);
    auto* b = new QLineEdit(bound);
    constraints_->setCellWidget(row, CMetric, m);
    constraints_->setCellWidget(row, COp, o);
    constraints_->setCellWidget(row, CBound, b);
    for (QComboBox* c : {m, o})
        connect(c, &QComboBox::currentTextChanged, this, [this] {
            if (!filling_) Q_EMIT changed();
        });
    connect(b, &QLineEdit::editingFinished, this, [this] {
        if (!filling_) Q_EMIT changed();
    });
    if (!filling_) Q_EMIT changed();
}

QJsonObject StudyBuilder::study() const
{
    QJsonObject base = base_;
    QJsonObject grid;
    for (int r = 0; r < params_->rowCount(); ++r) {
        const std::string where = "parameters row " + std::to_string(r + 1);
        const QString key = cell<QComboBox>(params_, r, PKey)->currentText().trimmed();
        const DesignField& f = requireDesignField(key.toStdString(), where + ", parameter");
        if (grid.contains(key)) throw InputError("", where + ", parameter", key.toStdString() + " is listed twice");
        const QString spacing = cell<QComboBox>(params_, r, PSpacing)->currentText();
        QJsonArray values;
        if (spacing == "values") {
            for (const QString& v : cell<QLineEdit>(params_, r, PValues)->text().split(',', Qt::SkipEmptyParts))
                values.append(gridValue(f, v.trimmed(), where + ", values"));
            if (values.isEmpty()) throw InputError("", where + ", values", "lists no value");
        } else {
            if (f.kind == DesignField::Kind::Text || f.kind == DesignField::Kind::Boolean)
                throw InputError("", where + ", spacing", key.toStdString() + " takes values, not a range");
            bool okFrom = false, okTo = false;
            const double from = cell<QLineEdit>(params_, r, PFrom)->text().toDouble(&okFrom);
            const double to = cell<QLineEdit>(params_, r, PTo)->text().toDouble(&okTo);
            if (!okFrom) throw InputError("", where + ", from", "is not a number");
            if (!okTo) throw InputError("", where + ", to", "is not a number");
            values = rangeValues(f, from, to, cell<QSpinBox>(params_, r, PSteps)->value(), spacing == "log range", where);
        }
        grid[key] = values;
        if (key != "model" && key != "hardware") base.remove(key); // the axis sets it (a base must name both roots)
    }
    QJsonObject study{{"base", base}};
    if (!grid.isEmpty()) study["grid"] = grid;
    QJsonArray objectives;
    for (int r = 0; r < objectives_->rowCount(); ++r) {
        const QString name = cell<QComboBox>(objectives_, r, OMetric)->currentData().toString();
        objectives.append((cell<QComboBox>(objectives_, r, OGoal)->currentText() == "maximise" ? "-" : "") + name);
    }
    if (!objectives.isEmpty()) study["objectives"] = objectives;
    QJsonArray constraints;
    for (int r = 0; r < constraints_->rowCount(); ++r) {
        const std::string text = cell<QComboBox>(constraints_, r, CMetric)->currentData().toString().toStdString() + " " +
                                 cell<QComboBox>(constraints_, r, COp)->currentText().toStdString() + " " +
                                 cell<QLineEdit>(constraints_, r, CBound)->text().trimmed().toStdString();
        constraints.append(QString::fromStdString(parseConstraint(text, "constraints row " + std::to_string(r + 1)).text()));
    }
    if (!constraints.isEmpty()) study["constraints"] = constraints;
    // A study that names no estimator takes each hardware class's own (as the CLI does).
    if (estimator_->currentText() != WorkloadPanel::kPerClassEstimator) study["estimator"] = estimator_->currentText();
    return study;
}

bool StudyBuilder::setStudy(const QJsonObject& s)
{
    // Random ranges, searches and bare yes/no constraints are edited as JSON.
    if (s.contains("random") || s.contains("search") || s.contains("space") || !s["base"].isObject()) return false;
    const QJsonObject grid = s["grid"].toObject();
    for (auto it = grid.begin(); it != grid.end(); ++it)
        if (!it.value().isArray()) return false;
    for (const QJsonValue& c : s["constraints"].toArray())
        try {
            if (parseConstraint(c.toString().toStdString(), "constraints").op == Constraint::Holds) return false;
        } catch (const InputError&) {
            return false;
        }
    filling_ = true;
    clearRows();
    base_ = s["base"].toObject();
    baseLabel_->setText(QString("<b>Base</b>: %1 on %2 (as the study gives it; <i>Rebuild from panels</i> takes the docks' design)")
                            .arg(base_["model"].toString(), base_["hardware"].toString()));
    for (auto it = grid.begin(); it != grid.end(); ++it) {
        QStringList parts;
        for (const QJsonValue& v : it.value().toArray())
            parts << (v.isString() ? v.toString() : v.isBool() ? QString(v.toBool() ? "true" : "false") : numberText(v.toDouble()));
        addParameter(it.key(), Spacing::Values, parts.join(", "));
    }
    for (const QJsonValue& o : s["objectives"].toArray()) {
        const QString name = o.toString();
        addObjective(name.startsWith('-') ? name.mid(1) : name, name.startsWith('-'));
    }
    for (const QJsonValue& c : s["constraints"].toArray()) {
        const Constraint k = parseConstraint(c.toString().toStdString(), "constraints");
        static const char* ops[] = {"<", "<=", ">", ">="};
        addConstraint(metricName(k.metric), ops[k.op], numberText(k.bound));
    }
    estimator_->setCurrentText(s["estimator"].toString(WorkloadPanel::kPerClassEstimator));
    filling_ = false;
    return true;
}

} // namespace llmdse
