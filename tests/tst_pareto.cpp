// Streaming Pareto front: hand-worked examples, duplicates, removal of
// dominated points, 3-D, and merge == front of the union.
#include "estimators/sweep/Pareto.h"

#include <QtTest>
#include <algorithm>
#include <random>
#include <set>

using namespace llmdse;

namespace {

using Points = std::vector<std::vector<double>>;

ParetoFront frontOf(const Points& pts, std::int64_t firstIndex = 0)
{
    ParetoFront f(pts.empty() ? 2 : int(pts.front().size()));
    for (size_t i = 0; i < pts.size(); ++i) f.offer(firstIndex + std::int64_t(i), pts[i].data());
    return f;
}

std::set<std::int64_t> indices(const ParetoFront& f)
{
    std::set<std::int64_t> s;
    for (const auto& p : f.points()) s.insert(p.index);
    return s;
}

// O(n^2) reference: a point is on the front if nothing dominates it (first of equal points kept).
std::set<std::int64_t> bruteForce(const Points& pts)
{
    std::set<std::int64_t> s;
    const int dims = int(pts.front().size());
    for (size_t i = 0; i < pts.size(); ++i) {
        bool out = false;
        for (size_t j = 0; j < pts.size() && !out; ++j)
            out = ParetoFront::dominates(pts[j].data(), pts[i].data(), dims) || (j < i && pts[j] == pts[i]);
        if (!out) s.insert(std::int64_t(i));
    }
    return s;
}

} // namespace

