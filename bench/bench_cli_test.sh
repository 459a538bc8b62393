#!/usr/bin/env bash
# Every bench answers --help with its usage (exit 0) and a bad argument with exit 1 and a message
# naming it, never an abort. Usage: bench_cli_test.sh BIN_DIR (benches not built there are skipped)
set -u
bin=${1:?usage: bench_cli_test.sh BIN_DIR}
fail=0
check() { # name, expected exit, pattern the output must contain, arguments...
    local name=$1 want=$2 pattern=$3
    shift 3
    [ -x "$bin/$name" ] || return 0
    local out rc
    out=$(QT_QPA_PLATFORM=offscreen timeout 60 "$bin/$name" "$@" 2>&1)
    rc=$?
    if [ "$rc" != "$want" ] || ! grep -qi -- "$pattern" <<< "$out"; then
        echo "FAIL: $name $* -> exit $rc (want $want, output containing '$pattern'):"
        echo "$out" | head -5
        fail=1
    else
        echo "ok: $name $* -> exit $rc"
    fi
}
for b in bench_analytical bench_compile bench_engine bench_engine_vs_llamacpp bench_gui bench_project_kill bench_search \
         bench_serving bench_simulation bench_sweep; do
    check "$b" 0 usage --help
done
check bench_analytical 1 "'abc' is not a number" abc
check bench_compile 1 "'0' is not a number" 0
check bench_engine 1 "unknown model 'nope'" nope
check bench_engine 1 "not a batch size" qwen2.5-0.5b int8 0
check bench_engine_vs_llamacpp 1 "missing" smollm-135m
check bench_search 1 "cannot open" /nonexistent/study.json
check bench_serving 1 "field 'requests'" x
check bench_simulation 1 "cannot open" /nonexistent/study.json
check bench_sweep 1 "cannot open" /nonexistent/study.json
exit $fail
