#include "models/engine/Rope.h"

#include <cmath>

namespace llmdse {

std::vector<double> ropeInverseFrequencies(const ModelSpec& m, bool withScaling)
{
    std::vector<double> v;
    const int hd = m.headDim;
    for (int i = 0; i < hd / 2; ++i) {
        double inv = 1.0 / std::pow(m.ropeTheta, 2.0 * i / hd);
        if (withScaling && m.ropeType == "linear") {
            inv /= m.ropeFactor;
        } else if (withScaling && m.ropeType == "llama3") {
            // Long wavelengths are stretched by the factor, short ones kept, the band between blended.
            const double wavelen = 2.0 * M_PI / inv;
            const double lowWavelen = m.ropeOriginalMaxPosition / m.ropeLowFreqFactor;
            const double highWavelen = m.ropeOriginalMaxPosition / m.ropeHighFreqFactor;
            if (wavelen > lowWavelen) {
                inv /= m.ropeFactor;
            } else if (wavelen >= highWavelen) {
                const double smooth = (m.ropeOriginalMaxPosition / wavelen - m.ropeLowFreqFactor) /
                                      (m.ropeHighFreqFactor - m.ropeLowFreqFactor);
                inv = (1.0 - smooth) * inv / m.ropeFactor + smooth * inv;
            }
        }
        v.push_back(inv);
    }
    return v;
}

} // namespace llmdse
