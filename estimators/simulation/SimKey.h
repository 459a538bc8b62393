#pragma once
// Content hash of what a simulated op depends on: 128 bits from two FNV-1a
// streams over the exact bytes of the op shape, precisions, template and
// simulator version. Collisions are negligible at cache sizes (< 1e9 entries).
#include <cstdint>
#include <cstring>
#include <string>

namespace llmdse {

struct SimKey {
    std::uint64_t a = 0, b = 0;
    bool operator==(const SimKey& o) const { return a == o.a && b == o.b; }
};

class SimKeyBuilder {
public:
    SimKeyBuilder& add(const void* data, size_t n)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            a_ = (a_ ^ p[i]) * 0x100000001b3ULL;
            b_ = (b_ ^ p[i]) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
        }
        return *this;
    }
    SimKeyBuilder& add(double v) { return add(&v, sizeof v); }
    SimKeyBuilder& add(std::int64_t v) { return add(&v, sizeof v); }
    SimKeyBuilder& add(const std::string& s) { return add(s.data(), s.size()).add(std::int64_t(s.size())); }
    SimKey key() const { return {a_, b_}; }

private:
    std::uint64_t a_ = 0xcbf29ce484222325ULL, b_ = 0x84222325cbf29ce4ULL;
};

struct SimKeyHash {
    static size_t hash(const SimKey& k) { return static_cast<size_t>(k.a ^ (k.b * 31)); }
    static bool equal(const SimKey& x, const SimKey& y) { return x == y; }
};

} // namespace llmdse
