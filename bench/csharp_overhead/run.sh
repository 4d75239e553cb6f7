#!/usr/bin/env bash
# bench/csharp_overhead/run.sh: the per-call cost of running a tiny model from C++, C and C#,
# and the C# call's overhead over the C++ one (issue 7's target: <= 20 us). Not a test.
# Usage: bench/csharp_overhead/run.sh [BUILD_DIR] [MODEL] [CALLS]
#   BUILD_DIR  default build/;  MODEL  default BUILD_DIR/tests/c/models/echo.onnx (a Mul over
#   [1,3,8,12]);  CALLS per batch, default 20000.
set -euo pipefail
build=${1:-build}
model=${2:-$build/tests/c/models/echo.onnx}
calls=${3:-20000}
export LD_LIBRARY_PATH=$build/bindings/c${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
cpp=$("$build/bench/csharp_overhead/bench_run_cpp" "$model" "$calls")
c=$("$build/bench/csharp_overhead/bench_run_c" "$model" "$calls")
cs=$(mono "$build/bindings/csharp/CsharpOverhead.exe" "$model" "$calls")
printf '%s\n%s\n%s\n' "$cpp" "$c" "$cs"
us() { awk '{for (i = 1; i <= NF; ++i) if ($(i + 1) == "us") { print $i; exit }}' <<<"$1"; }
cpp_us=$(us "$cpp")
c_us=$(us "$c")
cs_us=$(us "$(head -1 <<<"$cs")")
awk -v a="$cpp_us" -v b="$c_us" -v s="$cs_us" 'BEGIN {
  printf "overhead over C++: C %+.3f us, C# Context.Run() %+.3f us (target <= 20 us)\n", b - a, s - a }'
