#include "estimators/search/Nsga2.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace llmdse {

std::uint64_t SearchRng::next()
{
    std::uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double SearchRng::uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

int SearchRng::below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

bool constrainedDominates(const Candidate& a, const Candidate& b)
{
    if (a.violation > 0 || b.violation > 0) return a.violation < b.violation;
    bool better = false;
    for (size_t i = 0; i < a.objectives.size(); ++i) {
        if (a.objectives[i] > b.objectives[i]) return false;
        better = better || a.objectives[i] < b.objectives[i];
    }
    return better;
}

std::vector<std::vector<size_t>> nonDominatedSort(std::vector<Candidate>& pop)
{
    const size_t n = pop.size();
    std::vector<std::vector<size_t>> dominated(n);
    std::vector<int> count(n, 0);
    std::vector<std::vector<size_t>> fronts(1);
    for (size_t p = 0; p < n; ++p)
        for (size_t q = p + 1; q < n; ++q) {
            if (constrainedDominates(pop[p], pop[q])) dominated[p].push_back(q), ++count[q];
            else if (constrainedDominates(pop[q], pop[p])) dominated[q].push_back(p), ++count[p];
        }
    for (size_t p = 0; p < n; ++p)
        if (count[p] == 0) pop[p].rank = 0, fronts[0].push_back(p);
    for (size_t f = 0; !fronts[f].empty(); ++f) {
        std::vector<size_t> next;
        for (size_t p : fronts[f])
            for (size_t q : dominated[p])
                if (--count[q] == 0) pop[q].rank = int(f) + 1, next.push_back(q);
        fronts.push_back(std::move(next));
    }
    fronts.pop_back();
    return fronts;
}

void assignCrowding(std::vector<Candidate>& pop, const std::vector<size_t>& front)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    for (size_t i : front) pop[i].crowding = 0;
    if (front.empty()) return;
    // Infeasible fronts are ordered by violation alone: spread them by it too.
    const bool feasible = pop[front[0]].violation == 0;
    const size_t dims = feasible ? pop[front[0]].objectives.size() : 1;
    std::vector<size_t> order(front);
    for (size_t m = 0; m < dims; ++m) {
        auto value = [&](size_t i) { return feasible ? pop[i].objectives[m] : pop[i].violation; };
        // Ties broken by index, so the order (and the run) never depends on the sort's stability.
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return value(a) < value(b) || (value(a) == value(b) && pop[a].index < pop[b].index);
        });
        pop[order.front()].crowding = pop[order.back()].crowding = inf;
        const double span = value(order.back()) - value(order.front());
        if (!(span > 0)) continue;
        for (size_t k = 1; k + 1 < order.size(); ++k)
            pop[order[k]].crowding += (value(order[k + 1]) - value(order[k - 1])) / span;
    }
}

Nsga2::Nsga2(std::vector<int> levels, std::vector<bool> ordered, const SearchSpec& spec, std::int64_t spaceSize)
    : levels_(std::move(levels)), ordered_(std::move(ordered)), spec_(spec), spaceSize_(spaceSize), rng_(spec.seed)
{
}

std::int64_t Nsga2::indexOf(const std::vector<int>& genes) const
{
    std::int64_t index = 0;
    for (size_t i = 0; i < levels_.size(); ++i) index = index * levels_[i] + genes[i];
    return index;
}

std::vector<int> Nsga2::randomGenes()
{
    std::vector<int> g(levels_.size());
    for (size_t i = 0; i < g.size(); ++i) g[i] = rng_.below(levels_[i]);
    return g;
}

std::vector<int> Nsga2::freshOrRandom(std::vector<int> genes)
{
    // A child already evaluated is moved a level at a time, then replaced by random
    // designs, so the budget buys distinct designs.
    for (int attempt = 0; attempt < 64; ++attempt) {
        if (unseen(genes)) return genes;
        const int i = rng_.below(int(levels_.size()));
        if (levels_[i] > 1) genes[i] = ordered_[i] ? std::clamp(genes[i] + (rng_.below(2) ? 1 : -1), 0, levels_[i] - 1)
                                                   : rng_.below(levels_[i]);
    }
    for (int attempt = 0; attempt < 1024; ++attempt) {
        genes = randomGenes();
        if (unseen(genes)) return genes;
    }
    // Nearly exhausted: walk the indices from a random start for the first unseen one.
    const std::int64_t start = static_cast<std::int64_t>(rng_.next() % static_cast<std::uint64_t>(spaceSize_));
    for (std::int64_t k = 0; k < spaceSize_; ++k) {
        std::int64_t idx = (start + k) % spaceSize_;
        if (seen_.count(idx)) continue;
        for (size_t i = levels_.size(); i-- > 0;) genes[i] = int(idx % levels_[i]), idx /= levels_[i];
        seen_.insert(indexOf(genes));
        return genes;
    }
    return {};
}

