"""Shared helpers of the Python module's tests: tiny ONNX models written with the `onnx` package
(Debian's python3-onnx), seeded random inputs, and where the CLI and the shared models are.

ctest runs each test file with PYTHONPATH=build/python and HONE_CLI / HONE_SHARED_DIR set
(tests/python/CMakeLists.txt); run by hand:

    PYTHONPATH=build/python HONE_CLI=build/tools/hone/hone /usr/bin/python3 -m pytest -q tests/python
"""

import os
import pathlib

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import hone

SHARED_DIR = pathlib.Path(os.environ.get("HONE_SHARED_DIR", pathlib.Path(__file__).resolve().parents[3] / "shared"))
HONE_CLI = os.environ.get("HONE_CLI", "")


def make_model(nodes, inputs, outputs, initializers=(), opset=13, metadata=None, domains=(), check=True):
    """Serialized ModelProto of one graph (IR version 8, default-domain `opset`, plus opset 1 of
    each of `domains`), checked by onnx.checker unless check=False."""
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="hone-tests")
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    if check:
        onnx.checker.check_model(model)
    return model.SerializeToString()


def tensor(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def initializer(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def rng(seed):
    """A seeded generator; the seed is in every assertion message that uses it."""
    return np.random.default_rng(seed)


def linear_relu_model(in_features=8, out_features=4, batch=2, seed=1):
    """y = Relu(x @ w + b) with x [batch, in] (batch may be a str: a dynamic dimension).
    Returns (model bytes, w, b)."""
    g = rng(seed)
    w = g.standard_normal((in_features, out_features)).astype(np.float32)
    b = g.standard_normal(out_features).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
             helper.make_node("Add", ["xw", "b"], ["z"], name="add"),
             helper.make_node("Relu", ["z"], ["y"], name="relu")]
    model = make_model(nodes, [tensor("x", TensorProto.FLOAT, [batch, in_features])],
                       [tensor("y", TensorProto.FLOAT, [batch, out_features])],
                       [initializer("w", w), initializer("b", b)])
    return model, w, b


def linear_relu_reference(x, w, b):
    return np.maximum(x @ w + b, 0)


def two_io_model():
    """sum = a + b, prod = a * b over float32 [2, 3] inputs `a`, `b`."""
    nodes = [helper.make_node("Add", ["a", "b"], ["sum"], name="add"),
             helper.make_node("Mul", ["a", "b"], ["prod"], name="mul")]
    return make_model(nodes, [tensor("a", TensorProto.FLOAT, [2, 3]), tensor("b", TensorProto.FLOAT, [2, 3])],
                      [tensor("sum", TensorProto.FLOAT, [2, 3]), tensor("prod", TensorProto.FLOAT, [2, 3])])


def heavy_model(size=512, layers=10):
    """A chain of `layers` [size x size] MatMul+Tanh, long enough (~tens of ms on one thread)
    to observe threads running at the same time."""
    g = rng(5)
    nodes, inits, prev = [], [], "x"
    for i in range(layers):
        w = (g.standard_normal((size, size)) / np.sqrt(size)).astype(np.float32)
        inits.append(initializer(f"w{i}", w))
        nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [f"m{i}"], name=f"matmul{i}"))
        nodes.append(helper.make_node("Tanh", [f"m{i}"], [f"t{i}"], name=f"tanh{i}"))
        prev = f"t{i}"
    nodes.append(helper.make_node("Identity", [prev], ["y"], name="out"))
    return make_model(nodes, [tensor("x", TensorProto.FLOAT, [size, size])],
                      [tensor("y", TensorProto.FLOAT, [size, size])], inits)


def tiny_detector(size=64, classes=2, seed=7):
    """images [1,3,size,size] -> Conv 8x8/8 -> Sigmoid -> [1, 4+classes, (size/8)^2] scaled to
    boxes in input pixels: YOLOv8's output layout (as tests/vision/tiny_yolo.hpp)."""
    cells = (size // 8) ** 2
    channels = 4 + classes
    g = rng(seed)
    w = g.uniform(-0.05, 0.05, (channels, 3, 8, 8)).astype(np.float32)
    scale = np.ones((1, channels, 1), np.float32)
    scale[0, :2] = size
    scale[0, 2:4] = size / 3
    names = "{" + ", ".join(f"{c}: 'thing{c}'" for c in range(classes)) + "}"
    nodes = [helper.make_node("Conv", ["images", "w"], ["conv"], strides=[8, 8], name="conv"),
             helper.make_node("Sigmoid", ["conv"], ["sig"], name="sigmoid"),
             helper.make_node("Reshape", ["sig", "shape"], ["flat"], name="reshape"),
             helper.make_node("Mul", ["flat", "scale"], ["output0"], name="scale")]
    return make_model(nodes, [tensor("images", TensorProto.FLOAT, [1, 3, size, size])],
                      [tensor("output0", TensorProto.FLOAT, [1, channels, cells])],
                      [initializer("w", w), initializer("scale", scale),
                       initializer("shape", np.array([1, channels, cells], np.int64))],
                      opset=12, metadata={"task": "detect", "names": names, "imgsz": f"[{size}, {size}]",
                                          "stride": "8"})


def tiny_classifier(size=32, classes=5, seed=11):
    g = rng(seed)
    nodes = [helper.make_node("GlobalAveragePool", ["images"], ["pool"], name="pool"),
             helper.make_node("Flatten", ["pool"], ["flat"], name="flatten"),
             helper.make_node("Gemm", ["flat", "w", "bias"], ["output0"], transB=1, name="fc")]
    return make_model(nodes, [tensor("images", TensorProto.FLOAT, [1, 3, size, size])],
                      [tensor("output0", TensorProto.FLOAT, [1, classes])],
                      [initializer("w", g.uniform(-1, 1, (classes, 3)).astype(np.float32)),
                       initializer("bias", g.uniform(-1, 1, classes).astype(np.float32))],
                      opset=12, metadata={"task": "classify", "imgsz": f"[{size}, {size}]"})


@pytest.fixture(scope="session")
def linear_engine():
    """(engine, w, b) of linear_relu_model built with 1 thread."""
    model, w, b = linear_relu_model()
    return hone.compile(model, threads=1), w, b


@pytest.fixture(scope="session")
def two_io_engine():
    return hone.compile(two_io_model(), threads=1)
