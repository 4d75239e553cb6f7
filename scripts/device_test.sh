#!/usr/bin/env bash
# On the GPU machine (the `device` tool; docs/cuda.md): builds Hone with CUDA, runs the CUDA
# tests and the CPU engine/runtime tests, benches the carried models with
# `hone bench --device cuda` (and on the CPU, for the ratio) and prints a short table last.
# Logs, gtest and bench JSON are written to a scratch folder and come back as one archive,
# $OUT/device_logs.tgz (the device tool returns at most 8 files), with the table in
# $OUT/summary.txt.
#
# Usage: scripts/device_test.sh [MODELS]
#   MODELS  a folder laid out like ../shared (onnx-backend-tests/light/*.onnx, models/*.onnx);
#           default: .device_models beside the checkout's root.
#   HONE_PREBUILT=DIR  a CUDA build tree made on another machine (tests/, tools/hone/ and
#           lib/ with the shared libraries it needs besides CUDA's), used when this machine
#           cannot configure Hone (no protobuf/ONNX/GTest development files, say).
#   HONE_DEVICE_FILTER=PATTERN  a gtest filter for test_cuda (default: everything).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
final=${OUT:-$root/build-device/out}
out=$(mktemp -d /tmp/hone-device.XXXXXX)
models=${1:-$root/.device_models}
mkdir -p "$final"
log() { echo "[device_test] $*" | tee -a "$out/device_test.log"; }
start=$(date +%s)

log "checkout: $root (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')), models: $models"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  nvcc --version 2>&1 | tail -2
  cmake --version 2>&1 | head -1
  uname -a
} > "$out/machine.txt"
log "GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"

# cuDNN and cuBLASLt: beside the toolkit, in the system's folders or in Python's nvidia-* wheels.
lib_dirs() {
  echo /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/lib/x86_64-linux-gnu
  python3 - <<'PY' 2>/dev/null
import importlib, os
for name in ("nvidia.cudnn", "nvidia.cublas", "nvidia.cu13", "nvidia.cuda_runtime"):
    try:
        m = importlib.import_module(name)
        for p in m.__path__:
            print(os.path.join(p, "lib"))
    except Exception:
        pass
PY
}
find_lib() {
  for d in $(lib_dirs); do
    [ -d "$d" ] && find -L "$d" -maxdepth 2 -name "$1" 2>/dev/null | head -1
  done | head -1
}
cudnn=$(find_lib 'libcudnn.so.9*')
cublaslt=$(find_lib 'libcublasLt.so.13*')
log "cuDNN: ${cudnn:-not found}; cuBLASLt: ${cublaslt:-not found}"
extra_libs=""
for f in "$cudnn" "$cublaslt"; do [ -n "$f" ] && extra_libs="$extra_libs:$(dirname "$f")"; done

# 1. Build here when this machine can configure Hone, else run the carried build tree.
build=$root/build-device
cudnn_include=""
[ -n "$cudnn" ] && [ -f "$(dirname "$cudnn")/../include/cudnn.h" ] && cudnn_include=$(dirname "$cudnn")/../include
if cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHONE_WITH_CUDA=ON -DHONE_WITH_VISION=OFF \
    -DHONE_BUILD_BENCH=OFF ${cudnn_include:+-DHONE_CUDNN_INCLUDE=$cudnn_include} ${cudnn:+-DHONE_CUDNN_LIBRARY=$cudnn} \
    > "$out/configure.log" 2>&1; then
  log "configured here; building with ninja -j16"
  if ! ninja -C "$build" -j16 test_cuda test_runtime test_engine hone_cli > "$out/build.log" 2>&1; then
    log "BUILD FAILED (build.log):"
    grep -m 20 -E "error|FAILED" "$out/build.log" | tee -a "$out/device_test.log"
    exit 1
  fi
  bin=$build
elif [ -n "${HONE_PREBUILT:-}" ]; then
  log "this machine cannot configure Hone ($(grep -m1 -E 'Could NOT find|not found|Error' "$out/configure.log" | cut -c1-120)); running the carried build $HONE_PREBUILT"
  bin=$(cd "$HONE_PREBUILT" && pwd)
  export LD_LIBRARY_PATH="$bin/lib${extra_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  log "configure failed and no HONE_PREBUILT given (configure.log):"
  tail -20 "$out/configure.log" | tee -a "$out/device_test.log"
  exit 1
fi
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}${extra_libs}"
# A carried build may need the C++ runtime it was linked with, when this machine's is older.
if ! "$bin/tests/test_cuda" --gtest_list_tests > "$out/list_tests.log" 2>&1 && [ -d "$bin/lib-compat" ]; then
  log "test_cuda does not start with this machine's libraries ($(tail -1 "$out/list_tests.log")); adding $bin/lib-compat"
  export LD_LIBRARY_PATH="$bin/lib-compat:$LD_LIBRARY_PATH"
