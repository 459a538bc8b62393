#include "ui/SweepResults.h"

#include "core/Errors.h"
#include "models/DesignFields.h"

#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace llmdse {

void SweepResults::begin(const SweepSchema& schema)
{
    schema_ = schema;
    index_.clear();
    valid_.clear();
    params_.assign(schema.paramNames.size(), {});
    for (auto& m : metrics_) m.clear();
}

void SweepResults::write(const std::vector<SweepRow>& rows)
{
    for (const SweepRow& r : rows) {
        index_.push_back(r.index);
        valid_.push_back(r.error.empty());
        for (size_t a = 0; a < params_.size(); ++a) params_[a].push_back(float(r.params[a]));
        for (int m = 0; m < kMetricCount; ++m) metrics_[m].push_back(r.error.empty() ? float(r.metrics[m]) : NAN);
    }
}

void SweepResults::restore(const SweepSchema& schema, std::vector<std::int64_t> index, std::vector<bool> valid,
                           std::vector<std::vector<float>> params, std::array<std::vector<float>, kMetricCount> metrics)
{
    schema_ = schema;
    index_ = std::move(index);
    valid_ = std::move(valid);
    params_ = std::move(params);
    metrics_ = std::move(metrics);
}

QString SweepResults::paramText(size_t axis, size_t row) const
{
    const double v = params_[axis][row];
    const auto& text = schema_.paramText[axis];
    if (!text.empty() && v >= 0 && size_t(v) < text.size()) return QString::fromStdString(text[size_t(v)]);
    return QString::number(v, 'g', 6);
}

bool SweepFilter::accepts(const SweepResults& r, size_t row) const
{
    const size_t axes = r.schema().paramNames.size();
    for (const Term& t : terms) {
        if (!t.text.isEmpty()) {
            const bool same = r.paramText(size_t(t.column), row) == t.text;
            if ((t.op == Term::Eq) != same) return false;
            continue;
        }
        const double v = size_t(t.column) < axes ? r.param(size_t(t.column), row)
                                                 : r.metric(MetricId(size_t(t.column) - axes), row);
        if (std::isnan(v)) return false;
        switch (t.op) {
        case Term::Lt: if (!(v < t.value)) return false; break;
        case Term::Le: if (!(v <= t.value)) return false; break;
        case Term::Gt: if (!(v > t.value)) return false; break;
        case Term::Ge: if (!(v >= t.value)) return false; break;
        case Term::Eq: if (!(std::abs(v - t.value) <= 1e-6 * std::abs(t.value))) return false; break;
        case Term::Ne: if (std::abs(v - t.value) <= 1e-6 * std::abs(t.value)) return false; break;
        }
    }
    return true;
}

SweepFilter parseSweepFilter(const QString& text, const SweepSchema& schema)
{
    SweepFilter f;
    static const QRegularExpression split("\\s*(,|\\band\\b)\\s*");
    static const QRegularExpression term("^\\s*([A-Za-z_][\\w.:]*)\\s*(<=|>=|!=|==|<|>|=)\\s*(\\S+)\\s*$");
    for (const QString& part : text.split(split, Qt::SkipEmptyParts)) {
        const auto m = term.match(part);
        if (!m.hasMatch())
            throw InputError("", "filter", "cannot read '" + part.toStdString() + "' (expected e.g. tpot_s < 0.05)");
        SweepFilter::Term t;
        const std::string name = m.captured(1).toStdString();
        int column = -1;
        for (size_t a = 0; a < schema.paramNames.size(); ++a)
            if (schema.paramNames[a] == name) column = int(a);
        if (column < 0) column = int(schema.paramNames.size()) + int(parseMetric(name, "filter"));
        t.column = column;
        const QString op = m.captured(2);
        t.op = op == "<" ? SweepFilter::Term::Lt : op == "<=" ? SweepFilter::Term::Le : op == ">" ? SweepFilter::Term::Gt
             : op == ">=" ? SweepFilter::Term::Ge : op == "!=" ? SweepFilter::Term::Ne : SweepFilter::Term::Eq;
        bool number = false;
        t.value = m.captured(3).toDouble(&number);
        const bool textual = size_t(column) < schema.paramNames.size() && !schema.paramText[size_t(column)].empty();
        if (textual) {
            if (t.op != SweepFilter::Term::Eq && t.op != SweepFilter::Term::Ne)
                throw InputError("", "filter", name + " holds names: use = or !=");
            t.text = m.captured(3);
        } else if (!number) {
            throw InputError("", "filter", "'" + m.captured(3).toStdString() + "' is not a number");
        }
        f.terms.push_back(t);
    }
    return f;
}

