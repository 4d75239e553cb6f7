"""hone.Context: runs against numpy references, zero-copy bindings and outputs, dtypes, dynamic
shapes, and every bad input raising a hone.Error subclass."""

import sys

import numpy as np
import pytest
from onnx import TensorProto, helper

import hone
from conftest import linear_relu_model, linear_relu_reference, make_model, rng, tensor

SEED = 20240611


def test_run_matches_numpy_in_every_input_form(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    for trial in range(5):
        x = rng(SEED + trial).standard_normal((2, 8)).astype(np.float32)
        want = linear_relu_reference(x, w, b)
        for inputs in ({"x": x}, [x], (x,), x):
            out = ctx.run(inputs)
            assert list(out) == ["y"]
            np.testing.assert_allclose(out["y"], want, rtol=1e-5, atol=1e-6, err_msg=f"seed {SEED + trial}")
        np.testing.assert_allclose(ctx.outputs["y"], want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ctx.output("y"), want, rtol=1e-5, atol=1e-6)
    assert ctx.arena_bytes > 0


def test_outputs_are_not_copies_and_survive_the_next_run(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x1 = rng(SEED).standard_normal((2, 8)).astype(np.float32)
    x2 = rng(SEED + 1).standard_normal((2, 8)).astype(np.float32)
    y1 = ctx.run([x1])["y"]
    # The array views the engine's result: a capsule owning the tensor is its base.
    assert not y1.flags.owndata
    assert type(y1.base).__name__ == "PyCapsule"
    assert y1.flags.c_contiguous and y1.flags.writeable
    kept = y1.copy()
    y2 = ctx.run([x2])["y"]
    assert not np.shares_memory(y1, y2), "each run returns fresh storage"
    np.testing.assert_array_equal(y1, kept)
    np.testing.assert_allclose(y2, linear_relu_reference(x2, w, b), rtol=1e-5, atol=1e-6)
    del ctx
    np.testing.assert_array_equal(y1, kept)  # outlives its context


def test_bind_is_zero_copy(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = rng(SEED + 2).standard_normal((2, 8)).astype(np.float32)
    ctx.bind("x", x)
    assert ctx.bindings["x"] is x
    before = x.copy()
    first = ctx.run()["y"]
    np.testing.assert_array_equal(x, before, err_msg="a run must not write into its input")
    np.testing.assert_allclose(first, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    # Changing the bound array in place changes the next run's output: no copy was taken.
    x *= -3.0
    x[0, 0] = 7.0
    second = ctx.run()["y"]
    np.testing.assert_allclose(second, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    assert not np.array_equal(first, second)
    # A bound output is written in place and returned as the same object.
    y = np.full((2, 4), np.nan, np.float32)
    ctx.bind("y", y)
    out = ctx.run()
    assert out["y"] is y
    np.testing.assert_allclose(y, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    assert ctx.output("y") is y
    # The context keeps the bound arrays alive.
    refs = sys.getrefcount(x)
    ctx.unbind("x")
    assert sys.getrefcount(x) == refs - 1
    with pytest.raises(hone.InvalidArgumentError, match="not bound"):
        ctx.run()
    ctx.bind("y", None)
    assert ctx.bindings == {}


def test_bound_arrays_stay_alive_without_other_references(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = rng(SEED + 3).standard_normal((2, 8)).astype(np.float32)
    want = linear_relu_reference(x, w, b)
    ctx.bind("x", x.copy())  # the only reference is the context's
    for _ in range(3):
        np.testing.assert_allclose(ctx.run()["y"], want, rtol=1e-5, atol=1e-6)


def test_run_inputs_override_bindings_for_one_run(two_io_engine):
    ctx = two_io_engine.create_context()
    g = rng(SEED + 4)
    a, b, a2 = (g.standard_normal((2, 3)).astype(np.float32) for _ in range(3))
    ctx.bind("a", a)
    ctx.bind("b", b)
    out = ctx.run({"a": a2})  # a partial dict: b stays bound
    np.testing.assert_allclose(out["sum"], a2 + b, rtol=1e-6)
    np.testing.assert_allclose(out["prod"], a2 * b, rtol=1e-6)
    out = ctx.run()  # a's binding is back
    np.testing.assert_allclose(out["sum"], a + b, rtol=1e-6)
    assert ctx.bindings["a"] is a


def test_non_contiguous_inputs_are_copied_by_run_and_refused_by_bind(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    big = rng(SEED + 5).standard_normal((4, 16)).astype(np.float32)
    strided = big[::2, ::2]
    assert not strided.flags.c_contiguous
    np.testing.assert_allclose(ctx.run([strided])["y"], linear_relu_reference(strided, w, b), rtol=1e-5, atol=1e-6)
    fortran = np.asfortranarray(big[:2, :8])
    np.testing.assert_allclose(ctx.run([fortran])["y"], linear_relu_reference(fortran, w, b), rtol=1e-5, atol=1e-6)
    swapped = big[:2, :8].astype(">f4")
    np.testing.assert_allclose(ctx.run([swapped])["y"], linear_relu_reference(big[:2, :8], w, b), rtol=1e-5,
                               atol=1e-6)
    raw = np.zeros(2 * 8 * 4 + 1, np.uint8)
    misaligned = np.frombuffer(raw.data, dtype=np.float32, count=16, offset=1).reshape(2, 8)
    assert not misaligned.flags.aligned
    np.testing.assert_array_equal(ctx.run([misaligned])["y"], linear_relu_reference(np.zeros((2, 8), np.float32), w, b))
    for bad in (strided, fortran, swapped, misaligned):
        with pytest.raises(hone.InvalidArgumentError, match="C-contiguous"):
            ctx.bind("x", bad)
    readonly = big[:2, :8].copy()
    readonly.setflags(write=False)
    np.testing.assert_allclose(ctx.run([readonly])["y"], linear_relu_reference(readonly, w, b), rtol=1e-5, atol=1e-6)
    ctx.bind("x", readonly)  # inputs are only read
    with pytest.raises(hone.InvalidArgumentError, match="read-only"):
        ctx.bind("y", _readonly((2, 4)))


def _readonly(shape):
    a = np.zeros(shape, np.float32)
    a.setflags(write=False)
    return a


def test_non_array_inputs_are_converted_to_the_input_dtype(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = [[float(i + j) for j in range(8)] for i in range(2)]
    np.testing.assert_allclose(ctx.run({"x": x})["y"], linear_relu_reference(np.array(x, np.float32), w, b),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(hone.InvalidArgumentError, match="cannot convert"):
        ctx.run({"x": [["a"] * 8] * 2})
    with pytest.raises(hone.InvalidArgumentError, match="needs a numpy array"):
        ctx.bind("x", x)


def test_wrong_dtypes_raise(linear_engine):
    engine, _, _ = linear_engine
    ctx = engine.create_context()
    for dtype in (np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_, np.complex64):
        x = np.zeros((2, 8), dtype)
        with pytest.raises(hone.InvalidArgumentError, match="astype"):
            ctx.run([x])
        with pytest.raises(hone.InvalidArgumentError):
            ctx.bind("x", x)
    with pytest.raises(hone.InvalidArgumentError, match="output 'y'"):
        ctx.bind("y", np.zeros((2, 4), np.float64))
    with pytest.raises(hone.InvalidArgumentError, match="the array <U1"):
        ctx.run([np.array([["s"] * 8] * 2)])


def test_wrong_shapes_raise(linear_engine):
    engine, _, _ = linear_engine
    ctx = engine.create_context()
    for shape in ((2, 7), (3, 8), (8,), (1, 2, 8), ()):
        with pytest.raises(hone.InvalidArgumentError, match="shape"):
            ctx.run([np.zeros(shape, np.float32)])
        with pytest.raises(hone.InvalidArgumentError):
            ctx.bind("x", np.zeros(shape, np.float32))
    ctx.bind("x", np.zeros((2, 8), np.float32))
    ctx.bind("y", np.zeros((3, 4), np.float32))
    with pytest.raises(hone.InvalidArgumentError, match="bound with shape"):
        ctx.run()
    ctx.unbind("y")
    ctx.run()  # usable after the failures


def test_bad_input_containers_and_names(two_io_engine):
    ctx = two_io_engine.create_context()
    a = np.zeros((2, 3), np.float32)
    with pytest.raises(hone.NotFoundError, match="'c' is not an input"):
        ctx.run({"a": a, "b": a, "c": a})
    with pytest.raises(hone.NotFoundError, match="'sum' is an output"):
        ctx.run({"sum": a})
    with pytest.raises(hone.InvalidArgumentError, match="2 input"):
        ctx.run([a])
    with pytest.raises(hone.InvalidArgumentError, match="single array"):
        ctx.run(a)
    with pytest.raises(hone.InvalidArgumentError, match="is None"):
        ctx.run({"a": a, "b": None})
    with pytest.raises(hone.InvalidArgumentError, match="is None"):
        ctx.run([None, a])
    with pytest.raises(hone.InvalidArgumentError, match="names must be str"):
        ctx.run({1: a})
    with pytest.raises(hone.InvalidArgumentError, match="dict"):
        ctx.run(42)
    with pytest.raises(hone.InvalidArgumentError, match="not bound"):
        ctx.run({"a": a})
    with pytest.raises(hone.NotFoundError, match="no input or output 'zzz'"):
        ctx.bind("zzz", a)
    with pytest.raises(hone.NotFoundError):
        ctx.output("zzz")
    with pytest.raises(hone.NotFoundError):
        ctx.set_input_shape("zzz", (2, 3))
    with pytest.raises(hone.InvalidArgumentError, match="not run yet"):
        ctx.output("sum")
    out = ctx.run([a, a + 1])
    np.testing.assert_array_equal(out["sum"], a + a + 1)


@pytest.mark.parametrize("onnx_type, dtype, op", [
    (TensorProto.FLOAT, np.float32, "Add"),
    (TensorProto.DOUBLE, np.float64, "Add"),
    (TensorProto.FLOAT16, np.float16, "Add"),
    (TensorProto.INT64, np.int64, "Add"),
    (TensorProto.INT32, np.int32, "Add"),
    (TensorProto.INT16, np.int16, "Add"),
    (TensorProto.INT8, np.int8, "Add"),
    (TensorProto.UINT8, np.uint8, "Add"),
    (TensorProto.UINT32, np.uint32, "Add"),
    (TensorProto.UINT64, np.uint64, "Add"),
    (TensorProto.BOOL, np.bool_, "And"),
])
def test_dtypes(onnx_type, dtype, op):
    model = make_model([helper.make_node(op, ["a", "b"], ["y"])],
                       [tensor("a", onnx_type, [3, 5]), tensor("b", onnx_type, [3, 5])], [tensor("y", onnx_type, [3, 5])])
    engine = hone.compile(model, threads=1)
    assert engine.inputs[0].dtype == np.dtype(dtype)
    g = rng(SEED + 6)
    if dtype == np.bool_:
        a, b = g.integers(0, 2, (3, 5)).astype(bool), g.integers(0, 2, (3, 5)).astype(bool)
        want = a & b
    else:
        a, b = g.integers(0, 50, (3, 5)).astype(dtype), g.integers(0, 50, (3, 5)).astype(dtype)
        want = a + b
    ctx = engine.create_context()
    out = ctx.run({"a": a, "b": b})["y"]
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, want, err_msg=f"seed {SEED + 6}")
    ctx.bind("a", a)
    ctx.bind("b", b)
    y = np.zeros((3, 5), dtype)
    ctx.bind("y", y)
    ctx.run()
    np.testing.assert_array_equal(y, want)


def test_string_tensors_are_copied_in_and_out():
    model = make_model([helper.make_node("Identity", ["s"], ["t"])], [tensor("s", TensorProto.STRING, [2, 2])],
                       [tensor("t", TensorProto.STRING, [2, 2])])
    ctx = hone.compile(model).create_context()
    for s in (np.array([["a", "bé"], ["", "long string"]]), np.array([["a", "bé"], ["", "long string"]], dtype=object),
              [["a", "bé"], ["", "long string"]]):
        out = ctx.run([s])["t"]
        assert out.dtype == object and out.shape == (2, 2)
        assert out.tolist() == [["a", "bé"], ["", "long string"]]
    assert ctx.run([np.array([[b"x", b"y"], [b"z", b"w"]], dtype=object)])["t"].tolist() == [["x", "y"], ["z", "w"]]
    with pytest.raises(hone.InvalidArgumentError, match="strings"):
        ctx.bind("s", np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(hone.InvalidArgumentError, match="element"):
        ctx.run([np.array([["a", 1], ["c", "d"]], dtype=object)])


def test_dynamic_shapes():
    model, w, b = linear_relu_model(batch="N")
    engine = hone.compile(model, threads=1, input_shapes={"x": ((1, 8), (4, 8), (16, 8))})
    assert engine.inputs[0].shape == (-1, 8)
    ctx = engine.create_context()
    g = rng(SEED + 7)
    for batch in (1, 3, 16, 4, 1, 9):
        x = g.standard_normal((batch, 8)).astype(np.float32)
        y = ctx.run([x])["y"]
        assert y.shape == (batch, 4)
        np.testing.assert_allclose(y, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6, err_msg=f"batch {batch}")
    for batch in (0, 17):
        with pytest.raises(hone.InvalidArgumentError, match="profile"):
            ctx.run([np.zeros((batch, 8), np.float32)])
    ctx.set_input_shape("x", (5, 8))
    with pytest.raises(hone.InvalidArgumentError, match="shape was set"):
        ctx.run([np.zeros((4, 8), np.float32)])
    x = g.standard_normal((5, 8)).astype(np.float32)
    np.testing.assert_allclose(ctx.run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    with pytest.raises(hone.InvalidArgumentError, match="profile"):
        ctx.set_input_shape("x", (32, 8))
    with pytest.raises(hone.InvalidArgumentError, match="sequence of ints"):
        ctx.set_input_shape("x", None)
    with pytest.raises(hone.InvalidArgumentError, match="ints"):
        ctx.set_input_shape("x", (5.5, 8))


def test_threads_setting(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    assert ctx.threads == 1
    ctx.threads = 2
    assert ctx.threads == 2
    ctx.set_threads(1)
    for bad in (0, -1, 10**6):
        with pytest.raises(hone.InvalidArgumentError):
            ctx.threads = bad
    with pytest.raises(hone.InvalidArgumentError, match="int"):
        ctx.set_threads("2")
    x = np.ones((2, 8), np.float32)
    np.testing.assert_allclose(ctx.run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)


def test_closed_context_raises_everywhere(linear_engine):
    engine, _, _ = linear_engine
    ctx = engine.create_context()
    ctx.close()
    ctx.close()  # idempotent
    assert ctx.closed and "closed" in repr(ctx)
    x = np.zeros((2, 8), np.float32)
    for use in (lambda: ctx.run([x]), lambda: ctx.run(), lambda: ctx.bind("x", x), lambda: ctx.outputs,
                lambda: ctx.output("y"), lambda: ctx.set_input_shape("x", (2, 8)), lambda: ctx.threads,
                lambda: ctx.set_threads(1), lambda: ctx.run_async(), lambda: ctx.arena_bytes,
                lambda: setattr(ctx, "profiler", print)):
        with pytest.raises(hone.InvalidArgumentError, match="closed"):
            use()
    with engine.create_context() as c:
        c.run([x])
    assert c.closed


def test_sequence_outputs_become_lists():
    model = make_model([helper.make_node("SplitToSequence", ["x"], ["s"], axis=0)],
                       [tensor("x", TensorProto.FLOAT, [3, 2])],
                       [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None)], opset=13)
    try:
        engine = hone.compile(model)
    except hone.UnsupportedError:
        pytest.skip("SplitToSequence is not supported")
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = engine.create_context().run([x])["s"]
    assert isinstance(out, list) and len(out) == 3
    for i, part in enumerate(out):
        np.testing.assert_array_equal(part, x[i:i + 1])