fi
log "build ready after $(( $(date +%s) - start )) s"

# The tests find ../shared at the path they were compiled with, or $HONE_TEST_SHARED_DIR.
export HONE_TEST_SHARED_DIR=$models

# 2. Tests: the CUDA ones, and the CPU engine/runtime tests that share the changed contract.
run_tests() {
  local name=$1 limit=$2
  shift 2
  timeout "$limit" "$bin/tests/$name" --gtest_output="json:$out/$name.json" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  log "$name: exit $rc"
  # The failures with their messages, in the output's tail.
  grep -B2 -A10 -E 'Failure$|^\[  FAILED  \] [A-Za-z].*\(' "$out/$name.log" | head -150 | tee -a "$out/device_test.log"
}
run_tests test_cuda 360 ${HONE_DEVICE_FILTER:+--gtest_filter=$HONE_DEVICE_FILTER}
run_tests test_runtime 120
run_tests test_engine 180 --gtest_filter=-*Fuzz*:*fuzz*

# 3. Benchmarks: each model built for the GPU and the CPU in this process.
hone=$bin/tools/hone/hone
bench() {
  local model=$1 name=$2 device=$3
  shift 3
  local f
  f=$(find "$models" -name "$model.onnx" 2>/dev/null | head -1)
  [ -z "$f" ] && { log "bench: no $model.onnx under $models"; return; }
  timeout 150 "$hone" bench "$f" --device "$device" --json "$out/bench_${name}_$device.json" "$@" \
    > "$out/bench_${name}_$device.log" 2>&1 || log "bench $name on $device failed: $(tail -1 "$out/bench_${name}_$device.log")"
}
if [ -x "$hone" ]; then
  bench light_resnet50 resnet50 cuda --warmup 20 --iterations 500
  bench light_resnet50 resnet50 cpu --warmup 3 --duration 2
  bench light_squeezenet squeezenet cuda --warmup 20 --iterations 500
  bench light_squeezenet squeezenet cpu --warmup 3 --duration 2
  bench yolov8n yolov8n cuda --warmup 20 --iterations 300
  bench yolov8n yolov8n cpu --warmup 3 --duration 2
  bench light_resnet50 resnet50_profile cuda --warmup 5 --iterations 50 --profile
else
  log "no hone CLI in $bin: benchmarks skipped"
fi
log "done after $(( $(date +%s) - start )) s"

# 4. The table (last, so that the reply's tail holds it).
python3 - "$out" > "$out/summary.txt" <<'PY'
import json, os, sys
out = sys.argv[1]
print("\n==== Hone on the GPU: tests ====")
print(f"{'binary':<14}{'tests':>7}{'passed':>8}{'failed':>8}{'skipped':>9}")
for name in ("test_cuda", "test_runtime", "test_engine"):
    p = os.path.join(out, name + ".json")
    if not os.path.exists(p):
        print(f"{name:<14}{'(no report)':>32}")
        continue
    j = json.load(open(p))
    cases = [c for s in j.get("testsuites", []) for c in s.get("testsuite", [])]
    failed = sum(1 for c in cases if c.get("failures"))
    skipped = sum(1 for c in cases if c.get("result") == "SKIPPED" or c.get("status") == "NOTRUN")
    print(f"{name:<14}{len(cases):>7}{len(cases) - failed - skipped:>8}{failed:>8}{skipped:>9}")
print("\n==== bench (ms, median; sync, 1 request, FP32) ====")
print(f"{'model':<12}{'cuda e2e':>10}{'cuda dev-io':>12}{'cuda p99':>10}{'cpu':>10}{'cpu/cuda':>10}")
for name in ("resnet50", "squeezenet", "yolov8n"):
    def load(dev):
        p = os.path.join(out, f"bench_{name}_{dev}.json")
        return json.load(open(p)) if os.path.exists(p) else None
    g, c = load("cuda"), load("cpu")
    if not g:
        print(f"{name:<12}{'(no run)':>10}")
        continue
    e2e = g["latency_ms"]["median"]
    dio = g.get("device_io_latency_ms", {}).get("median", float("nan"))
    cpu = c["latency_ms"]["median"] if c else float("nan")
    print(f"{name:<12}{e2e:>10.3f}{dio:>12.3f}{g['latency_ms']['p99']:>10.3f}{cpu:>10.2f}{cpu / dio if dio == dio else float('nan'):>10.1f}")
g = os.path.join(out, "bench_resnet50_cuda.json")
if os.path.exists(g):
    print(f"GPU: {json.load(open(g)).get('device_name', '?')}")
PY
cat "$out/summary.txt"
cp "$out/summary.txt" "$final/"
tar -czf "$final/device_logs.tgz" -C "$out" .
