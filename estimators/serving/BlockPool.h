#pragma once
// The KV-cache blocks of one server, with optional prefix caching as vLLM's
// block manager does it: a full block whose tokens belong to a shared prefix
// (block i of prefix group g) is registered under that key; a later request of
// the group that starts with the same tokens takes it instead of computing it
// (its reference count goes up). A block nobody references stays cached, in
// least-recently-freed order, until a new block is needed and none is empty:
// then the oldest cached one is evicted. Without caching this is a counter.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace llmdse {

class BlockPool {
public:
    BlockPool(long long blocks, bool caching);

    bool caching() const { return caching_; }
    long long available() const { return empty_ + lruCount_; } // empty plus evictable
    long long total() const { return total_; }

    // Takes one block for private use: an empty one, else evicts the least recently freed cached one.
    // False when every block is in use.
    bool allocate();
    void freePrivate(long long n) { empty_ += n; }

    // Prefix cache (caching() only). Node ids stand for registered blocks.
    static std::uint64_t key(int group, int block) { return (std::uint64_t(std::uint32_t(group)) << 32) | std::uint32_t(block); }
    int lookup(std::uint64_t key) const;
    bool evictable(int node) const { return refs_[std::size_t(node)] == 0; }
    void acquire(int node);           // one more holder (off the eviction list)
    void release(int node);           // one fewer; at zero it stays cached, evictable
    // Gives one of the caller's private blocks the content `key`; returns its node (held once by the
    // caller), or -1 when another block already holds that content (the caller's stays private).
    int registerBlock(std::uint64_t key);

private:
    void unlink(int node);
    void pushBack(int node);

    long long total_, empty_;
    bool caching_;
    std::unordered_map<std::uint64_t, int> index_;
    std::vector<std::uint64_t> keys_;
    std::vector<int> refs_, prev_, next_;
    std::vector<int> spare_;        // recycled node ids
    int head_ = -1, tail_ = -1;     // eviction order: head first
    long long lruCount_ = 0;
};

} // namespace llmdse
