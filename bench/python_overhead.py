#!/usr/bin/python3
"""What a Python Context.run() costs over the C++ call (issue 7: at most 20 us).

Builds a tiny engine (y = Relu(x @ w + b), x [1, 16], one thread) in Python, saves it, and
alternates, for --rounds rounds:
  C++     `hone bench ENGINE --threads 1 --iterations N --json ...`: ExecutionContext::run() on
          bound inputs, each call timed (its median and mean);
  Python  the same engine file loaded in Python, timed in batches of calls (per-call time of
          each batch; the median batch):
            run()            inputs bound once (zero-copy), as `hone bench` does,
            run({"x": x})    a dict of arrays each call (bind, run, unbind),
            run([x])         a list,
            run_async()      queue + future.result() on bound inputs.
Each side keeps its best round (the machine is shared and noisy); the overhead is Python's
median per-call time minus C++'s median.

Usage (from the repository root, after a build):
    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--rounds 5] [--iterations 20000]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build" / "python"))
import hone  # noqa: E402


def tiny_model():
    from onnx import TensorProto, helper, numpy_helper
    g = np.random.default_rng(0)
    w = g.standard_normal((16, 16)).astype(np.float32)
    b = g.standard_normal(16).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["z"]),
         helper.make_node("Relu", ["z"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model.SerializeToString()


def cpp_round(cli, engine_path, iterations, out_json):
    subprocess.run([cli, "bench", str(engine_path), "--threads", "1", "--warmup", "200", "--iterations",
                    str(iterations), "--json", str(out_json)], check=True, capture_output=True)
    latency = json.loads(out_json.read_text())["latency_ms"]
    return latency["median"] * 1e3, latency["mean"] * 1e3  # us


def python_round(call, iterations, batch=200):
    """Median and mean over batches of the per-call time, in us."""
    for _ in range(200):
        call()
    per_call = []
    clock = time.perf_counter
    for _ in range(max(1, iterations // batch)):
        start = clock()
        for _ in range(batch):
            call()
        per_call.append((clock() - start) / batch * 1e6)
    return statistics.median(per_call), statistics.fmean(per_call)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20000, help="calls per side per round")
    parser.add_argument("--cli", default=os.environ.get("HONE_CLI", str(ROOT / "build" / "tools" / "hone" / "hone")))
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="hone_py_overhead_"))
    engine_path = work / "tiny.hone"
    hone.compile(tiny_model(), threads=1).save(engine_path)
    engine = hone.Engine.load(engine_path)
    ctx = engine.create_context()
    x = np.random.default_rng(1).standard_normal((1, 16)).astype(np.float32)
    bound = engine.create_context()
    bound.bind("x", x)
    async_ctx = engine.create_context()
    async_ctx.bind("x", x)
    variants = {
        "run() bound": bound.run,
        'run({"x": x})': lambda: ctx.run({"x": x}),
        "run([x])": lambda: ctx.run([x]),
        "run_async().result()": lambda: async_ctx.run_async().result(),
    }
    best = {"C++ ExecutionContext::run": (float("inf"), 0.0)}
    best.update({name: (float("inf"), 0.0) for name in variants})
    for r in range(args.rounds):
        cpp = cpp_round(args.cli, engine_path, args.iterations, work / "bench.json")
        best["C++ ExecutionContext::run"] = min(best["C++ ExecutionContext::run"], cpp)
        for name, call in variants.items():
            best[name] = min(best[name], python_round(call, args.iterations))
        print(f"round {r + 1}/{args.rounds}: C++ median {cpp[0]:.2f} us, Python run() bound "
              f"{best['run() bound'][0]:.2f} us so far", file=sys.stderr)

    cpp_median = best["C++ ExecutionContext::run"][0]
    print(f"engine: {engine.num_layers} layer(s), x [1,16] float32, 1 thread; best of {args.rounds} rounds, "
          f"{args.iterations} calls each")
    print(f"{'call':<28}{'median us':>10}{'mean us':>10}{'overhead us':>13}")
    for name, (median, mean) in best.items():
        overhead = "" if name.startswith("C++") else f"{median - cpp_median:+.2f}"
        print(f"{name:<28}{median:>10.2f}{mean:>10.2f}{overhead:>13}")
    worst = max(best[name][0] - cpp_median for name in ("run() bound", 'run({"x": x})', "run([x])"))
    print(f"largest run() overhead: {worst:.2f} us (target <= 20 us): {'met' if worst <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
