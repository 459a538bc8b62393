// The llama.cpp runtime, built with llama.cpp's headers (for the types and signatures)
// but never linked: libllama is opened with dlopen and every function is looked up by
// name, so a missing library or symbol is a message, not a start-up failure.
#include "estimators/measured/LlamaCpp.h"
#include "estimators/measured/CpuContention.h"
#include "core/Errors.h"
#include "core/HostMemory.h"

#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "llama.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <thread>

namespace llmdse {

namespace {

// Every function llmdse calls, typed from the headers.
struct Api {
    decltype(&llama_version) version = nullptr;
    decltype(&llama_print_system_info) systemInfo = nullptr;
    decltype(&llama_backend_init) backendInit = nullptr;
    decltype(&llama_log_set) logSet = nullptr;
    decltype(&ggml_backend_load_all_from_path) loadBackends = nullptr;
    decltype(&ggml_backend_dev_by_type) devByType = nullptr;
    decltype(&ggml_backend_dev_backend_reg) devReg = nullptr;
    decltype(&ggml_backend_reg_get_proc_address) procAddress = nullptr;
    decltype(&ggml_threadpool_params_default) threadpoolDefaults = nullptr;
    decltype(&ggml_threadpool_new) threadpoolNew = nullptr;
    decltype(&ggml_threadpool_free) threadpoolFree = nullptr;
    decltype(&llama_model_default_params) modelDefaults = nullptr;
    decltype(&llama_context_default_params) contextDefaults = nullptr;
    decltype(&llama_model_load_from_file) loadModel = nullptr;
    decltype(&llama_model_free) freeModel = nullptr;
    decltype(&llama_init_from_model) newContext = nullptr;
    decltype(&llama_free) freeContext = nullptr;
    decltype(&llama_attach_threadpool) attachThreadpool = nullptr;
    decltype(&llama_batch_get_one) batchOne = nullptr;
    decltype(&llama_decode) decode = nullptr;
    decltype(&llama_get_memory) memory = nullptr;
    decltype(&llama_memory_clear) memoryClear = nullptr;
    decltype(&llama_get_logits_ith) logits = nullptr;
    decltype(&llama_model_get_vocab) vocab = nullptr;
    decltype(&llama_vocab_n_tokens) vocabTokens = nullptr;
    std::string dir;
};

// llama.cpp's last log lines, for messages when it refuses something.
std::mutex gLogMutex;
std::string gLastLog;

void captureLog(ggml_log_level level, const char* text, void*)
{
    if (level < GGML_LOG_LEVEL_WARN || !text) return;
    std::lock_guard<std::mutex> lock(gLogMutex);
    gLastLog += text;
    if (gLastLog.size() > 2000) gLastLog.erase(0, gLastLog.size() - 2000);
}

std::string takeLog()
{
    std::lock_guard<std::mutex> lock(gLogMutex);
    std::string s;
    std::swap(s, gLastLog);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

[[noreturn]] void fail(const std::string& why)
{
    throw InputError("", "llama.cpp", why);
}

std::string libraryDir()
{
    if (const char* env = std::getenv("LLMDSE_LLAMACPP"); env && *env) return env;
    return LLMDSE_LLAMACPP_DEFAULT_LIB;
}

// libllama.so, or a versioned libllama.vX.Y.Z.so as the npm builds name it.
std::string findLibllama(const std::string& dir)
{
    const QDir d(QString::fromStdString(dir));
    const QStringList names = d.entryList({"libllama.so", "libllama.v*.so", "libllama.so.*"}, QDir::Files, QDir::Name);
    if (names.isEmpty())
        fail("no libllama in " + dir + " (run `bash scripts/setup-llamacpp.sh`, or set LLMDSE_LLAMACPP to a folder "
             "holding libllama and libggml of llama.cpp " LLMDSE_LLAMACPP_RELEASE ")");
    return d.filePath(names.front()).toStdString();
}

const Api& api()
{
    static Api a;
    static std::once_flag once;
    static std::string error;
    std::call_once(once, [] {
        try {
            a.dir = libraryDir();
            const std::string lib = findLibllama(a.dir);
            void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!h) fail(std::string("cannot load ") + lib + ": " + dlerror());
            auto sym = [&](auto& fn, const char* name) {
                fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
                if (!fn)
                    fail(lib + " has no " + name + ": it is not the llama.cpp release this llmdse was built for (" +
                         LLMDSE_LLAMACPP_RELEASE + "); run `bash scripts/setup-llamacpp.sh` or point LLMDSE_LLAMACPP at that release");
            };
            sym(a.version, "llama_version");
            const std::string version = a.version();
            std::string want = LLMDSE_LLAMACPP_RELEASE;
            if (!want.empty() && want[0] == 'v') want.erase(0, 1);
            if (version.rfind(want, 0) != 0)
                fail(lib + " is llama.cpp " + version + ", but this llmdse was built with the headers of " + LLMDSE_LLAMACPP_RELEASE +
                     " (structures differ between releases); run `bash scripts/setup-llamacpp.sh` or rebuild against that release");
            sym(a.systemInfo, "llama_print_system_info");
            sym(a.backendInit, "llama_backend_init");
            sym(a.logSet, "llama_log_set");
            sym(a.loadBackends, "ggml_backend_load_all_from_path");
            sym(a.devByType, "ggml_backend_dev_by_type");
            sym(a.devReg, "ggml_backend_dev_backend_reg");
            sym(a.procAddress, "ggml_backend_reg_get_proc_address");
            sym(a.threadpoolDefaults, "ggml_threadpool_params_default");
            sym(a.modelDefaults, "llama_model_default_params");
            sym(a.contextDefaults, "llama_context_default_params");
            sym(a.loadModel, "llama_model_load_from_file");
            sym(a.freeModel, "llama_model_free");
            sym(a.newContext, "llama_init_from_model");
            sym(a.freeContext, "llama_free");
            sym(a.attachThreadpool, "llama_attach_threadpool");
            sym(a.batchOne, "llama_batch_get_one");
            sym(a.decode, "llama_decode");
            sym(a.memory, "llama_get_memory");
            sym(a.memoryClear, "llama_memory_clear");
            sym(a.logits, "llama_get_logits_ith");
            sym(a.vocab, "llama_model_get_vocab");
            sym(a.vocabTokens, "llama_vocab_n_tokens");
            a.logSet(captureLog, nullptr);
            a.loadBackends(a.dir.c_str()); // the CPU backend for this CPU's x86 level
            a.backendInit();
            ggml_backend_dev_t cpu = a.devByType(GGML_BACKEND_DEVICE_TYPE_CPU);
            if (!cpu) fail("no CPU backend could be loaded from " + a.dir + ": " + takeLog());
            ggml_backend_reg_t reg = a.devReg(cpu);
            a.threadpoolNew = reinterpret_cast<decltype(&ggml_threadpool_new)>(a.procAddress(reg, "ggml_threadpool_new"));
            a.threadpoolFree = reinterpret_cast<decltype(&ggml_threadpool_free)>(a.procAddress(reg, "ggml_threadpool_free"));
            if (!a.threadpoolNew || !a.threadpoolFree) fail("the CPU backend in " + a.dir + " has no thread pool functions");
        } catch (const InputError& e) {
            error = e.reason();
        }
    });
    if (!error.empty()) fail(error);
    return a;
}

// One model with a context and a persistent thread pool (as llama-bench keeps one per test).
class Session {
public:
    Session(const Api& a, const std::string& gguf, int threads, int contextTokens) : a_(a)
    {
        if (threads < 1 || threads > 512) fail("threads must be between 1 and 512");
        if (!QFileInfo(QString::fromStdString(gguf)).isFile()) throw InputError(gguf, "", "no such GGUF file");
        // llama.cpp maps the file; its pages become resident as the weights are read.
        requireMemory(double(QFileInfo(QString::fromStdString(gguf)).size()) * 1.05, "model", "llama.cpp running " + gguf);
        llama_model_params mp = a.modelDefaults();
        mp.n_gpu_layers = 0;
        model_ = a.loadModel(gguf.c_str(), mp);
        if (!model_) throw InputError(gguf, "", "llama.cpp refused the model: " + takeLog());
        llama_context_params cp = a.contextDefaults();
        cp.n_ctx = static_cast<std::uint32_t>(contextTokens);
        cp.n_batch = static_cast<std::uint32_t>(contextTokens);
        cp.n_ubatch = static_cast<std::uint32_t>(std::min(contextTokens, 512));
        cp.n_threads = threads;
        cp.n_threads_batch = threads;
        cp.no_perf = true;
        ctx_ = a.newContext(model_, cp);
        if (!ctx_) {
            a.freeModel(model_);
            throw InputError(gguf, "", "llama.cpp could not create a context: " + takeLog());
        }
        ggml_threadpool_params tp = a.threadpoolDefaults(threads);
        pool_ = a.threadpoolNew(&tp);
        if (!pool_) {
            a.freeContext(ctx_);
            a.freeModel(model_);
            fail("llama.cpp could not start a thread pool of " + std::to_string(threads) + " threads");
        }
        a.attachThreadpool(ctx_, pool_, nullptr);
        vocab_ = a.vocabTokens(a.vocab(model_));
    }
    ~Session()
    {
        a_.freeContext(ctx_);
        a_.threadpoolFree(pool_);
        a_.freeModel(model_);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    int vocab() const { return vocab_; }
    void clear() { a_.memoryClear(a_.memory(ctx_), true); }
    double decode(std::vector<llama_token>& tokens)
    {
        const auto t0 = std::chrono::steady_clock::now();
        if (a_.decode(ctx_, a_.batchOne(tokens.data(), static_cast<std::int32_t>(tokens.size()))) != 0)
            fail("llama_decode failed: " + takeLog());
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const float* lastLogits() { return a_.logits(ctx_, -1); }

private:
    const Api& a_;
    llama_model* model_ = nullptr;
    llama_context* ctx_ = nullptr;
    ggml_threadpool* pool_ = nullptr;
    int vocab_ = 0;
};

// Token ids away from the control tokens, deterministic.
llama_token tokenAt(int i, int vocab) { return static_cast<llama_token>(3 + (i * 7919 + 13) % std::max(1, vocab - 3)); }

} // namespace

bool llamaCppSupported() { return true; }

LlamaCppInfo llamaCppInfo()
{
    const Api& a = api();
    return {a.version(), a.dir, a.systemInfo()};
}

std::vector<LlamaCppRun> measureLlamaCpp(const LlamaCppRequest& req, const LlamaCppGate& gate)
{
    if (req.prompt < 1 || req.output < 2 || req.repeats < 1) fail("a measurement needs a prompt, at least 2 output tokens and a repeat");
    if (req.prompt + req.output > 1 << 20) fail("prompt + output beyond 2^20 tokens");
    const Api& a = api();
    Session s(a, req.gguf, req.threads, req.prompt + req.output + 8);
    std::vector<LlamaCppRun> runs;
    for (int r = 0; r <= req.repeats; ++r) { // run 0 warms caches, page tables and the thread pool
        LlamaCppRun run;
        const auto once = [&] {
            s.clear();
            std::vector<llama_token> prompt(static_cast<size_t>(req.prompt));
            for (int i = 0; i < req.prompt; ++i) prompt[size_t(i)] = tokenAt(i, s.vocab());
            run = LlamaCppRun{};
            run.prefillS = s.decode(prompt);
            std::vector<llama_token> one(1);
            for (int i = 1; i < req.output; ++i) {
                one[0] = tokenAt(req.prompt + i, s.vocab());
                run.decodeS += s.decode(one);
                ++run.steps;
            }
        };
        if (r == 0) {
            once();
            continue;
        }
        // Kept only when no other job shared the cores and the machine ran, just before and just
        // after, at the speed the prediction assumes; otherwise tried again a moment later.
        int discarded = 0;
        double share = 0, deviation = 0;
        MachineState before, after;
        for (int attempt = 0; attempt < std::max(1, gate.attempts); ++attempt) {
            if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500)), ++discarded;
            // ggml's pool threads keep polling for work for a moment after a graph (the warm-up's or
            // the last attempt's); a probe then would measure them, not the machine.
            if (gate.reference.known()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
            CpuContentionWindow window;
            before = gate.reference.known() ? probeMachineState() : MachineState{};
            once();
            if (gate.reference.known()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
            after = gate.reference.known() ? probeMachineState() : MachineState{};
            share = window.othersShare();
            deviation = std::max(stateDeviation(before, gate.reference), stateDeviation(after, gate.reference));
            if (share <= quietShareLimit() && (!gate.enforceState || deviation <= stateTolerance())) break;
        }
        run.othersCpuShare = share, run.stateDeviation = deviation, run.discarded = discarded;
        run.before = before, run.after = after;
        runs.push_back(run);
    }
    return runs;
}

std::vector<float> llamaCppLogits(const std::string& gguf, const std::vector<int>& tokens, int threads)
{
    if (tokens.empty()) fail("no tokens");
    const Api& a = api();
    Session s(a, gguf, threads, static_cast<int>(tokens.size()) + 8);
    std::vector<llama_token> t(tokens.begin(), tokens.end());
    for (llama_token id : t)
        if (id < 0 || id >= s.vocab()) fail("token " + std::to_string(id) + " is outside the vocabulary");
    s.decode(t);
    const float* l = s.lastLogits();
    if (!l) fail("llama.cpp returned no logits");
    return std::vector<float>(l, l + s.vocab());
}

} // namespace llmdse
