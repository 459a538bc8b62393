#include "estimators/calibration/LevenbergMarquardt.h"

#include <cmath>

namespace llmdse {

LeastSquaresResult levenbergMarquardt(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& residuals,
                                      Eigen::VectorXd x, int maxIterations)
{
    LeastSquaresResult res;
    Eigen::VectorXd r = residuals(x);
    double cost = 0.5 * r.squaredNorm();
    double lambda = 1e-3;
    const int n = static_cast<int>(x.size());
    int it = 0;
    for (; it < maxIterations; ++it) {
        Eigen::MatrixXd J(r.size(), n);
        for (int j = 0; j < n; ++j) {
            Eigen::VectorXd xp = x;
            const double h = 1e-6 * std::max(1.0, std::fabs(x[j]));
            xp[j] += h;
            J.col(j) = (residuals(xp) - r) / h;
        }
        const Eigen::MatrixXd A = J.transpose() * J;
        const Eigen::VectorXd g = J.transpose() * r;
        bool improved = false;
        for (int tries = 0; tries < 10 && !improved; ++tries) {
            Eigen::MatrixXd D = A;
            D.diagonal() += lambda * (A.diagonal().array() + 1e-9).matrix();
            const Eigen::VectorXd step = D.ldlt().solve(-g);
            const Eigen::VectorXd xn = x + step;
            const Eigen::VectorXd rn = residuals(xn);
            const double cn = 0.5 * rn.squaredNorm();
            if (std::isfinite(cn) && cn < cost) {
                improved = true;
                const double gain = cost - cn;
                x = xn;
                r = rn;
                cost = cn;
                lambda = std::max(lambda / 3.0, 1e-9);
                if (gain < 1e-12 * std::max(1.0, cost)) it = maxIterations;
            } else {
                lambda *= 4.0;
            }
        }
        if (!improved) break;
    }
    res.x = x;
    res.cost = cost;
    res.iterations = it;
    return res;
}

} // namespace llmdse
