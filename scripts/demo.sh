#!/usr/bin/env bash
# The main job on a built-in default: installs, builds, then builds an engine for the
# built-in network (optimized, tactics chosen, memory planned), inspects it and benchmarks it
# with the per-layer profile. With ../shared present it does the same for YOLOv8n and runs
# `hone predict` on bus.jpg, saving the annotated image.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
hone=./build/tools/hone/hone
echo "== hone build builtin:tinynet -o build/tinynet.hone"
$hone build builtin:tinynet -o build/tinynet.hone
echo "== hone inspect build/tinynet.hone"
$hone inspect build/tinynet.hone
echo "== hone bench build/tinynet.hone --profile"
$hone bench build/tinynet.hone --iterations 200 --profile
if [ -f ../shared/models/yolov8n.onnx ]; then
  echo "== hone build ../shared/models/yolov8n.onnx -o build/yolov8n.hone"
  $hone build ../shared/models/yolov8n.onnx -o build/yolov8n.hone
  echo "== hone bench build/yolov8n.hone --profile"
  $hone bench build/yolov8n.hone --warmup 1 --iterations 3 --profile
  if [ -f ../shared/images/bus.jpg ]; then
    echo "== hone predict build/yolov8n.hone ../shared/images/bus.jpg --save build/predict --json build/predict/bus.json"
    $hone predict build/yolov8n.hone ../shared/images/bus.jpg --save build/predict --json build/predict/bus.json
    echo "annotated image: build/predict/bus.jpg (random weights: the boxes are meaningless), results: build/predict/bus.json"
  fi
fi
