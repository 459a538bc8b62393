#include "PySweep.h"
#include "ArraySink.h"
#include "core/Errors.h"
#include "estimators/sweep/SweepRunner.h"
#include "models/engine/ModelWeights.h"

#include <pybind11/numpy.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <future>

namespace py = pybind11;
using namespace pybind11::literals;

namespace llmdse::python {

namespace {

// An object column (numpy.empty fills it with None) whose cells share a few Python values.
py::array objectColumn(std::int64_t n)
{
    return py::module_::import("numpy").attr("empty")(n, "dtype"_a = "O");
}

PyObject** cells(py::array& a) { return static_cast<PyObject**>(a.mutable_data()); }

void setCell(PyObject** cells, std::int64_t i, PyObject* v)
{
    Py_INCREF(v);
    Py_XSETREF(cells[i], v);
}

template <class T>
py::array_t<T> typedColumn(const py::array_t<double>& values)
{
    py::array_t<T> column(values.size());
    std::copy_n(values.data(), values.size(), column.mutable_data());
    return column;
}

// The columns hold every point (unlike the CLI's sinks, which stream): refuse a study they cannot fit in,
// rather than letting the sweep fill memory until the process is killed.
void requireMemory(const Study& study, const SweepSchema& schema)
{
    const double perPoint = 8.0 * (2 + 2 * schema.paramNames.size() + kMetricCount) + 1;
    const double need = perPoint * double(study.totalPoints());
    const double have = availableMemoryBytes();
    if (need <= have) return;
    char msg[256];
    std::snprintf(msg, sizeof msg,
                  "%lld points need %.1f GB as arrays, more than the %.1f GB of memory available; "
                  "`llmdse sweep` streams a study of any size to a file",
                  static_cast<long long>(study.totalPoints()), need / 1e9, have / 1e9);
    throw InputError(study.file, study.samples > 1 ? "random.samples" : "grid", msg);
}

// Runs the sweep on its own thread so this one can notice Ctrl-C (signals reach only the main thread).
SweepSummary runInterruptibly(const Study& study, ArraySink& sink, SweepOptions& opts)
{
    std::atomic<bool> cancel{false};
    opts.cancel = &cancel;
    bool interrupted = false;
    SweepSummary summary;
    {
        py::gil_scoped_release nogil;
        auto done = std::async(std::launch::async, [&] { return runSweep(study, sink, false, opts); });
        while (done.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) { // the handler's exception stays set for the caller
                interrupted = true;
                cancel = true;
                break;
            }
        }
        summary = done.get(); // rethrows what the sweep threw
    }
    if (interrupted) throw py::error_already_set();
    return summary;
}

} // namespace

py::dict sweepColumns(const Study& study, int threads, bool pareto)
{
    if (pareto && study.objectives.empty())
        throw InputError(study.file, "objectives", "pareto=True needs objectives in the study");
    const std::int64_t n = study.totalPoints();
    const SweepSchema schema = schemaFor(study, "", 0, n);
    requireMemory(study, schema);

    py::array_t<std::int64_t> index(n);
    std::vector<py::array_t<double>> params;
    std::vector<py::array_t<double>> metrics;
    ColumnBuffers buffers;
    buffers.index = index.mutable_data();
    for (size_t a = 0; a < schema.paramNames.size(); ++a) {
        params.emplace_back(n);
        buffers.params.push_back(params.back().mutable_data());
    }
    for (int m = 0; m < kMetricCount; ++m) {
        metrics.emplace_back(n);
        buffers.metrics[m] = metrics.back().mutable_data();
    }
    ArraySink sink(std::move(buffers), 0);
    SweepOptions opts;
    opts.threads = threads;
    opts.pareto = pareto;
    const SweepSummary summary = runInterruptibly(study, sink, opts);

    py::dict out;
    out["index"] = index;
    for (size_t a = 0; a < schema.paramNames.size(); ++a) {
        const auto& text = schema.paramText[a];
        const py::str name(schema.paramNames[a]);
        if (text.empty()) {
            // The parameter's own type: whole numbers (batch, tp) as int64, switches as bool.
            const auto kind = study.axes[a].field->kind;
            if (kind == DesignField::Kind::Integer)
                out[name] = typedColumn<std::int64_t>(params[a]);
            else if (kind == DesignField::Kind::Boolean)
                out[name] = typedColumn<bool>(params[a]);
            else
                out[name] = params[a];
            continue;
        }
        std::vector<py::str> values(text.begin(), text.end());
        py::array column = objectColumn(n);
        PyObject** c = cells(column);
        const double* codes = params[a].data();
        for (std::int64_t i = 0; i < n; ++i) setCell(c, i, values[static_cast<size_t>(codes[i])].ptr());
        out[name] = column;
    }
    for (int m = 0; m < kMetricCount; ++m) out[metricName(static_cast<MetricId>(m))] = metrics[m];
    py::str none("");
    py::array errors = objectColumn(n);
    PyObject** e = cells(errors);
    for (std::int64_t i = 0; i < n; ++i) setCell(e, i, none.ptr());
    for (const auto& [at, message] : sink.errors()) setCell(e, at, py::str(message).ptr());
    out["error"] = errors;
    if (pareto) {
        py::array_t<bool> front(n);
        std::fill_n(front.mutable_data(), n, false);
        for (const auto& p : summary.front) front.mutable_data()[p.index] = true;
        out["pareto"] = front;
    }
    return out;
}

} // namespace llmdse::python
