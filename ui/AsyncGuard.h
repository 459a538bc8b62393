#pragma once
// Lets a background task hand its result to a QObject that may be destroyed
// while the task runs. Checking a QPointer and then posting races with the
// destructor on the UI thread; here the post and the owner's destruction take
// the same lock, and once the owner is going no task posts to it (events
// already posted are dropped by ~QObject). Declare the guard as the owner's
// last member, so it is destroyed first.
#include <QMetaObject>
#include <QObject>
#include <memory>
#include <mutex>
#include <utility>

namespace llmdse {

class AsyncGuard {
    struct State {
        std::mutex m;
        QObject* owner = nullptr;
    };

public:
    explicit AsyncGuard(QObject* owner) : state_(std::make_shared<State>()) { state_->owner = owner; }
    ~AsyncGuard()
    {
        std::lock_guard<std::mutex> lock(state_->m);
        state_->owner = nullptr;
    }
    AsyncGuard(const AsyncGuard&) = delete;
    AsyncGuard& operator=(const AsyncGuard&) = delete;

    // A copyable handle for tasks: post(f) runs f on the owner's thread if the owner still exists.
    class Handle {
    public:
        template <class F>
        void post(F&& f) const
        {
            std::lock_guard<std::mutex> lock(s_->m);
            if (s_->owner) QMetaObject::invokeMethod(s_->owner, std::forward<F>(f), Qt::QueuedConnection);
        }

    private:
        friend class AsyncGuard;
        explicit Handle(std::shared_ptr<State> s) : s_(std::move(s)) {}
        std::shared_ptr<State> s_;
    };
    Handle handle() const { return Handle(state_); }

private:
    std::shared_ptr<State> state_;
};

} // namespace llmdse
