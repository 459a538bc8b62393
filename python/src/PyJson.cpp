#include "PyJson.h"
#include "core/Errors.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace py = pybind11;

namespace llmdse::python {

namespace {

struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Python strings by content, bounded (keys are field names, short values ids and op names);
// never destroyed, as they would outlive the interpreter's teardown.
using StringCache = std::unordered_map<std::string, PyObject*, ViewHash, std::equal_to<>>;
constexpr size_t kCacheLimit = 4096;
constexpr size_t kShortText = 48;

py::object newString(std::string_view s)
{
    PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (!o) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

// Most strings a record writes are literals or field names at fixed addresses: a slot per
// address answers them without hashing (the characters are compared, so a reused address is safe).
struct Slot {
    const char* data = nullptr;
    PyObject* string = nullptr; // borrowed from the cache
};
constexpr size_t kSlots = 2048;

bool same(PyObject* s, std::string_view text)
{
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(s, &size);
    return utf8 && static_cast<size_t>(size) == text.size() && std::memcmp(utf8, text.data(), text.size()) == 0;
}

py::object cached(StringCache& cache, Slot* slots, std::string_view s, bool intern)
{
    Slot& slot = slots[(reinterpret_cast<std::uintptr_t>(s.data()) / 8 ^ s.size() * 31) % kSlots];
    if (slot.data == s.data() && same(slot.string, s)) return py::reinterpret_borrow<py::object>(slot.string);
    if (auto it = cache.find(s); it != cache.end()) {
        slot = {s.data(), it->second};
        return py::reinterpret_borrow<py::object>(it->second);
    }
    py::object o = newString(s);
    if (intern) {
        PyObject* raw = o.release().ptr();
        PyUnicode_InternInPlace(&raw);
        o = py::reinterpret_steal<py::object>(raw);
    }
    if (cache.size() < kCacheLimit) {
        cache.emplace(std::string(s), py::object(o).release().ptr());
        slot = {s.data(), o.ptr()};
    }
    return o;
}

std::string typeName(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>(); }

std::string childPath(const std::string& where, const std::string& key)
{
    return where.empty() ? key : where + "." + key;
}

} // namespace

py::object keyString(std::string_view key)
{
    static auto* cache = new StringCache();
    static auto* slots = new Slot[kSlots];
    return cached(*cache, slots, key, true);
}

py::object textString(std::string_view text)
{
    static auto* cache = new StringCache();
    static auto* slots = new Slot[kSlots];
    return text.size() <= kShortText ? cached(*cache, slots, text, false) : newString(text);
}

py::object jsonNumber(double d)
{
    if (!std::isfinite(d)) return py::none();
    // Qt writes a double with no fraction below 2^53 as an integer literal.
    PyObject* o = d == std::trunc(d) && std::fabs(d) < 9007199254740992.0 ? PyLong_FromLongLong(static_cast<long long>(d))
                                                                          : PyFloat_FromDouble(d);
    if (!o) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

py::object toPython(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return py::none();
    case QJsonValue::Bool:
        return py::bool_(v.toBool());
    case QJsonValue::Double:
        return jsonNumber(v.toDouble());
    case QJsonValue::String:
        return textString(v.toString().toStdString());
    case QJsonValue::Array:
        return toPython(v.toArray());
    case QJsonValue::Object:
        return toPython(v.toObject());
    }
    return py::none();
}

py::dict toPython(const QJsonObject& o)
{
    py::dict d;
    for (auto it = o.begin(); it != o.end(); ++it) {
        py::object value = toPython(it.value());
        if (PyDict_SetItem(d.ptr(), keyString(it.key().toStdString()).ptr(), value.ptr()) != 0)
            throw py::error_already_set();
    }
    return d;
}

py::list toPython(const QJsonArray& a)
{
    py::list l(a.size());
    for (qsizetype i = 0; i < a.size(); ++i) PyList_SET_ITEM(l.ptr(), i, toPython(a.at(i)).release().ptr());
    return l;
}

namespace {

// Deeper than any design or study; stops a self-containing list from overflowing the stack.
constexpr int kMaxDepth = 64;

// Calls visit(key, value) for each item of a dict with str keys.
template <class Visit>
void forEachItem(py::handle h, const std::string& where, Visit visit)
{
    if (!PyDict_Check(h.ptr())) throw InputError("", where, "must be a dict, got '" + typeName(h) + "'");
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(h.ptr(), &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) throw InputError("", where, "keys must be str, got '" + typeName(key) + "'");
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(key, &size);
        if (!utf8) throw py::error_already_set();
        visit(std::string_view(utf8, static_cast<size_t>(size)), value);
    }
}

QJsonObject objectAt(py::handle h, const std::string& where, int depth);

QJsonValue valueAt(py::handle h, const std::string& where, int depth)
{
    if (depth > kMaxDepth) throw InputError("", where, "nested more than " + std::to_string(kMaxDepth) + " levels deep");
    if (h.is_none()) return QJsonValue(QJsonValue::Null);
    if (PyBool_Check(h.ptr())) return h.ptr() == Py_True;
    if (PyLong_Check(h.ptr())) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
        if (overflow) return PyLong_AsDouble(h.ptr());
        return QJsonValue(static_cast<qint64>(v));
    }
    if (PyFloat_Check(h.ptr())) return PyFloat_AS_DOUBLE(h.ptr());
    if (PyUnicode_Check(h.ptr())) {
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
        if (!utf8) throw py::error_already_set();
        return QString::fromUtf8(utf8, size);
    }
    if (PyDict_Check(h.ptr())) return objectAt(h, where, depth);
    if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr())) {
        QJsonArray a;
        Py_ssize_t i = 0;
        for (py::handle item : py::reinterpret_borrow<py::sequence>(h))
            a.append(valueAt(item, where + "[" + std::to_string(i++) + "]", depth + 1));
        return a;
    }
    // numpy scalars and arrays: whole numbers through __index__, the rest through tolist() or __float__.
    if (PyIndex_Check(h.ptr())) {
        PyObject* i = PyNumber_Index(h.ptr());
        if (!i) throw py::error_already_set();
        return valueAt(py::reinterpret_steal<py::object>(i), where, depth);
    }
    if (py::hasattr(h, "tolist")) return valueAt(h.attr("tolist")(), where, depth + 1);
    if (PyNumber_Check(h.ptr()) && py::hasattr(h, "__float__")) return h.attr("__float__")().cast<double>();
    throw InputError("", where, "unsupported Python type '" + typeName(h) + "' (use str, int, float, bool, list or dict)");
}

QJsonObject objectAt(py::handle h, const std::string& where, int depth)
{
    QJsonObject o;
    forEachItem(h, where, [&](std::string_view k, PyObject* value) {
        o.insert(QString::fromUtf8(k.data(), static_cast<qsizetype>(k.size())),
                 valueAt(value, childPath(where, std::string(k)), depth + 1));
    });
    return o;
}

} // namespace

QJsonValue fromPython(py::handle h, const std::string& where) { return valueAt(h, where, 0); }
QJsonObject objectFromPython(py::handle h, const std::string& where) { return objectAt(h, where, 0); }

std::vector<std::pair<std::string, QJsonValue>> valuesFromPython(py::handle h, const std::string& where)
{
    std::vector<std::pair<std::string, QJsonValue>> values;
    forEachItem(h, where, [&](std::string_view k, PyObject* value) {
        std::string key(k);
        QJsonValue v = fromPython(value, childPath(where, key));
        values.emplace_back(std::move(key), std::move(v));
    });
    return values;
}

} // namespace llmdse::python
