#include "models/engine/Safetensors.h"
#include "core/Errors.h"
#include "core/InputFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include "core/Units.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace llmdse {

namespace {
constexpr std::uint64_t kMaxHeader = 100u << 20; // 100 MB: far beyond any real header
constexpr qsizetype kMaxRank = 8;
constexpr double kMaxExact = 9007199254740992.0;  // 2^53
}

const char* toString(TensorDType t)
{
    switch (t) {
    case TensorDType::F32: return "F32";
    case TensorDType::F16: return "F16";
    case TensorDType::BF16: return "BF16";
    }
    return "F32";
}

int dtypeBytes(TensorDType t) { return t == TensorDType::F32 ? 4 : 2; }

std::int64_t TensorView::elements() const
{
    std::int64_t n = 1;
    for (auto d : shape)
        if (d < 0 || __builtin_mul_overflow(n, d, &n)) return -1; // the reader refuses such shapes
    return n;
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = (h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ffu, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { // subnormal: normalise
            exp = 127 - 15 + 1;
            while (!(mant & 0x400u)) { mant <<= 1; --exp; }
            bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

float bfloat16ToFloat(std::uint16_t b)
{
    const std::uint32_t bits = std::uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

void TensorView::toFloat(float* out) const
{
    const std::int64_t n = elements();
    if (dtype == TensorDType::F32) {
        std::memcpy(out, data, static_cast<size_t>(n) * 4);
        return;
    }
    for (std::int64_t i = 0; i < n; ++i) {
        std::uint16_t v;
        std::memcpy(&v, data + 2 * i, 2);
        out[i] = dtype == TensorDType::F16 ? halfToFloat(v) : bfloat16ToFloat(v);
    }
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path), file_(std::make_unique<QFile>(QString::fromStdString(path)))
{
    requireRegularFile(path); // a FIFO would block the open, a device has no size to map
    if (!file_->open(QIODevice::ReadOnly)) throw InputError(path, "", "cannot open: " + file_->errorString().toStdString());
    const std::uint64_t size = static_cast<std::uint64_t>(file_->size());
    if (size < 8) throw InputError(path, "header", "truncated file: " + std::to_string(size) + " bytes, no header length");
    const unsigned char* map = size ? file_->map(0, static_cast<qint64>(size)) : nullptr;
    if (!map) throw InputError(path, "", "cannot memory-map the file");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | map[i];
    if (n > kMaxHeader || n > size - 8)
        throw InputError(path, "header", "header length " + std::to_string(n) + " runs past the end of the file (" +
                                             std::to_string(size) + " bytes)");
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(map + 8), static_cast<int>(n)), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        throw InputError(path, "header", "header is not a JSON object: " + err.errorString().toStdString());
    const unsigned char* dataStart = map + 8 + n;
    const std::uint64_t dataSize = size - 8 - n;
    const QJsonObject header = doc.object();
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string name = it.key().toStdString();
        if (name == "__metadata__") continue;
        const std::string field = "tensor '" + name + "'";
        if (!it.value().isObject()) throw InputError(path, field, "entry is not an object");
        const QJsonObject e = it.value().toObject();
        TensorView t;
        t.name = name;
        const std::string dt = e.value("dtype").toString().toStdString();
        if (dt == "F32") t.dtype = TensorDType::F32;
        else if (dt == "F16") t.dtype = TensorDType::F16;
        else if (dt == "BF16") t.dtype = TensorDType::BF16;
        else throw InputError(path, field + ".dtype", "unsupported dtype '" + dt + "' (supported: F32, F16, BF16)");
        const QJsonArray shape = e.value("shape").toArray();
        if (!e.value("shape").isArray()) throw InputError(path, field + ".shape", "missing or not a list");
        if (shape.size() > kMaxRank)
            throw InputError(path, field + ".shape", std::to_string(shape.size()) + " dimensions exceed the bound of " +
                                                         std::to_string(kMaxRank));
        for (const auto& d : shape) {
            // 2^53: beyond it a JSON number is no longer an exact integer (and no file is that large).
            if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() > kMaxExact || d.toDouble() != std::floor(d.toDouble()))
                throw InputError(path, field + ".shape", "dimensions must be whole numbers between 0 and 2^53");
            t.shape.push_back(static_cast<std::int64_t>(d.toDouble()));
        }
        const QJsonArray off = e.value("data_offsets").toArray();
        if (off.size() != 2 || !off[0].isDouble() || !off[1].isDouble())
            throw InputError(path, field + ".data_offsets", "must be [begin, end]");
        const double b = off[0].toDouble(), en = off[1].toDouble();
        if (b != std::floor(b) || en != std::floor(en))
            throw InputError(path, field + ".data_offsets", "must be whole byte offsets");
        if (b < 0 || en < b || en > double(dataSize))
            throw InputError(path, field + ".data_offsets", "[" + formatNumber(b) + ", " + formatNumber(en) +
                                 "] lies outside the data section (" + std::to_string(dataSize) + " bytes)");
        t.bytes = static_cast<size_t>(en - b);
        const std::int64_t elements = t.elements();
        std::uint64_t needed = 0;
        if (elements < 0 || __builtin_mul_overflow(static_cast<std::uint64_t>(elements),
                                                   static_cast<std::uint64_t>(dtypeBytes(t.dtype)), &needed))
            throw InputError(path, field + ".shape", "the product of the dimensions overflows 64 bits");
        if (needed != t.bytes)
            throw InputError(path, field, "shape needs " + std::to_string(needed) + " bytes but data_offsets cover " +
                                              std::to_string(t.bytes));
        t.data = dataStart + static_cast<size_t>(b);
        tensors_.push_back(t);
    }
    // Tensors must not share bytes.
    std::vector<const TensorView*> sorted;
    for (const auto& t : tensors_) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->data < b->data; });
    for (size_t i = 1; i < sorted.size(); ++i)
        if (sorted[i - 1]->data + sorted[i - 1]->bytes > sorted[i]->data)
            throw InputError(path, "tensor '" + sorted[i]->name + "'",
                             "data_offsets overlap tensor '" + sorted[i - 1]->name + "'");
}

const TensorView* SafetensorsFile::find(const std::string& name) const
{
    for (const auto& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

} // namespace llmdse
