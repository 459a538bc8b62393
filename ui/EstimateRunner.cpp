#include "ui/EstimateRunner.h"
#include "estimators/Estimator.h"
#include "ui/HeadlineMetrics.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>

namespace llmdse {

EstimateRunner::EstimateRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<llmdse::Design>("llmdse::Design");
    qRegisterMetaType<llmdse::Metrics>("llmdse::Metrics");
    qRegisterMetaType<llmdse::Uncertainty>("llmdse::Uncertainty");
}

void EstimateRunner::submit(const Design& d, const QString& estimatorId)
{
    const quint64 seq = ++latest_;
    ++running_;
    EstimateRunner* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, this, d, seq, id = estimatorId.toStdString()] {
        Metrics m;
        Uncertainty u;
        QString error;
        const auto t0 = std::chrono::steady_clock::now();
        double s = 0;
        try {
            d.validate();
            m = createEstimator(id)->evaluate(d, true);
            s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); // the estimate alone
            if (seq == latest_) u = headlineUncertainty(d, m, QString::fromStdString(id)); // skipped when superseded
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([this, self, d, m, u, error, seq, s] {
            --running_;
            if (seq != latest_) return; // a newer edit is on its way
            if (error.isEmpty()) Q_EMIT estimateAvailable(d, m, s, u);
            else Q_EMIT estimateFailed(error);
        });
    });
}

} // namespace llmdse
