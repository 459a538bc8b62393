#pragma once
// Damped Gauss-Newton least squares with a forward-difference Jacobian.
#include <Eigen/Dense>
#include <functional>

namespace llmdse {

struct LeastSquaresResult {
    Eigen::VectorXd x;
    double cost = 0;      // 0.5 * |r|^2 at x
    int iterations = 0;
};

// residuals(x) -> r; minimises 0.5 |r(x)|^2 starting at x0.
LeastSquaresResult levenbergMarquardt(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& residuals,
                                      Eigen::VectorXd x0, int maxIterations = 100);

} // namespace llmdse
