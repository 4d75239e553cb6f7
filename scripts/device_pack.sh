#!/usr/bin/env bash
# Prepares a run of scripts/device_test.sh on the GPU machine (docs/cuda.md): builds the CUDA
# test binaries and the CLI here (build-dev: HONE_WITH_CUDA=ON, HONE_WITH_VISION=OFF, since the
# GPU image has neither Hone's development packages nor OpenCV), and assembles in DEST:
#   src/       this checkout's files (the script and CMake files the device reads)
#   prebuilt/  tests/{test_cuda,test_runtime,test_engine} and tools/hone/hone, stripped, and
#              lib/ the shared libraries they need besides CUDA's (lib-compat/: libstdc++)
#   models/    ../shared's light CNNs and YOLOv8n, laid out like ../shared
# DEST must be an ignored folder of the checkout the device tool sends (the session's main
# checkout), named in the call's `carry`. Then, on the device:
#   cd DEST/src && HONE_PREBUILT=$PWD/../prebuilt ./scripts/device_test.sh $PWD/../models
#
# Usage: scripts/device_pack.sh DEST [JOBS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: scripts/device_pack.sh DEST [JOBS]}
jobs=${2:-2}
shared=$root/../shared

cmake -S "$root" -B "$root/build-dev" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHONE_WITH_CUDA=ON \
  -DHONE_WITH_VISION=OFF -DHONE_BUILD_BENCH=OFF > /dev/null
ninja -C "$root/build-dev" -j"$jobs" test_cuda test_runtime test_engine hone_cli

rm -rf "$dest/src" "$dest/prebuilt"
mkdir -p "$dest/src" "$dest/prebuilt/tests" "$dest/prebuilt/tools/hone" "$dest/prebuilt/lib" \
  "$dest/prebuilt/lib-compat" "$dest/models/onnx-backend-tests/light" "$dest/models/models"
(cd "$root" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$dest/src"
git -C "$root" rev-parse --short HEAD > "$dest/COMMIT"
for b in tests/test_cuda tests/test_runtime tests/test_engine tools/hone/hone; do
  strip -o "$dest/prebuilt/$b" "$root/build-dev/$b"
done
# The non-system, non-CUDA libraries of the binaries (CUDA's are the device's own).
for lib in $(ldd "$root/build-dev/tests/test_cuda" "$root/build-dev/tools/hone/hone" |
             awk '/=>/ {print $3}' | grep -E 'libonnx_proto|libprotobuf|libxxhash|libpthreadpool' | sort -u); do
  cp -L "$lib" "$dest/prebuilt/lib/"
done
cp -L "$(ldd "$root/build-dev/tests/test_cuda" | awk '/libstdc\+\+/ {print $3}')" "$dest/prebuilt/lib-compat/"
if [ -d "$shared" ]; then
  cp "$shared"/onnx-backend-tests/light/*.onnx "$dest/models/onnx-backend-tests/light/" 2>/dev/null || true
  cp "$shared"/models/yolov8n.onnx "$dest/models/models/" 2>/dev/null || true
fi
du -sh "$dest"
