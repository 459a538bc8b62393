#pragma once

namespace llmdse {

// One request shape: B sequences, S prompt tokens each, N generated tokens.
struct Workload {
    int batch = 1;
    int prompt = 512;
    int output = 128;
    int context = 0; // > 0: report the decode step at this many cached tokens instead of the mean over N
    int reasoning = 0; // hidden reasoning tokens generated before the N answer tokens
    int images = 0;    // images per sequence, each adding the encoder's tokens to the prompt
};

} // namespace llmdse
