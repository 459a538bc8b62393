#!/usr/bin/env bash
# Fuzzes every parser of the project with libFuzzer (clang, AddressSanitizer, UBSan).
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 30 s, every target)
# Targets: see fuzz/seeds.txt. Builds into build-fuzz/ (clang, -DLLMDSE_FUZZ=ON). Each target
# starts from its seed folders and its kept corpus (build-fuzz/corpus/TARGET); an input that
# crashes, hangs (> 10 s), leaks or allocates past 2 GB is a finding: it is copied into
# fuzz/regressions/TARGET/ (commit it with the fix: the replay tests run it from then on) and
# the script exits 1. Environment: FUZZ_JOBS=N runs N workers per target (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-30}"
shift || true
mapfile -t ALL < <(grep -oE '^[a-z_]+:' fuzz/seeds.txt | tr -d ':')
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  printf '%s\n' "${ALL[@]}" | grep -qx "$t" || { echo "fuzz.sh: unknown target '$t' (known: ${ALL[*]})" >&2; exit 1; }
done

PACKAGES=(clang libclang-rt-14-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== building the fuzz targets (clang, ASan, UBSan) in build-fuzz/"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DLLMDSE_FUZZ=ON > build-fuzz.log 2>&1 || { cat build-fuzz.log; exit 1; }
ninja -C build-fuzz -j"$(nproc)" $(printf 'fuzz_%s ' "${TARGETS[@]}") >> build-fuzz.log 2>&1 || { tail -50 build-fuzz.log; exit 1; }

export ASAN_OPTIONS="abort_on_error=1:allocator_may_return_null=0:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
export TMPDIR="${TMPDIR:-/tmp}"
findings=0
summary=()
for t in "${TARGETS[@]}"; do
  corpus="build-fuzz/corpus/$t"
  artifacts="build-fuzz/findings/$t"
  mkdir -p "$corpus" "$artifacts"
  # Seeds: the target's folders (files up to 64 KiB) and every kept regression input.
  seeds=$(grep -E "^$t:" fuzz/seeds.txt | sed -E 's/^[a-z_]+: *//')
  for d in $seeds "fuzz/regressions/$t"; do
    [ -d "$d" ] && find "$d" -type f -size -65k ! -name '.keep' -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  done
  echo "== $t: ${SECONDS_PER_TARGET} s"
  log="build-fuzz/$t.log"
  parallel=()
  [ "${FUZZ_JOBS:-1}" -gt 1 ] && parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  dict=()
  case "$t" in
    trace) dict=(-dict=fuzz/dicts/trace.dict) ;;
    safetensors) dict=(-dict=fuzz/dicts/safetensors.dict) ;;
    gguf) dict=(-dict=fuzz/dicts/gguf.dict) ;;
    project) ;;
    *) dict=(-dict=fuzz/dicts/json.dict) ;;
  esac
  set +e
  "build-fuzz/bin/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    "${parallel[@]}" -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$corpus" > "$log" 2>&1
  rc=$?
  set -e
  [ "${FUZZ_JOBS:-1}" -gt 1 ] && cat fuzz-*.log >> "$log" 2>/dev/null && rm -f fuzz-*.log
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  if [ "$rc" -ne 0 ] || ls "$artifacts"/* > /dev/null 2>&1; then
    findings=$((findings + 1))
    mkdir -p "fuzz/regressions/$t"
    cp "$artifacts"/* "fuzz/regressions/$t/" 2>/dev/null || true
    grep -E "ERROR|SUMMARY|fuzz finding|runtime error|Test unit written" "$log" | head -20
    summary+=("$t: FINDING after $runs executions (inputs kept in fuzz/regressions/$t/, log $log)")
  else
    summary+=("$t: $runs executions, no finding")
  fi
done
echo "== fuzz summary (${SECONDS_PER_TARGET} s per target)"
printf '  %s\n' "${summary[@]}"
[ "$findings" -eq 0 ] || { echo "fuzz.sh: $findings target(s) with findings" >&2; exit 1; }
