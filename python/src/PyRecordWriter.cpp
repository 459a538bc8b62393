#include "PyRecordWriter.h"
#include "PyJson.h"

namespace py = pybind11;

namespace llmdse::python {

PyRecordWriter::PyRecordWriter() : root_(py::dict())
{
    open_.push_back(root_.ptr());
    isList_.push_back(false);
}

void PyRecordWriter::put(std::string_view key, const py::object& v)
{
    const int rc = isList_.back() ? PyList_Append(open_.back(), v.ptr())
                                  : PyDict_SetItem(open_.back(), keyString(key).ptr(), v.ptr());
    if (rc != 0) throw py::error_already_set();
}

void PyRecordWriter::number(std::string_view key, double v) { put(key, jsonNumber(v)); }

void PyRecordWriter::integer(std::string_view key, long long v)
{
    PyObject* o = PyLong_FromLongLong(v);
    if (!o) throw py::error_already_set();
    put(key, py::reinterpret_steal<py::object>(o));
}

void PyRecordWriter::boolean(std::string_view key, bool v) { put(key, py::bool_(v)); }
void PyRecordWriter::text(std::string_view key, std::string_view v) { put(key, textString(v)); }
void PyRecordWriter::value(std::string_view key, const QJsonValue& v) { put(key, toPython(v)); }

void PyRecordWriter::open(std::string_view key, PyObject* container, bool list)
{
    if (!container) throw py::error_already_set();
    const py::object owned = py::reinterpret_steal<py::object>(container);
    put(key, owned); // the parent holds it from here on
    open_.push_back(container);
    isList_.push_back(list);
}

void PyRecordWriter::beginObject(std::string_view key) { open(key, PyDict_New(), false); }
void PyRecordWriter::beginArray(std::string_view key) { open(key, PyList_New(0), true); }

void PyRecordWriter::close()
{
    open_.pop_back();
    isList_.pop_back();
}

} // namespace llmdse::python
