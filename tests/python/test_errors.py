"""hone.Error and its subclasses: one per StatusCode, with the message, the node context and a
builtin base; each reached from the API where the core can produce it."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import hone
from conftest import linear_relu_model, make_model, tensor

# StatusCode name -> (class, builtin base or None)
CODES = {
    "InvalidArgument": (hone.InvalidArgumentError, ValueError),
    "InvalidModel": (hone.InvalidModelError, None),
    "Unsupported": (hone.UnsupportedError, NotImplementedError),
    "NotFound": (hone.NotFoundError, LookupError),
    "IoError": (hone.IoError, OSError),
    "OutOfRange": (hone.OutOfRangeError, IndexError),
    "Internal": (hone.InternalError, None),
}


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_status_code_raises_its_subclass(code):
    cls, builtin = CODES[code]
    assert issubclass(cls, hone.Error) and issubclass(hone.Error, Exception)
    if builtin:
        assert issubclass(cls, builtin)
    assert cls.code == code
    with pytest.raises(cls) as info:
        hone._hone._raise_for_testing(code, "what went wrong", "conv_12", "Conv")
    e = info.value
    assert type(e) is cls
    assert (e.code, e.message, e.node_name, e.op_type) == (code, "what went wrong", "conv_12", "Conv")
    assert str(e) == "node 'conv_12' (Conv): what went wrong"
    with pytest.raises(cls) as info:
        hone._hone._raise_for_testing(code, "no node")
    assert (str(info.value), info.value.node_name, info.value.op_type) == ("no node", "", "")
    with pytest.raises(hone.InvalidArgumentError, match="no status code"):
        hone._hone._raise_for_testing("Nope", "x")


def test_runtime_errors_carry_the_node():
    model = make_model([helper.make_node("Gather", ["x", "i"], ["y"], name="pick", axis=0)],
                       [tensor("x", TensorProto.FLOAT, [4, 2]), tensor("i", TensorProto.INT64, [3])],
                       [tensor("y", TensorProto.FLOAT, [3, 2])])
    ctx = hone.compile(model).create_context()
    with pytest.raises(hone.InvalidArgumentError, match="out of range") as info:
        ctx.run({"x": np.zeros((4, 2), np.float32), "i": np.array([0, 9, 1])})
    assert (info.value.node_name, info.value.op_type) == ("pick", "Gather")
    assert str(info.value).startswith("node 'pick' (Gather): ")
    out = ctx.run({"x": np.arange(8, dtype=np.float32).reshape(4, 2), "i": np.array([3, 0, 1])})["y"]
    np.testing.assert_array_equal(out, [[6, 7], [0, 1], [2, 3]])


def test_errors_reached_from_the_api(tmp_path):
    """One real trigger per code the core returns (OutOfRange and Internal are not returned to
    Python by any call; they are covered by the translator test above)."""
    with pytest.raises(hone.InvalidArgumentError):
        hone.compile(linear_relu_model()[0]).create_context().run([np.zeros((2, 8), np.float64)])
    with pytest.raises(hone.InvalidModelError):
        hone.Network.from_bytes(b"\x08\x01garbage")
    with pytest.raises(hone.UnsupportedError):
        hone.compile(linear_relu_model()[0], precision="fp16")
    with pytest.raises(hone.NotFoundError):
        hone.Engine.load(tmp_path / "none.hone")
    with pytest.raises(hone.IoError):
        hone.compile(linear_relu_model()[0]).save(tmp_path / "missing_dir" / "e.hone")


def test_errors_are_catchable_as_builtins(tmp_path):
    with pytest.raises(ValueError):
        hone.BuilderConfig(threads=-1)
    with pytest.raises(LookupError):
        hone.vision.read_image(tmp_path / "none.jpg")
    with pytest.raises(OSError):
        hone.compile(linear_relu_model()[0]).save(tmp_path / "missing_dir" / "e.hone")
    with pytest.raises(hone.Error):
        hone.Network.from_bytes(b"junk")


def test_non_utf8_messages_do_not_break_the_translation(tmp_path):
    name = "caf\udce9.onnx"  # a file name that is not UTF-8 on disk (surrogateescape)
    with pytest.raises(hone.NotFoundError) as info:
        hone.Network.from_file(str(tmp_path / name))
    assert "caf" in str(info.value)