void SweepTableModel::setResults(std::shared_ptr<const SweepResults> r)
{
    beginResetModel();
    results_ = std::move(r);
    filter_ = {};
    sortColumn_ = -1;
    ++generation_; // an order still being computed belongs to the old results
    order_.resize(results_ ? results_->size() : 0);
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = std::uint32_t(i);
    endResetModel();
}

void SweepTableModel::sort(int column, Qt::SortOrder order)
{
    sortColumn_ = column;
    sortOrder_ = order;
    reorder();
}

void SweepTableModel::setFilter(const SweepFilter& f)
{
    filter_ = f;
    reorder();
    Q_EMIT filterChanged();
}

void SweepTableModel::reorder()
{
    if (!results_) return;
    const quint64 gen = ++generation_;
    ++pending_;
    SweepTableModel* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, gen, r = results_, filter = filter_, column = sortColumn_, order = sortOrder_] {
        std::vector<std::uint32_t> rows;
        rows.reserve(r->size());
        for (size_t i = 0; i < r->size(); ++i)
            if (filter.accepts(*r, i)) rows.push_back(std::uint32_t(i));
        const int axes = int(r->schema().paramNames.size());
        if (column >= 0) {
            // NaN (invalid points) last in either direction; ties keep point order.
            auto key = [&](std::uint32_t i) -> double {
                if (column == 0) return double(r->index(i));
                if (column <= axes) return r->param(size_t(column - 1), i);
                return r->metric(MetricId(column - 1 - axes), i);
            };
            std::stable_sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) {
                const double x = key(a), y = key(b);
                if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
                return order == Qt::AscendingOrder ? x < y : x > y;
            });
        }
        post.post([self, gen, rows = std::move(rows)]() mutable {
            if (!self) return;
            --self->pending_;
            if (gen != self->generation_) return; // superseded by a later sort or filter
            self->beginResetModel(); // swapping in the finished order is O(1) here
            self->order_ = std::move(rows);
            self->endResetModel();
            Q_EMIT self->reordered(qint64(self->order_.size()));
        });
    });
}

int SweepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !results_ ? 0 : int(order_.size());
}

int SweepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !results_ ? 0 : 1 + int(results_->schema().paramNames.size()) + kMetricCount;
}

QVariant SweepTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !results_ || (role != Qt::DisplayRole && role != Qt::UserRole)) return {};
    const size_t row = order_[size_t(index.row())];
    const int c = index.column(), axes = int(results_->schema().paramNames.size());
    if (c == 0) return qlonglong(results_->index(row));
    if (c <= axes) {
        if (role == Qt::UserRole) return results_->param(size_t(c - 1), row);
        return results_->paramText(size_t(c - 1), row);
    }
    const MetricId m = MetricId(c - 1 - axes);
    const double v = results_->metric(m, row);
    if (role == Qt::UserRole) return v;
    return QString::fromStdString(formatMetric(m, v));
}

QVariant SweepTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || !results_) return QAbstractTableModel::headerData(section, o, role);
    const int axes = int(results_->schema().paramNames.size());
    if (role == Qt::ToolTipRole && section > axes) {
        const MetricId m = MetricId(section - 1 - axes);
        return QString("%1 [%2]").arg(metricTitle(m), metricUnit(m));
    }
    if (role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
    if (section == 0) return "point";
    if (section <= axes) {
        // The parameter's name as filters use it, with its unit when it has one.
        const std::string& name = results_->schema().paramNames[size_t(section - 1)];
        const DesignField* f = findDesignField(name);
        return QString::fromStdString(f && !f->unit.empty() ? name + " [" + f->unit + "]" : name);
    }
    return metricName(MetricId(section - 1 - axes)); // cells carry their units; the name is what filters use
}

} // namespace llmdse