const Candidate& Nsga2::tournament()
{
    const Candidate& a = pop_[size_t(rng_.below(int(pop_.size())))];
    const Candidate& b = pop_[size_t(rng_.below(int(pop_.size())))];
    if (a.rank != b.rank) return a.rank < b.rank ? a : b;
    if (a.crowding != b.crowding) return a.crowding > b.crowding ? a : b;
    return rng_.below(2) ? a : b;
}

void Nsga2::crossover(std::vector<int>& a, std::vector<int>& b)
{
    if (rng_.uniform() >= spec_.crossover) return;
    const double eta = spec_.etaCrossover;
    for (size_t i = 0; i < levels_.size(); ++i) {
        if (rng_.uniform() >= 0.5 || levels_[i] < 2 || a[i] == b[i]) continue; // genes swap or stay half the time
        if (!ordered_[i]) {
            std::swap(a[i], b[i]);
            continue;
        }
        // SBX (Deb & Agrawal 1995) with bounds [0, levels - 1] on the level index.
        const double lo = 0, hi = levels_[i] - 1;
        const double y1 = std::min(a[i], b[i]), y2 = std::max(a[i], b[i]);
        const double u = rng_.uniform();
        auto child = [&](double beta) {
            const double alpha = 2 - std::pow(beta, -(eta + 1));
            const double bq = u <= 1 / alpha ? std::pow(u * alpha, 1 / (eta + 1)) : std::pow(1 / (2 - u * alpha), 1 / (eta + 1));
            return bq;
        };
        const double c1 = 0.5 * ((y1 + y2) - child(1 + 2 * (y1 - lo) / (y2 - y1)) * (y2 - y1));
        const double c2 = 0.5 * ((y1 + y2) + child(1 + 2 * (hi - y2) / (y2 - y1)) * (y2 - y1));
        int g1 = int(std::clamp(std::round(c1), lo, hi)), g2 = int(std::clamp(std::round(c2), lo, hi));
        if (rng_.below(2)) std::swap(g1, g2);
        a[i] = g1;
        b[i] = g2;
    }
}

void Nsga2::mutate(std::vector<int>& g)
{
    const double rate = 1.0 / double(levels_.size());
    const double eta = spec_.etaMutation;
    for (size_t i = 0; i < levels_.size(); ++i) {
        if (levels_[i] < 2 || rng_.uniform() >= rate) continue;
        if (!ordered_[i]) {
            g[i] = (g[i] + 1 + rng_.below(levels_[i] - 1)) % levels_[i]; // any other level
            continue;
        }
        // Polynomial mutation (Deb & Goyal 1996) on the level index.
        const double hi = levels_[i] - 1, x = g[i];
        const double d1 = x / hi, d2 = (hi - x) / hi, u = rng_.uniform();
        double dq;
        if (u < 0.5) dq = std::pow(2 * u + (1 - 2 * u) * std::pow(1 - d1, eta + 1), 1 / (eta + 1)) - 1;
        else dq = 1 - std::pow(2 * (1 - u) + 2 * (u - 0.5) * std::pow(1 - d2, eta + 1), 1 / (eta + 1));
        int y = int(std::clamp(std::round(x + dq * hi), 0.0, hi));
        if (y == g[i]) y = std::clamp(g[i] + (dq < 0 || (dq == 0 && rng_.below(2)) ? -1 : 1), 0, levels_[i] - 1);
        if (y == g[i]) y = g[i] == 0 ? 1 : g[i] - 1; // at a bound, step inward
        g[i] = y;
    }
}

std::vector<std::vector<int>> Nsga2::propose(int count)
{
    std::vector<std::vector<int>> out;
    const auto room = spaceSize_ - static_cast<std::int64_t>(seen_.size());
    count = int(std::min<std::int64_t>(count, room));
    while (int(out.size()) < count) {
        std::vector<int> a, b;
        if (pop_.empty()) {
            a = randomGenes();
            b = randomGenes();
        } else {
            a = tournament().genes;
            b = tournament().genes;
            crossover(a, b);
            mutate(a);
            mutate(b);
        }
        for (std::vector<int>* g : std::initializer_list<std::vector<int>*>{&a, &b}) {
            if (int(out.size()) >= count) break;
            std::vector<int> fresh = freshOrRandom(std::move(*g));
            if (fresh.empty()) return out;
            out.push_back(std::move(fresh));
        }
    }
    return out;
}

void Nsga2::accept(std::vector<Candidate> evaluated)
{
    for (auto& c : evaluated) pop_.push_back(std::move(c));
    auto fronts = nonDominatedSort(pop_);
    std::vector<Candidate> next;
    const size_t target = size_t(spec_.population);
    for (auto& f : fronts) {
        assignCrowding(pop_, f);
        if (next.size() + f.size() > target) {
            std::sort(f.begin(), f.end(), [&](size_t a, size_t b) {
                return pop_[a].crowding > pop_[b].crowding || (pop_[a].crowding == pop_[b].crowding && pop_[a].index < pop_[b].index);
            });
            f.resize(target - next.size());
        }
        for (size_t i : f) next.push_back(pop_[i]);
        if (next.size() >= target) break;
    }
    pop_ = std::move(next);
}

} // namespace llmdse
