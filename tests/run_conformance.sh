#!/usr/bin/env bash
# CTest entry for the ONNX conformance suite: skips (exit 77) when ../shared is absent;
# fails when fewer tests pass than the floor checked in at tests/conformance_floor.txt.
# Extra arguments (e.g. --mode engine-file) are passed on to `hone conformance`.
set -euo pipefail
hone="$1"; suite="$2"; floor_file="$3"; results="$4"; shift 4  # further arguments go to hone conformance
if [ ! -d "$suite" ]; then
  echo "SKIP: conformance suite not found at $suite"
  exit 77
fi
floor=$(grep -v '^#' "$floor_file" | head -n1 | tr -d '[:space:]')
exec "$hone" conformance "$suite" --jobs "$(nproc)" --floor "$floor" --results "$results" "$@"
