#!/usr/bin/env bash
# The main job on a built-in default: installs, builds, imports the built-in network and runs
# it, printing its outputs' shapes and the time. With ../shared present it also runs the
# YOLOv8n detection model.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
echo "== hone run builtin:tinynet"
./build/tools/hone/hone run builtin:tinynet
if [ -f ../shared/models/yolov8n.onnx ]; then
  echo "== hone run ../shared/models/yolov8n.onnx"
  ./build/tools/hone/hone run ../shared/models/yolov8n.onnx
fi
