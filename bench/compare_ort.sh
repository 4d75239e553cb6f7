#!/usr/bin/env bash
# Times models in Hone and in ONNX Runtime (the official CPU library from the npm package
# onnxruntime-node) with the same thread count, in one script, alternating the two sides for
# several rounds and keeping each side's best median (this machine is noisy). Prints a table
# of medians, the ratio Hone/ORT, and both sides' peak resident memory.
#
#   bench/compare_ort.sh [--threads N] [--rounds R] [--iterations N] [--warmup N] [MODEL.onnx ...]
#
# Without models it runs the five of the fast-CPU issue from ../shared. Needs build/ (run
# scripts/build.sh first) and npm; onnxruntime-node is installed into .bench/ort (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2 rounds=3 iterations=20 warmup=3
models=()
while (($#)); do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "compare_ort.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
if ((${#models[@]} == 0)); then
  for m in ../shared/onnx-backend-tests/light/light_{resnet50,inception_v1,densenet121,squeezenet}.onnx ../shared/models/yolov8n.onnx; do
    [ -f "$m" ] && models+=("$m")
  done
fi
((${#models[@]})) || { echo "compare_ort.sh: no models given and none found in ../shared" >&2; exit 2; }
hone=build/tools/hone/hone
[ -x "$hone" ] || { echo "compare_ort.sh: $hone not found; run scripts/build.sh first" >&2; exit 2; }

ort_dir=.bench/ort
if [ ! -f "$ort_dir/node_modules/onnxruntime-node/package.json" ]; then
  mkdir -p "$ort_dir"
  # --ignore-scripts: the package's install script tries a download that fails offline; the
  # CPU library itself ships inside the package.
  (cd "$ort_dir" && npm install --silent --no-audit --no-fund --ignore-scripts onnxruntime-node@1.30.0 >/dev/null)
fi
export HONE_ORT_DIR="$PWD/$ort_dir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-28s %12s %12s %8s %12s %12s\n' model "hone ms" "ort ms" ratio "hone RSS" "ort RSS"
for model in "${models[@]}"; do
  name=$(basename "$model" .onnx)
  # Input names, types and shapes (symbolic dims as 1) for the ORT side.
  inputs=$(/usr/bin/python3 - "$model" <<'PY'
import json, sys, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
inits = {i.name for i in m.graph.initializer}
types = {1: "float32", 6: "int32", 7: "int64"}
out = []
for i in m.graph.input:
    if i.name in inits:
        continue
    t = i.type.tensor_type
    out.append({"name": i.name, "dtype": types.get(t.elem_type, str(t.elem_type)),
                "shape": [d.dim_value if d.dim_value > 0 else 1 for d in t.shape.dim]})
print(json.dumps(out))
PY
)
  engine="$tmp/$name.hone"
  "$hone" build "$model" -o "$engine" --threads "$threads" >/dev/null
  best_hone="" best_ort="" rss_hone=0 rss_ort=0
  for ((r = 0; r < rounds; r++)); do
    "$hone" bench "$engine" --threads "$threads" --warmup "$warmup" --iterations "$iterations" --json "$tmp/h.json" >/dev/null
    node bench/ort_bench.js "$model" "$threads" "$iterations" "$warmup" "$inputs" >"$tmp/o.json"
    read -r h hr < <(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["latency_ms"]["median"], j["peak_rss_bytes"])' "$tmp/h.json")
    read -r o orss < <(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["median_ms"], j["peak_rss_bytes"])' "$tmp/o.json")
    best_hone=$(/usr/bin/python3 -c "import sys; a=sys.argv[1]; b=float(sys.argv[2]); print(b if a=='' else min(float(a), b))" "$best_hone" "$h")
    best_ort=$(/usr/bin/python3 -c "import sys; a=sys.argv[1]; b=float(sys.argv[2]); print(b if a=='' else min(float(a), b))" "$best_ort" "$o")
    rss_hone=$((hr > rss_hone ? hr : rss_hone)); rss_ort=$((orss > rss_ort ? orss : rss_ort))
  done
  /usr/bin/python3 -c '
import sys
name, h, o, hr, orr = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("%-28s %12.3f %12.3f %8.3f %10.1fMB %10.1fMB" % (name, h, o, h / o, hr / 1e6, orr / 1e6))' "$name" "$best_hone" "$best_ort" "$rss_hone" "$rss_ort"
done