class TestPareto : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dominance()
    {
        const double a[] = {1, 2}, b[] = {2, 3}, c[] = {1, 3}, d[] = {2, 1};
        QVERIFY(ParetoFront::dominates(a, b, 2));
        QVERIFY(ParetoFront::dominates(a, c, 2));  // equal in one, better in the other
        QVERIFY(!ParetoFront::dominates(a, a, 2)); // not better anywhere
        QVERIFY(!ParetoFront::dominates(a, d, 2) && !ParetoFront::dominates(d, a, 2));
    }

    void handExample2d()
    {
        //  (latency, energy), both minimised. Index: point
        //   0: (5, 5)  dominated by 3
        //   1: (1, 9)  front (fastest)
        //   2: (9, 1)  front (most frugal)
        //   3: (4, 4)  front
        //   4: (4, 6)  dominated by 3
        //   5: (2, 7)  front
        //   6: (6, 3)  front
        //   7: (7, 3)  dominated by 6 (equal energy, slower)
        const Points pts{{5, 5}, {1, 9}, {9, 1}, {4, 4}, {4, 6}, {2, 7}, {6, 3}, {7, 3}};
        const ParetoFront f = frontOf(pts);
        QCOMPARE(f.size(), size_t(5));
        // points() is sorted by the first objective.
        const auto p = f.points();
        const std::vector<std::int64_t> order{1, 5, 3, 6, 2};
        for (size_t i = 0; i < order.size(); ++i) {
            QCOMPARE(p[i].index, order[i]);
            QCOMPARE(p[i].objectives, pts[size_t(order[i])]);
        }
    }

    void offerReportsEntry()
    {
        ParetoFront f(2);
        const double a[] = {3, 3}, worse[] = {4, 4}, better[] = {2, 2}, side[] = {1, 5};
        QVERIFY(f.offer(0, a));
        QVERIFY(!f.offer(1, worse));
        QVERIFY(f.offer(2, side));
        QCOMPARE(f.size(), size_t(2));
        QVERIFY(f.offer(3, better)); // removes 0 but not the incomparable 2
        QCOMPARE(indices(f), (std::set<std::int64_t>{2, 3}));
    }

    void dominatedInsertionRemovesMany()
    {
        ParetoFront f(2);
        for (int i = 0; i < 10; ++i) {
            const double v[] = {double(10 + i), double(20 - i)}; // a staircase: all incomparable
            QVERIFY(f.offer(i, v));
        }
        QCOMPARE(f.size(), size_t(10));
        const double all[] = {5, 5};
        QVERIFY(f.offer(99, all));
        QCOMPARE(f.size(), size_t(1));
        QCOMPARE(f.points().front().index, std::int64_t(99));
    }

    void duplicatesKeepTheFirst()
    {
        ParetoFront f(2);
        const double v[] = {1, 2};
        QVERIFY(f.offer(7, v));
        QVERIFY(!f.offer(3, v));
        QVERIFY(!f.offer(9, v));
        QCOMPARE(f.size(), size_t(1));
        QCOMPARE(f.points().front().index, std::int64_t(7));
    }

    void nonFiniteIsRejected()
    {
        ParetoFront f(2);
        const double nan[] = {std::nan(""), 1}, inf[] = {1, INFINITY}, ok[] = {2, 2};
        QVERIFY(!f.offer(0, nan));
        QVERIFY(!f.offer(1, inf));
        QVERIFY(f.offer(2, ok));
        QCOMPARE(f.size(), size_t(1));
    }

    void handExample3d()
    {
        //  (latency, energy, cost)
        //   0: (1, 5, 5)  front (best latency)
        //   1: (5, 1, 5)  front (best energy)
        //   2: (5, 5, 1)  front (best cost)
        //   3: (3, 3, 3)  front (balanced)
        //   4: (3, 3, 4)  dominated by 3
        //   5: (1, 5, 6)  dominated by 0
        //   6: (2, 6, 2)  front: no other point is <= in all three
        const Points pts{{1, 5, 5}, {5, 1, 5}, {5, 5, 1}, {3, 3, 3}, {3, 3, 4}, {1, 5, 6}, {2, 6, 2}};
        const ParetoFront f = frontOf(pts);
        QCOMPARE(indices(f), (std::set<std::int64_t>{0, 1, 2, 3, 6}));
        QCOMPARE(indices(f), bruteForce(pts));
    }

    void randomAgainstBruteForce_data()
    {
        QTest::addColumn<int>("dims");
        QTest::addColumn<int>("count");
        QTest::newRow("2d") << 2 << 400;
        QTest::newRow("3d") << 3 << 400;
        QTest::newRow("4d coarse (many ties)") << 4 << 300;
    }

    void randomAgainstBruteForce()
    {
        QFETCH(int, dims);
        QFETCH(int, count);
        std::mt19937 rng(dims * 1000 + count);
        std::uniform_int_distribution<int> coarse(0, 6);
        std::uniform_real_distribution<double> fine(0, 1);
        Points pts(static_cast<size_t>(count), std::vector<double>(static_cast<size_t>(dims)));
        for (auto& p : pts)
            for (auto& v : p) v = dims == 4 ? coarse(rng) : fine(rng);
        QCOMPARE(indices(frontOf(pts)), bruteForce(pts));
    }

    // Sharded sweeps keep a front per shard and merge them: same as one front over everything.
    void mergeEqualsFrontOfUnion()
    {
        std::mt19937 rng(42);
        std::uniform_real_distribution<double> u(0, 1);
        Points all(600, std::vector<double>(3));
        for (auto& p : all)
            for (auto& v : p) v = u(rng);
        const Points first(all.begin(), all.begin() + 250), second(all.begin() + 250, all.end());
        ParetoFront a = frontOf(first, 0);
        const ParetoFront b = frontOf(second, 250);
        a.merge(b);
        const ParetoFront whole = frontOf(all);
        QCOMPARE(indices(a), indices(whole));
        QCOMPARE(indices(a), bruteForce(all));
        // And merging in the other order.
        ParetoFront b2 = frontOf(second, 250);
        b2.merge(frontOf(first, 0));
        QCOMPARE(indices(b2), indices(whole));
    }
};

QTEST_APPLESS_MAIN(TestPareto)
#include "tst_pareto.moc"
