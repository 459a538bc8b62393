#include "estimators/sweep/JsonSink.h"
#include "core/Errors.h"
#include "estimators/sweep/OutputFile.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace llmdse {

JsonSink::JsonSink(const std::string& path) : path_(path)
{
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw InputError(path, "", std::string("cannot write: ") + std::strerror(errno));
}

JsonSink::~JsonSink()
{
    if (f_) std::fclose(f_);
}

static std::string quoted(const std::string& s)
{
    // QJsonValue handles escaping of arbitrary text correctly.
    QJsonObject o{{"v", QString::fromStdString(s)}};
    const QByteArray b = QJsonDocument(o).toJson(QJsonDocument::Compact); // {"v":"..."}
    return b.mid(5, b.size() - 6).toStdString();
}

void JsonSink::begin(const SweepSchema& schema)
{
    schema_ = schema;
    // Escape names and text values once, not per row.
    for (size_t a = 0; a < schema.paramNames.size(); ++a) {
        keys_.push_back("," + quoted(schema.paramNames[a]) + ":");
        texts_.emplace_back();
        for (const auto& t : schema.paramText[a]) texts_.back().push_back(quoted(t));
    }
    std::fputs("[\n", f_);
}

void JsonSink::write(const std::vector<SweepRow>& rows)
{
    buf_.clear();
    for (const auto& r : rows) {
        buf_ += first_ ? "{" : ",\n{";
        first_ = false;
        buf_ += "\"index\":" + std::to_string(r.index);
        for (size_t a = 0; a < keys_.size(); ++a) {
            buf_ += keys_[a];
            buf_ += texts_[a].empty() ? csvNumber(r.params[a]) : texts_[a][static_cast<size_t>(r.params[a])];
        }
        if (r.error.empty()) {
            for (int m = 0; m < kMetricCount; ++m) {
                buf_ += std::string(",\"") + metricName(static_cast<MetricId>(m)) + "\":";
                const double v = r.metrics[m];
                if (static_cast<MetricId>(m) == MetricId::Fits) buf_ += v != 0 ? "true" : "false";
                else buf_ += std::isfinite(v) ? csvNumber(v) : "null";
            }
            if (schema_.intervalLevel > 0)
                for (int m = 0; m < kIntervalCount; ++m)
                    for (const bool high : {false, true}) {
                        buf_ += ",\"" + intervalColumn(static_cast<MetricId>(m), high) + "\":";
                        const double v = high ? r.hi[m] : r.lo[m];
                        buf_ += std::isfinite(v) ? csvNumber(v) : "null";
                    }
        } else {
            buf_ += ",\"error\":" + quoted(r.error);
        }
        buf_ += "}";
    }
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
        throw InputError(path_, "", writeFailure(errno));
}

void JsonSink::finish()
{
    std::fputs("\n]\n", f_);
    const bool failedBefore = std::ferror(f_) != 0; // the unchecked opening and closing brackets
    const bool ok = std::fclose(f_) == 0 && !failedBefore;
    f_ = nullptr;
    if (!ok) throw InputError(path_, "", writeFailure(errno));
}

} // namespace llmdse
