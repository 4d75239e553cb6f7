"""hone.Engine: save / load / serialize / from_bytes, descriptors, closing."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import hone
from conftest import linear_relu_model, linear_relu_reference, make_model, rng, tensor


def test_save_load_serialize_round_trips_bit_for_bit(tmp_path, linear_engine):
    engine, w, b = linear_engine
    path = tmp_path / "linear.hone"
    engine.save(path)
    data = engine.serialize()
    assert path.read_bytes()[:8] == data[:8] == b"HONEENG1"
    x = rng(11).standard_normal((2, 8)).astype(np.float32)
    expected = engine.create_context().run([x])["y"]
    np.testing.assert_allclose(expected, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    for other in (hone.Engine.load(path), hone.Engine.load(str(path), verify_weights=False),
                  hone.Engine.from_bytes(data), hone.Engine.from_bytes(bytearray(data)),
                  hone.Engine.from_bytes(memoryview(data))):
        got = other.create_context().run([x])["y"]
        assert got.tobytes() == expected.tobytes(), "a reloaded engine computes the same bits"


def test_descriptors_and_properties(linear_engine):
    engine, _, _ = linear_engine
    assert engine.input_names == ["x"] and engine.output_names == ["y"]
    (x,) = engine.inputs
    (y,) = engine.outputs
    assert (x.name, x.dtype, x.shape) == ("x", np.float32, (2, 8))
    assert (y.name, y.dtype, y.shape) == ("y", np.float32, (2, 4))
    assert engine.device == "cpu"
    assert engine.threads == 1
    assert engine.num_layers == len(engine.layers) >= 1
    assert all(isinstance(name, str) and isinstance(tactic, str) for name, tactic in engine.layers)
    assert engine.profiles == {}
    assert "layers" in repr(engine)


def test_profiles_and_metadata():
    model = make_model([helper.make_node("Relu", ["x"], ["y"])], [tensor("x", TensorProto.FLOAT, ["N", 3])],
                       [tensor("y", TensorProto.FLOAT, ["N", 3])], metadata={"names": "{0: 'a'}"})
    engine = hone.compile(model, input_shapes={"x": ((1, 3), (2, 3), (5, 3))})
    assert engine.profiles == {"x": ((1, 3), (2, 3), (5, 3))}
    assert engine.metadata == {"names": "{0: 'a'}"}
    assert engine.inputs[0].shape == (-1, 3)


def test_load_errors(tmp_path):
    with pytest.raises(hone.NotFoundError):
        hone.Engine.load(tmp_path / "missing.hone")
    garbage = tmp_path / "garbage.hone"
    garbage.write_bytes(b"x" * 4096)
    with pytest.raises(hone.InvalidModelError, match="not a Hone engine file"):
        hone.Engine.load(garbage)
    with pytest.raises(hone.InvalidModelError, match="not a Hone engine file"):
        hone.Engine.from_bytes(b"y" * 100)
    with pytest.raises(hone.InvalidArgumentError, match="empty"):
        hone.Engine.from_bytes(b"")
    with pytest.raises(hone.InvalidArgumentError, match="None"):
        hone.Engine.from_bytes(None)
    with pytest.raises(hone.InvalidArgumentError, match="None"):
        hone.Engine.load(None)


def test_damaged_engine_bytes_raise_not_crash(linear_engine):
    engine, _, _ = linear_engine
    data = bytearray(engine.serialize())
    g = rng(12)
    for trial in range(200):
        damaged = bytearray(data)
        for _ in range(1 + trial % 4):
            damaged[int(g.integers(0, len(damaged)))] ^= int(g.integers(1, 256))
        try:
            hone.Engine.from_bytes(damaged)
        except hone.Error:
            pass
    for cut in (9, 64, len(data) // 2, len(data) - 1):
        with pytest.raises(hone.Error):
            hone.Engine.from_bytes(data[:cut])


def test_save_errors(tmp_path, linear_engine):
    engine, _, _ = linear_engine
    with pytest.raises(hone.IoError):
        engine.save(tmp_path / "no_such_dir" / "e.hone")
    with pytest.raises(hone.InvalidArgumentError, match="empty"):
        engine.save("")


def test_closed_engine_raises_but_its_contexts_keep_running():
    model, w, b = linear_relu_model()
    engine = hone.compile(model, threads=1)
    ctx = engine.create_context()
    engine.close()
    assert engine.closed and "closed" in repr(engine)
    for use in (lambda: engine.inputs, lambda: engine.serialize(), lambda: engine.create_context(),
                lambda: engine.save("x.hone"), lambda: hone.Context(engine)):
        with pytest.raises(hone.InvalidArgumentError, match="closed"):
            use()
    x = np.ones((2, 8), np.float32)
    np.testing.assert_allclose(ctx.run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    assert isinstance(ctx.engine, hone.Engine) and ctx.engine.input_names == ["x"]
    with hone.compile(model) as e:
        assert not e.closed
    assert e.closed
