#include "ui/ChartAxes.h"

#include <QAbstractAxis>
#include <QLogValueAxis>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace llmdse {

QValueAxis* niceAxis(double lo, double hi, const QString& title, int maxTicks)
{
    const NiceScale s = niceScale(lo, hi, maxTicks);
    auto* a = new QValueAxis;
    a->setRange(s.lo, s.hi);
    a->setTickType(QValueAxis::TicksDynamic);
    a->setTickAnchor(0);
    a->setTickInterval(s.step);
    a->setLabelFormat(QString("%.%1f").arg(s.decimals));
    a->setTitleText(title);
    return a;
}

QValueAxis* timeAxis(double maxSeconds, const QString& what, TimeUnit* unit, int maxTicks)
{
    const TimeUnit u = timeUnitFor(maxSeconds);
    if (unit) *unit = u;
    return niceAxis(0, std::max(maxSeconds, 0.0) * u.perSecond, QString("%1 (%2)").arg(what, QString::fromUtf8(u.name)),
                    maxTicks);
}

QLogValueAxis* decadeAxis(double lo, double hi, const QString& title)
{
    auto* a = new QLogValueAxis;
    lo = lo > 0 && std::isfinite(lo) ? lo : 1e-3;
    hi = hi > lo && std::isfinite(hi) ? hi : lo * 10;
    a->setRange(std::pow(10.0, std::floor(std::log10(lo))), std::pow(10.0, std::ceil(std::log10(hi))));
    a->setMinorTickCount(8); // 2..9 within each decade
    // %g writes 1e+06 from a million up and 1e-05 below 0.0001; anything else as a plain number.
    a->setLabelFormat("%g");
    a->setTitleText(title);
    return a;
}

QAbstractAxis* spanAxis(double lo, double hi, const QString& title)
{
    if (lo > 0 && hi > 0 && hi / lo > 20) return decadeAxis(lo, hi, title);
    const double pad = (hi - lo) * 0.05 + (hi == lo ? std::abs(hi) * 0.1 + 1e-12 : 0);
    return niceAxis(std::max(0.0, lo - pad), hi + pad, title);
}

AxisUnit axisUnitFor(const QString& unit, double maxValue)
{
    if (unit == "s") {
        const TimeUnit t = timeUnitFor(maxValue);
        return {t.perSecond, QString::fromUtf8(t.name)};
    }
    if (unit == "B") {
        for (auto [factor, name] : {std::pair{1e-12, "TB"}, {1e-9, "GB"}, {1e-6, "MB"}, {1e-3, "kB"}})
            if (maxValue * factor >= 1) return {factor, name};
        return {1, "B"};
    }
    return {1, unit};
}

} // namespace llmdse
