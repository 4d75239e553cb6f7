#!/usr/bin/env bash
# Installs everything Hone needs from Debian 12 packages (run as root; idempotent: apt is
# only called when a package is missing).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libprotobuf-dev protobuf-compiler libonnx-dev
  libcli11-dev nlohmann-json3-dev libflatbuffers-dev flatbuffers-compiler flatbuffers-compiler-dev libxxhash-dev libpthreadpool-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  python3 python3-dev python3-numpy python3-onnx python3-pytest pybind11-dev
  # C# bindings: mcs with mscorlib/System/System.Core, and the mono runtime (no mono-complete)
  mono-mcs mono-runtime
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
