#pragma once
// Writes a record (core/RecordWriter.h) straight into Python objects: the dict
// `evaluate` returns is built field by field, with no QJsonObject or JSON text
// in between (that round trip cost more than the estimate itself).
// Values as in PyJson.h. Needs the GIL.
#include "core/RecordWriter.h"

#include <pybind11/pybind11.h>

#include <vector>

namespace llmdse::python {

class PyRecordWriter : public RecordWriter {
public:
    PyRecordWriter();
    void number(std::string_view key, double v) override;
    void integer(std::string_view key, long long v) override;
    void boolean(std::string_view key, bool v) override;
    void text(std::string_view key, std::string_view v) override;
    void value(std::string_view key, const QJsonValue& v) override;
    void beginObject(std::string_view key) override;
    void endObject() override { close(); }
    void beginArray(std::string_view key) override;
    void endArray() override { close(); }
    // The root dict; call with every container closed.
    pybind11::dict result() const { return pybind11::reinterpret_borrow<pybind11::dict>(root_); }

private:
    void put(std::string_view key, const pybind11::object& v);
    void open(std::string_view key, PyObject* container, bool list);
    void close();
    pybind11::object root_;
    std::vector<PyObject*> open_; // borrowed: each is owned by its parent (the root by root_)
    std::vector<bool> isList_;
};

} // namespace llmdse::python
