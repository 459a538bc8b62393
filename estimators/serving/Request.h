#pragma once
// One request of a serving workload: when it arrives and how many tokens it
// brings (prompt) and asks for (output, >= 1; the first comes from prefill).
namespace llmdse {

struct Request {
    double arrivalS = 0;
    int prompt = 1;
    int output = 1;
};

} // namespace llmdse
