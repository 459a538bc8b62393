#pragma once
// One request of a serving workload: when it is sent and how many tokens it
// brings (prompt) and asks for (output, >= 1; the first comes from prefill).
namespace llmdse {

struct Request {
    // Open loop: when the client sends it. Closed loops and follow-up turns are sent by the
    // simulation (when a client is free, when the previous turn has answered) and ignore it.
    double arrivalS = 0;
    int prompt = 1;
    int output = 1;
    // Requests of one group share the first `prefix` tokens of their prompts with the group's
    // earlier requests (one system prompt, one conversation's history): a prefix cache can reuse
    // their KV blocks. -1: shares nothing.
    int prefixGroup = -1;
    int prefix = 0;
    // The prefix's first `sharedTokens` tokens are those of group `sharedGroup` too (the system prompt
    // every conversation of a deployment starts with); -1: none.
    int sharedGroup = -1;
    int sharedTokens = 0;
    // A conversation's previous turn, sent `think` seconds after that one's last token; -1: none.
    int parent = -1;
};

} // namespace llmdse
