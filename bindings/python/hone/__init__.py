"""Hone: an optimizing deep-learning inference engine, from Python.

The C++ API in snake_case (docs/python.md):

    import hone, numpy as np
    engine = hone.compile("model.onnx")                 # Network + BuilderConfig + Builder
    ctx = engine.create_context()
    out = ctx.run({"x": np.ones((1, 3), np.float32)})   # {output name: numpy array}

Errors are ``hone.Error`` subclasses, one per status code (InvalidArgumentError, NotFoundError,
UnsupportedError, IoError, InvalidModelError, OutOfRangeError, InternalError), carrying the
message. ``hone.vision`` has the YOLO predictors.
"""

import atexit as _atexit

from ._hone import (  # noqa: F401  (re-exported)
    __version__,
    Builder,
    BuilderConfig,
    Context,
    Engine,
    Error,
    InternalError,
    InvalidArgumentError,
    InvalidModelError,
    IoError,
    LayerTimeProfiler,
    Network,
    NotFoundError,
    OutOfRangeError,
    Profiler,
    RunFuture,
    TensorDesc,
    UnsupportedError,
    _wait_all,
    dtype_name,
)
from . import vision  # noqa: F401,E402

__all__ = [
    "Builder", "BuilderConfig", "Context", "Engine", "Error", "InternalError", "InvalidArgumentError",
    "InvalidModelError", "IoError", "LayerTimeProfiler", "Network", "NotFoundError", "OutOfRangeError",
    "Profiler", "RunFuture", "TensorDesc", "UnsupportedError", "compile", "dtype_name", "vision",
]


def compile(model, precision="fp32", **options):  # noqa: A001  (mirrors the one-liner of the issue)
    """Builds an engine for this machine from an ONNX model in one call.

    ``model`` is a path (str or os.PathLike) or the model's bytes. ``precision`` is "fp32" (the
    only one the builder supports so far: "fp16", "bf16" and "int8" raise UnsupportedError with
    the builder's message) or a list of them. Other keywords are BuilderConfig options, e.g.
    ``threads=2, input_shapes={"x": (1, 3, 224, 224)}, timing_cache="cache.json"``; an unknown
    one raises InvalidArgumentError.
    """
    config = BuilderConfig(**options)
    config.precisions = [precision] if isinstance(precision, str) else list(precision)
    if isinstance(model, (bytes, bytearray, memoryview)):
        network = Network.from_bytes(model)
    else:
        network = Network.from_file(model)
    try:
        return Builder().build(network, config)
    finally:
        network.close()


# Queued runs must not call into Python (a profiler) while the interpreter finalizes.
_atexit.register(_wait_all)
