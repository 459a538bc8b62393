#pragma once
// A study: a base design, the parameters to vary (grid values and/or random
// ranges), objectives and the estimator. Compiled once; any point can then be
// generated from its index alone, which makes sharding and resuming exact.
#include "core/Design.h"
#include "estimators/sweep/MetricColumns.h"
#include "estimators/search/SearchSpec.h"
#include "models/DesignFields.h"

#include <QJsonObject>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmdse {

struct StudyAxis {
    enum class Kind { Grid, Range, Choice };
    std::string key;
    const DesignField* field = nullptr;
    Kind kind = Kind::Grid;
    std::vector<FieldValue> values;     // Grid and Choice
    std::vector<QJsonValue> rawValues;  // as written, for output columns
    double min = 0, max = 0;            // Range
    bool log = false, integer = false;  // Range
    bool root() const { return key == "model" || key == "hardware" || key == "runtime"; }
    bool textual() const { return kind != Kind::Range && field->kind == DesignField::Kind::Text; }
};

struct Objective {
    MetricId metric;
    bool maximise = false;
};

// A bound a design must meet to be on the Pareto front: "tpot_s <= 0.05" (SI units), or a bare
// yes/no metric ("fits") that must hold.
struct Constraint {
    enum Op { Lt, Le, Gt, Ge, Holds } op = Le;
    MetricId metric;
    double bound = 0;
    bool admits(const MetricRow& m) const;
    // How far a point misses the bound, relative to it (0 when admitted; a NaN metric misses by 1).
    double violation(const MetricRow& m) const;
    std::string text() const; // as written in a study
};
// Throws InputError(where) naming what it cannot read.
Constraint parseConstraint(const std::string& text, const std::string& where);

struct Study {
    std::string file;
    QJsonObject json;              // as read, stored with results
    Design base;
    std::vector<StudyAxis> axes;   // application order: roots first
    std::vector<std::pair<const DesignField*, FieldValue>> baseOverrides; // dotted base keys, re-applied per point
    std::vector<Objective> objectives;
    std::vector<Constraint> constraints; // every one met, or a point is left off the front
    std::string estimator;         // empty: each point's hardware class's (defaultEstimatorId)
    std::int64_t gridSize = 1;
    std::int64_t samples = 1;
    std::uint64_t seed = 0;
    bool autoRuntime = false;      // no runtime named: follow each hardware's class default
    std::optional<SearchSpec> search; // a search over the "space" axes (all Grid) instead of enumerating them

    std::int64_t totalPoints() const { return gridSize * samples; }
    bool admits(const MetricRow& m) const; // meets every constraint
    double violation(const MetricRow& m) const; // summed over the constraints
    std::string fingerprint() const; // identifies the study for --resume
};

Study parseStudy(const QJsonObject& obj, const std::string& file);
Study readStudyFile(const std::string& file);

// Per-thread point generator: applies a point's parameters to its own Design.
class PointGenerator {
public:
    explicit PointGenerator(const Study& s);
    // Sets `design` to point `index`; fills `params` (numbers, or value indices for text axes).
    const Design& at(std::int64_t index, double* params);

private:
    const Study& s_;
    Design design_;
    std::vector<std::int64_t> lastRoot_;
};

} // namespace llmdse
