#pragma once
// NSGA-II (Deb et al. 2002, IEEE TEC 6(2)) on a discretised space: each gene is a level index of
// one axis. Non-dominated sorting with crowding distance, constrained domination (a feasible
// point beats an infeasible one; two infeasible ones compare by violation), binary tournaments,
// SBX crossover and polynomial mutation on the level index of ordered axes (rounded, and moved a
// level when rounding would undo the mutation), uniform crossover and a random other level on
// unordered (text) axes. Every child is a design not evaluated before. All randomness comes from
// one seeded counter-free generator used serially, so a seed gives the same run on any thread count.
#include "estimators/search/SearchSpec.h"

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace llmdse {

// splitmix64: small, fast, and the same sequence on every platform and standard library.
class SearchRng {
public:
    explicit SearchRng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    double uniform();                  // [0, 1)
    int below(int n);                  // [0, n)
private:
    std::uint64_t state_;
};

struct Candidate {
    std::vector<int> genes;
    std::int64_t index = 0;        // grid index of the study
    std::vector<double> objectives; // minimised
    double violation = 0;          // 0: feasible
    int rank = 0;
    double crowding = 0;
};

// a constrained-dominates b.
bool constrainedDominates(const Candidate& a, const Candidate& b);
// Fronts of indices into `pop` (front 0 first); sets each candidate's rank.
std::vector<std::vector<size_t>> nonDominatedSort(std::vector<Candidate>& pop);
// Crowding distance within one front (boundary points: infinity).
void assignCrowding(std::vector<Candidate>& pop, const std::vector<size_t>& front);

class Nsga2 {
public:
    // levels[i]: how many levels axis i has; ordered[i]: numeric (neighbouring levels are close).
    Nsga2(std::vector<int> levels, std::vector<bool> ordered, const SearchSpec& spec, std::int64_t spaceSize);

    // The next genes to evaluate: the initial population, then offspring of the current one.
    // Fewer than asked (or none) once the space is exhausted. Each is recorded as seen.
    std::vector<std::vector<int>> propose(int count);
    // Environmental selection: the evaluated candidates join the population, the best
    // `population` (by rank, then crowding) survive.
    void accept(std::vector<Candidate> evaluated);
    const std::vector<Candidate>& population() const { return pop_; }

    std::int64_t indexOf(const std::vector<int>& genes) const;

private:
    std::vector<int> randomGenes();
    std::vector<int> freshOrRandom(std::vector<int> genes); // perturb until unseen
    const Candidate& tournament();
    void crossover(std::vector<int>& a, std::vector<int>& b);
    void mutate(std::vector<int>& g);
    bool unseen(const std::vector<int>& g) { return seen_.insert(indexOf(g)).second; }

    std::vector<int> levels_;
    std::vector<bool> ordered_;
    SearchSpec spec_;
    std::int64_t spaceSize_;
    SearchRng rng_;
    std::unordered_set<std::int64_t> seen_;
    std::vector<Candidate> pop_;
};

} // namespace llmdse
