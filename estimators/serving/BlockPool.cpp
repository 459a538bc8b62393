#include "estimators/serving/BlockPool.h"

namespace llmdse {

BlockPool::BlockPool(long long blocks, bool caching) : total_(blocks), empty_(blocks), caching_(caching) {}

bool BlockPool::allocate()
{
    if (empty_ > 0) {
        --empty_;
        return true;
    }
    if (head_ < 0) return false;
    const int n = head_; // the least recently freed cached block becomes the caller's private block
    unlink(n);
    index_.erase(keys_[std::size_t(n)]);
    spare_.push_back(n);
    return true;
}

int BlockPool::lookup(std::uint64_t key) const
{
    const auto it = index_.find(key);
    return it == index_.end() ? -1 : it->second;
}

void BlockPool::acquire(int node)
{
    if (refs_[std::size_t(node)]++ == 0) unlink(node);
}

void BlockPool::release(int node)
{
    if (--refs_[std::size_t(node)] == 0) pushBack(node);
}

int BlockPool::registerBlock(std::uint64_t key)
{
    if (index_.count(key)) return -1;
    int n;
    if (!spare_.empty()) {
        n = spare_.back();
        spare_.pop_back();
    } else {
        n = int(keys_.size());
        keys_.push_back(0);
        refs_.push_back(0);
        prev_.push_back(-1);
        next_.push_back(-1);
    }
    keys_[std::size_t(n)] = key;
    refs_[std::size_t(n)] = 1;
    index_.emplace(key, n);
    return n;
}

void BlockPool::unlink(int n)
{
    const int p = prev_[std::size_t(n)], x = next_[std::size_t(n)];
    (p >= 0 ? next_[std::size_t(p)] : head_) = x;
    (x >= 0 ? prev_[std::size_t(x)] : tail_) = p;
    prev_[std::size_t(n)] = next_[std::size_t(n)] = -1;
    --lruCount_;
}

void BlockPool::pushBack(int n)
{
    prev_[std::size_t(n)] = tail_;
    next_[std::size_t(n)] = -1;
    (tail_ >= 0 ? next_[std::size_t(tail_)] : head_) = n;
    tail_ = n;
    ++lruCount_;
}

} // namespace llmdse
