#pragma once
// Python objects <-> JSON values, so the module hands Python what the command
// line prints as JSON (and reads designs and studies as the CLI reads files).
// Values follow json.loads of the command line's output: whole numbers that Qt
// writes without a fraction become int, NaN/inf (written as null) become None.
// Everything here needs the GIL.
#include <pybind11/pybind11.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmdse::python {

// An interned Python str for a field name, shared across calls.
pybind11::object keyString(std::string_view key);
// A Python str for a value; short ones (ids, op names) are shared across calls.
pybind11::object textString(std::string_view text);
// A double as json.loads reads the command line's output of it.
pybind11::object jsonNumber(double d);

pybind11::object toPython(const QJsonValue& v);
pybind11::dict toPython(const QJsonObject& o);
pybind11::list toPython(const QJsonArray& a);

// dict/list/str/bool/int/float/None (numpy scalars too). Anything else is an
// InputError naming `where` (the key path), as a bad value in a JSON file would be.
QJsonValue fromPython(pybind11::handle h, const std::string& where);
QJsonObject objectFromPython(pybind11::handle h, const std::string& where);
// A flat dict as key/value pairs (cheaper than a QJsonObject for a design).
std::vector<std::pair<std::string, QJsonValue>> valuesFromPython(pybind11::handle h, const std::string& where);

} // namespace llmdse::python
