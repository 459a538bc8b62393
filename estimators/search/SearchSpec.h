#pragma once
// What a study's "search" asks for: the algorithm and its budget. The space it explores is the
// study's axes (every one a list of levels), so a point is still a grid index of the study.
#include <cstdint>
#include <vector>

namespace llmdse {

struct SearchSpec {
    enum class Algorithm { Nsga2, Random } algorithm = Algorithm::Nsga2;
    std::int64_t budget = 0;   // distinct designs evaluated, at most
    int population = 100;
    std::uint64_t seed = 0;
    double crossover = 0.9;    // probability a pair of parents is recombined
    double etaCrossover = 15;  // SBX distribution index
    double etaMutation = 20;   // polynomial-mutation distribution index
    // Hypervolume reference point in the objectives' own units (maximised ones as written, not
    // negated); empty: fixed from generation 0 (see SearchRunner.h).
    std::vector<double> reference;
};

} // namespace llmdse
