"""hone.Network, hone.BuilderConfig, hone.Builder and hone.compile."""

import pathlib

import numpy as np
import pytest
from onnx import TensorProto, helper

import hone
from conftest import linear_relu_model, linear_relu_reference, make_model, rng, tensor


def test_network_from_file_and_bytes_describe_the_model(tmp_path):
    model, _, _ = linear_relu_model(batch="N")
    path = tmp_path / "linear.onnx"
    path.write_bytes(model)
    for network in (hone.Network.from_file(str(path)), hone.Network.from_file(path),
                    hone.Network.from_bytes(model), hone.Network.from_bytes(bytearray(model)),
                    hone.Network.from_bytes(memoryview(model))):
        assert network.input_names == ["x"]
        assert network.output_names == ["y"]
        (x,) = network.inputs
        assert x.name == "x" and x.dtype == np.float32 and x.onnx_type == "float"
        assert x.shape == (-1, 8), "a dim_param is -1"
        assert x.is_tensor
        assert "TensorDesc(name='x'" in repr(x)


def test_network_metadata():
    model = make_model([helper.make_node("Relu", ["x"], ["y"])], [tensor("x", TensorProto.FLOAT, [1])],
                       [tensor("y", TensorProto.FLOAT, [1])], metadata={"task": "detect", "author": "me"})
    assert hone.Network.from_bytes(model).metadata == {"task": "detect", "author": "me"}


def test_a_network_builds_more_than_once():
    model, w, b = linear_relu_model()
    network = hone.Network.from_bytes(model)
    builder = hone.Builder()
    first = builder.build(network)
    second = builder.build(network)  # the first build consumed the graph: imported again
    x = rng(3).standard_normal((2, 8)).astype(np.float32)
    for engine in (first, second):
        np.testing.assert_allclose(engine.create_context().run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5,
                                   atol=1e-6)


def test_closed_network_raises():
    network = hone.Network.from_bytes(linear_relu_model()[0])
    network.close()
    assert network.closed
    with pytest.raises(hone.InvalidArgumentError, match="closed"):
        network.inputs
    with pytest.raises(hone.InvalidArgumentError, match="closed"):
        hone.Builder().build(network)
    with hone.Network.from_bytes(linear_relu_model()[0]) as n:
        assert not n.closed
    assert n.closed


def test_bad_models_raise_the_right_error(tmp_path):
    with pytest.raises(hone.InvalidModelError, match="not an ONNX model"):
        hone.Network.from_bytes(b"definitely not protobuf \xff\xff")
    with pytest.raises(hone.NotFoundError, match="no such file"):
        hone.Network.from_file(tmp_path / "missing.onnx")
    with pytest.raises(hone.IoError, match="directory"):
        hone.Network.from_file(tmp_path)
    with pytest.raises(hone.InvalidArgumentError, match="None"):
        hone.Network.from_file(None)
    with pytest.raises(hone.InvalidArgumentError, match="str or os.PathLike"):
        hone.Network.from_file(42)
    with pytest.raises(hone.InvalidArgumentError, match="empty"):
        hone.Network.from_bytes(b"")
    with pytest.raises(hone.InvalidArgumentError, match="bytes-like"):
        hone.Network.from_bytes(12)
    with pytest.raises(hone.InvalidArgumentError, match="is a str"):
        hone.Network.from_bytes("a str")
    with pytest.raises(hone.InvalidArgumentError, match="None"):
        hone.Network.from_bytes(None)
    with pytest.raises(hone.InvalidArgumentError, match="NUL"):
        hone.Network.from_file("bad\0path.onnx")


def test_unsupported_operator_is_named():
    model = make_model([helper.make_node("Relu", ["x"], ["r"], name="relu"),
                        helper.make_node("NoSuchOp", ["r"], ["y"], name="mystery", domain="com.example")],
                       [tensor("x", TensorProto.FLOAT, [1])], [tensor("y", TensorProto.FLOAT, [1])],
                       domains=["com.example"], check=False)
    with pytest.raises(hone.UnsupportedError, match="mystery") as info:
        hone.Network.from_bytes(model)
    assert info.value.code == "Unsupported"
    assert isinstance(info.value, NotImplementedError)


def test_builder_config_options_round_trip():
    config = hone.BuilderConfig(threads=2, timing_cache="cache.json", tactics=["cpu.f32"], tuning_iterations=3,
                                optimize=False, channel_block=0, workspace_limit=1 << 20,
                                disabled_passes=["constant_folding"], precisions=["fp32"])
    assert config.threads == 2
    assert config.timing_cache == "cache.json"
    assert config.tactics == ["cpu.f32"]
    assert config.tuning_iterations == 3
    assert config.optimize is False
    assert config.channel_block == 0
    assert config.workspace_limit == 1 << 20
    assert config.disabled_passes == ["constant_folding"]
    assert config.precisions == ["fp32"]
    assert config.device == "cpu"
    assert config.progress is None
    config.set_input_shape("x", (1, 8), (4, 8), (16, 8))
    config.set_input_shape("fixed", [2, 3])
    assert config.input_shapes == {"x": ((1, 8), (4, 8), (16, 8)), "fixed": ((2, 3), (2, 3), (2, 3))}
    config.input_shapes = {"a": (1, 2), "b": ((1, 2), (2, 2), (3, 2)), "c": {"min": (1,), "max": (4,)}}
    assert config.input_shapes["a"] == ((1, 2), (1, 2), (1, 2))
    assert config.input_shapes["b"] == ((1, 2), (2, 2), (3, 2))
    assert config.input_shapes["c"] == ((1,), (4,), (4,)), "opt defaults to max"
    assert "threads=2" in repr(config)
    assert "input_shapes" in hone.BuilderConfig.option_names


