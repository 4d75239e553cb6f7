#!/usr/bin/env bash
# Engine load time: builds a ResNet-50 engine with real-sized random weights (light_resnet50
# from ../shared keeps its weights as ConstantOfShape nodes; they become random initializers
# here) and loads it with `hone inspect` several times, printing each load and the median.
# Load = map the file, verify every section's checksum, decode and check the metadata, and
# compile the engine's program (what Engine::load does).
#
#   bench/engine_load.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
src=../shared/onnx-backend-tests/light/light_resnet50.onnx
[ -f "$src" ] || { echo "engine_load.sh: $src not found" >&2; exit 2; }
hone=build/tools/hone/hone
[ -x "$hone" ] || { echo "engine_load.sh: $hone not found; run scripts/build.sh first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$src" "$tmp/resnet50.onnx" <<'PY'
import sys
import numpy as np
import onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
inits = {i.name: i for i in m.graph.initializer}
rng = np.random.default_rng(0)
keep = []
for n in m.graph.node:
    if n.op_type == "ConstantOfShape" and n.input[0] in inits:
        shape = numpy_helper.to_array(inits[n.input[0]]).astype(np.int64).tolist()
        w = (rng.standard_normal(shape) * 0.05).astype(np.float32)
        m.graph.initializer.append(numpy_helper.from_array(w, n.output[0]))
    else:
        keep.append(n)
del m.graph.node[:]
m.graph.node.extend(keep)
onnx.save(m, sys.argv[2])
PY
"$hone" build "$tmp/resnet50.onnx" -o "$tmp/resnet50.hone" >/dev/null
size=$(stat -c %s "$tmp/resnet50.hone")
loads=()
for ((i = 0; i < runs; i++)); do
  loads+=("$("$hone" inspect "$tmp/resnet50.hone" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["load_ms"])')")
done
/usr/bin/python3 - "$size" "${loads[@]}" <<'PY'
import statistics, sys
size = int(sys.argv[1]); loads = [float(x) for x in sys.argv[2:]]
print("ResNet-50 engine: %.1f MB; load times (ms): %s" % (size / 1e6, " ".join("%.1f" % x for x in loads)))
print("median load: %.1f ms (min %.1f)" % (statistics.median(loads), min(loads)))
PY
