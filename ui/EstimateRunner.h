#pragma once
// Runs estimates off the UI thread. Each edit submits a design; only the most
// recent request's result is announced (older ones still running are dropped
// when they finish), so the window never shows a stale estimate and the event
// loop never waits for the estimator.
#include "ui/AsyncGuard.h"
#include "core/Design.h"
#include "core/Metrics.h"

#include <QObject>
#include <QString>
#include <atomic>

namespace llmdse {

class EstimateRunner : public QObject {
    Q_OBJECT
public:
    explicit EstimateRunner(QObject* parent = nullptr);
    void submit(const Design& d, const QString& estimatorId);
    bool busy() const { return running_ > 0; }

Q_SIGNALS:
    void estimateAvailable(const llmdse::Design& design, const llmdse::Metrics& metrics, double seconds);
    void estimateFailed(const QString& message);

private:
    std::atomic<quint64> latest_{0};
    std::atomic<int> running_{0};
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