@pytest.mark.parametrize("options, message", [
    ({"threads": -1}, "threads"),
    ({"threads": "two"}, "int"),
    ({"threads": True}, "int"),
    ({"tuning_iterations": 0}, "tuning_iterations"),
    ({"workspace_limit": -5}, "workspace_limit"),
    ({"channel_block": -2}, "channel_block"),
    ({"optimize": 1}, "bool"),
    ({"precisions": ["fp12"]}, "unknown precision"),
    ({"precisions": []}, "empty"),
    ({"device": ""}, "empty"),
    ({"tactics": [""]}, "empty"),
    ({"tactics": [3]}, "str"),
    ({"input_shapes": {"x": (1, -2)}}, "negative"),
    ({"input_shapes": {"x": ((1, 2), (3, 2), (2, 2))}}, "min <= opt <= max"),
    ({"input_shapes": {"x": ((1, 2), (1, 2, 3), (2, 2))}}, "ranks"),
    ({"input_shapes": {"x": "1x2"}}, "shape"),
    ({"input_shapes": [1, 2]}, "dict"),
    ({"input_shapes": {"x": {"min": (1,), "best": (2,)}}}, "unknown key"),
    ({"progress": 3}, "callable"),
    ({"timing_cache": 3}, "str or os.PathLike"),
    ({"no_such_option": 1}, "unknown BuilderConfig option 'no_such_option'"),
])
def test_builder_config_rejects_bad_values(options, message):
    with pytest.raises(hone.InvalidArgumentError, match=message):
        hone.BuilderConfig(**options)


def test_set_input_shape_checks_the_range():
    config = hone.BuilderConfig()
    with pytest.raises(hone.InvalidArgumentError, match="min <= opt <= max"):
        config.set_input_shape("x", (4, 8), (2, 8), (8, 8))
    with pytest.raises(hone.InvalidArgumentError, match="empty"):
        config.set_input_shape("", (1,))


def test_builder_reports_and_serializes():
    model, w, b = linear_relu_model()
    builder = hone.Builder()
    data = builder.build_serialized(hone.Network.from_bytes(model), hone.BuilderConfig(threads=1))
    assert isinstance(data, bytes) and data[:8] == b"HONEENG1"
    report = builder.report
    assert report["nodes_before"] == 3
    assert report["layers_after"] >= 1
    assert isinstance(report["passes"], dict)
    x = rng(4).standard_normal((2, 8)).astype(np.float32)
    out = hone.Engine.from_bytes(data).create_context().run({"x": x})["y"]
    np.testing.assert_allclose(out, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)


def test_build_errors():
    model, _, _ = linear_relu_model(batch="N")
    network = hone.Network.from_bytes(model)
    with pytest.raises(hone.InvalidArgumentError):
        hone.Builder().build(network, hone.BuilderConfig(input_shapes={"nope": (1, 8)}))
    with pytest.raises(hone.InvalidArgumentError):
        hone.Builder().build(network, hone.BuilderConfig(input_shapes={"x": (1, 8, 1)}))
    with pytest.raises(TypeError):
        hone.Builder().build(None)


def test_progress_callback_is_called_and_its_errors_propagate():
    model, _, _ = linear_relu_model()
    stages = []
    hone.Builder().build(hone.Network.from_bytes(model),
                         hone.BuilderConfig(progress=lambda stage, fraction: stages.append((stage, fraction))))
    assert stages, "progress was never called"
    assert all(isinstance(s, str) and 0.0 <= f <= 1.0 for s, f in stages)

    def fail(stage, fraction):
        raise KeyError("from progress")

    with pytest.raises(KeyError, match="from progress"):
        hone.Builder().build(hone.Network.from_bytes(model), hone.BuilderConfig(progress=fail))


def test_compile_one_liner(tmp_path):
    model, w, b = linear_relu_model()
    path = tmp_path / "m.onnx"
    path.write_bytes(model)
    x = rng(6).standard_normal((2, 8)).astype(np.float32)
    for source in (str(path), path, model):
        engine = hone.compile(source, threads=1, timing_cache=tmp_path / "cache.json")
        np.testing.assert_allclose(engine.create_context().run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5,
                                   atol=1e-6)
    assert (tmp_path / "cache.json").exists(), "the timing cache was written"
    assert isinstance(hone.compile(model, precision=["fp32"]), hone.Engine)


@pytest.mark.parametrize("precision", ["fp16", "bf16", "int8", ["fp32", "fp16"]])
def test_compile_other_precisions_raise_the_builders_unsupported_error(precision):
    with pytest.raises(hone.UnsupportedError, match="not available yet") as info:
        hone.compile(linear_relu_model()[0], precision=precision)
    assert info.value.code == "Unsupported"


def test_compile_bad_arguments():
    with pytest.raises(hone.InvalidArgumentError, match="unknown precision"):
        hone.compile(linear_relu_model()[0], precision="fp64")
    with pytest.raises(hone.InvalidArgumentError, match="unknown BuilderConfig option"):
        hone.compile(linear_relu_model()[0], thread=2)
    with pytest.raises(hone.InvalidArgumentError, match="None"):
        hone.compile(None)
    with pytest.raises(hone.NotFoundError):
        hone.compile(pathlib.Path("/nonexistent/model.onnx"))


def test_builtin_network():
    network = hone.Network.builtin("tinynet")
    assert network.inputs[0].shape == (1, 3, 64, 64)
    with pytest.raises(hone.Error):
        hone.Network.builtin("no-such-network")
