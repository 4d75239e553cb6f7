"""The same engine and input give bit-identical outputs through Python and the C++ `hone run`
CLI: on the engine file Python built, and on a CLI build from the model with the timing cache
Python's build wrote (so both choose the same tactics whatever the timing noise)."""

import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import hone
from conftest import HONE_CLI, SHARED_DIR, linear_relu_model, make_model, rng, tensor

pytestmark = pytest.mark.skipif(not HONE_CLI, reason="HONE_CLI (the hone tool) is not set")


def write_inputs(directory, engine, arrays):
    paths = []
    for desc, array in zip(engine.inputs, arrays):
        path = directory / f"{desc.name}.pb"
        path.write_bytes(numpy_helper.from_array(array, desc.name).SerializeToString())
        paths.append(path)
    return paths


def cli_run(target, inputs, out_dir, *flags):
    command = [HONE_CLI, "run", str(target), "--output-dir", str(out_dir), *flags]
    for p in inputs:
        command += ["--input", str(p)]
    subprocess.run(command, check=True, capture_output=True)
    outputs = {}
    for k in range(len(list(out_dir.glob("output_*.pb")))):
        proto = onnx.TensorProto()
        proto.ParseFromString((out_dir / f"output_{k}.pb").read_bytes())
        outputs[k] = numpy_helper.to_array(proto)
    return outputs


def assert_bit_identical(python_outputs, cli_outputs, label):
    assert len(python_outputs) == len(cli_outputs)
    for k, (name, got) in enumerate(python_outputs.items()):
        want = cli_outputs[k]
        assert got.dtype == want.dtype and got.shape == want.shape, (label, name, got.dtype, want.dtype)
        if got.tobytes() != want.tobytes():
            g = np.frombuffer(got.tobytes(), np.uint8).reshape(got.size, -1)
            w = np.frombuffer(want.tobytes(), np.uint8).reshape(want.size, -1)
            rows = (g != w).any(axis=1)
            first = int(np.argmax(rows))
            pytest.fail(f"{label}: output '{name}': {int(rows.sum())} of {got.size} values differ from hone run, "
                        f"first at {first}: Python {got.ravel()[first]!r}, CLI {want.ravel()[first]!r}")
        print(f"{label}: '{name}' bit-identical to hone run ({got.size} values)")


def compare(tmp_path, model_path, arrays, label, threads=2):
    cache = tmp_path / "timing.json"
    engine = hone.compile(model_path, threads=threads, timing_cache=cache)
    engine_path = tmp_path / "model.hone"
    engine.save(engine_path)
    python_outputs = engine.create_context().run(list(arrays))
    inputs = write_inputs(tmp_path, engine, arrays)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert_bit_identical(python_outputs, cli_run(engine_path, inputs, tmp_path / "a", "--threads", str(threads)),
                         f"{label} (engine file)")
    assert_bit_identical(python_outputs,
                         cli_run(model_path, inputs, tmp_path / "b", "--threads", str(threads), "--timing-cache",
                                 str(cache)),
                         f"{label} (CLI build)")


def test_linear_model_bit_identical(tmp_path):
    model, _, _ = linear_relu_model(in_features=64, out_features=32, batch=16)
    path = tmp_path / "linear.onnx"
    path.write_bytes(model)
    compare(tmp_path, path, [rng(1).standard_normal((16, 64)).astype(np.float32)], "linear")


def test_integer_and_multi_output_model_bit_identical(tmp_path):
    model = make_model([helper.make_node("Mul", ["a", "b"], ["p"]), helper.make_node("ReduceSum", ["p"], ["s"],
                                                                                    keepdims=0)],
                       [tensor("a", TensorProto.INT64, [4, 5]), tensor("b", TensorProto.INT64, [4, 5])],
                       [tensor("p", TensorProto.INT64, [4, 5]), tensor("s", TensorProto.INT64, [])])
    path = tmp_path / "ints.onnx"
    path.write_bytes(model)
    g = rng(2)
    compare(tmp_path, path, [g.integers(-1000, 1000, (4, 5)), g.integers(-1000, 1000, (4, 5))], "ints")


def test_yolov8n_bit_identical(tmp_path):
    path = SHARED_DIR / "models" / "yolov8n.onnx"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    x = rng(3).uniform(0, 1, (1, 3, 640, 640)).astype(np.float32)
    compare(tmp_path, path, [x], "yolov8n")
