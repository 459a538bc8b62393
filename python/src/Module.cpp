// The native part of the Python package `llmdse` (llmdse/__init__.py wraps it):
// the command line's functions over the same libraries, with dicts for JSON.
#include "PyJson.h"
#include "PyRecordWriter.h"
#include "PySweep.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "estimators/EvaluationRecord.h"
#include "estimators/Estimator.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/sweep/MetricColumns.h"
#include "estimators/validation/ValidationReport.h"
#include "models/DesignFields.h"
#include "models/DesignJson.h"
#include "models/ZooJson.h"

#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>

namespace py = pybind11;
using namespace pybind11::literals;

namespace llmdse::python {

namespace {

// Estimators are stateless and thread-safe: one per id for the process. Guarded by the GIL.
const Estimator& estimatorFor(const std::string& id)
{
    static auto* made = new std::map<std::string, std::unique_ptr<Estimator>>();
    auto& e = (*made)[id];
    if (!e) e = createEstimator(id);
    return *e;
}

bool isPath(py::handle h) { return PyUnicode_Check(h.ptr()) || py::hasattr(h, "__fspath__"); }

// A design or study argument: a dict, or the path of a JSON file.
void requireDictOrPath(py::handle h, const char* what)
{
    if (PyDict_Check(h.ptr()) || isPath(h)) return;
    throw InputError("", what, std::string("must be a dict or a file path, got '") +
                                   Py_TYPE(h.ptr())->tp_name + "'");
}
std::string pathOf(py::handle h) { return py::module_::import("os").attr("fspath")(h).cast<std::string>(); }

py::object zoo(const std::optional<std::string>& what)
{
    if (what) return toPython(zooJson(*what));
    py::dict all;
    for (const char* w : {"models", "hardware", "runtimes"}) all[w] = toPython(zooJson(w));
    return all;
}

py::dict evaluate(const py::handle& design, const std::string& estimator, bool ops)
{
    requireDictOrPath(design, "design");
    const Estimator& est = estimatorFor(estimator);
    std::string file;
    DesignValues values;
    if (PyDict_Check(design.ptr()))
        values = valuesFromPython(design, "");
    else
        file = pathOf(design);
    Design d;
    Metrics m;
    {
        py::gil_scoped_release nogil;
        d = file.empty() ? designFromValues(std::move(values)) : readDesignFile(file);
        m = est.evaluate(d, ops);
    }
    PyRecordWriter w;
    writeEvaluation(w, d, m, est, ops);
    return w.result();
}

py::dict sweep(const py::handle& study, int threads, bool pareto)
{
    if (threads < 0) throw InputError("", "threads", "must be a whole number >= 0");
    requireDictOrPath(study, "study");
    const Study s = PyDict_Check(study.ptr()) ? parseStudy(objectFromPython(study, ""), "") : readStudyFile(pathOf(study));
    return sweepColumns(s, threads, pareto);
}

py::dict validate(const py::object& data, const std::optional<std::string>& runtime)
{
    // Default as the command line's: the held-out H100/H200 runs compiled in.
    const MeasurementSet set = loadMeasurements(data.is_none() ? ":/validation/gpu-measurements-extra.json" : pathOf(data));
    const std::string rt = runtime.value_or("");
    QJsonObject result;
    {
        py::gil_scoped_release nogil;
        AnalyticalEstimator est;
        result = toJson(validateMeasurements(set, est, rt, "runtime"));
    }
    return toPython(result);
}

py::list designFieldList()
{
    py::list out;
    for (const DesignField& f : designFields()) {
        const char* kind = f.kind == DesignField::Kind::Integer ? "integer"
                           : f.kind == DesignField::Kind::Number ? "number"
                           : f.kind == DesignField::Kind::Text   ? "text"
                                                                 : "boolean";
        out.append(py::dict("key"_a = f.key, "kind"_a = kind, "unit"_a = f.unit, "help"_a = f.help));
    }
    return out;
}

} // namespace

} // namespace llmdse::python

PYBIND11_MODULE(_llmdse, m)
{
    using namespace llmdse;
    using namespace llmdse::python;
    m.doc() = "LLM inference design-space exploration: the llmdse command line's estimators from Python.";
    registerHostPresets(); // "host" and "reference-engine", as the command line has them
    // Bad input is the caller's: ValueError with the command line's message (file, field, reason).
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
    m.attr("__version__") = LLMDSE_VERSION;
    py::list metrics;
    for (int i = 0; i < kMetricCount; ++i) metrics.append(metricName(static_cast<MetricId>(i)));
    m.attr("METRICS") = metrics;

    m.def("zoo", &zoo, "what"_a = py::none(),
          "The bundled presets as `llmdse zoo WHAT --format json` prints them: a list for what = 'models', "
          "'hardware' or 'runtimes', else a dict of the three lists.");
    m.def("evaluate", &evaluate, "design"_a, "estimator"_a = "analytical", py::kw_only(), "ops"_a = true,
          "Estimates one design (a dict with the keys of design files and `evaluate`'s options, or a design "
          "file's path); returns the dict `llmdse evaluate --format json` prints. ops=False leaves out the "
          "per-operator breakdown (the 'ops' key), which is most of the cost of a call.");
    m.def("_sweep", &sweep, "study"_a, py::kw_only(), "threads"_a = 0, "pareto"_a = false);
    m.def("validate", &validate, "data"_a = py::none(), py::kw_only(), "runtime"_a = py::none(),
          "Predicts every row of a measurements file (path; default: the bundled held-out H100/H200 runs); "
          "returns the dict `llmdse validate --format json` prints: rows and the MAPE per phase.");
    m.def("design_fields", &designFieldList, "Every design parameter: key, kind, unit and help.");
}
