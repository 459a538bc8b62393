#pragma once
// Axes every chart shares: linear axes with 1-2-5 ticks that start at a round number,
// time axes in the unit that fits the data (µs, ms, s, min, h), and log axes whose
// decades are labelled without exponents where the unit allows.
#include "core/Units.h"

#include <QString>

class QAbstractAxis;
class QLogValueAxis;
class QValueAxis;

namespace llmdse {

// A linear axis over [lo, hi] (rounded out to whole steps) titled `title`.
QValueAxis* niceAxis(double lo, double hi, const QString& title, int maxTicks = 6);
// A time axis from 0 to `maxSeconds`: the unit it uses scales seconds to axis values.
QValueAxis* timeAxis(double maxSeconds, const QString& what, TimeUnit* unit, int maxTicks = 6);
// A log axis over [lo, hi] rounded out to decades.
QLogValueAxis* decadeAxis(double lo, double hi, const QString& title);
// Data spanning more than a factor of 20: a log axis in decades; less: a linear one with round ticks.
QAbstractAxis* spanAxis(double lo, double hi, const QString& title);

// The unit an axis of values in SI `unit` reads best in up to `maxValue`: seconds as µs/ms/s/min/h,
// bytes as kB/MB/GB/TB; anything else as it is. Axis value = SI value x factor.
struct AxisUnit {
    double factor = 1;
    QString name;
};
AxisUnit axisUnitFor(const QString& unit, double maxValue);

} // namespace llmdse
