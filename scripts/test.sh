#!/usr/bin/env bash
# Installs, builds and runs every test (unit tests, CLI error tests, the ONNX conformance
# suite from ../shared when present). Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
