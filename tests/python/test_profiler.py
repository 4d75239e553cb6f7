"""Context.profiler: Python callables, hone.Profiler subclasses, hone.LayerTimeProfiler."""

import threading

import numpy as np
import pytest

import hone
from conftest import linear_relu_model, linear_relu_reference


@pytest.fixture()
def engine_and_input():
    model, w, b = linear_relu_model()
    engine = hone.compile(model, threads=1, optimize=False)  # three layers, one per node
    return engine, np.ones((2, 8), np.float32), (w, b)


def test_callable_receives_each_layer_with_the_gil(engine_and_input):
    engine, x, (w, b) = engine_and_input
    ctx = engine.create_context()
    calls = []

    def profiler(layer_name, ms):
        # Python code that needs the GIL: allocations, numpy, a thread query.
        calls.append((layer_name, ms, threading.get_ident(), float(np.float32(ms) * 2)))

    ctx.profiler = profiler
    assert ctx.profiler is profiler
    out = ctx.run([x])
    np.testing.assert_allclose(out["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    names = [c[0] for c in calls]
    assert names == [name for name, _ in engine.layers], names
    assert all(isinstance(ms, float) and ms >= 0 for _, ms, _, _ in calls)
    assert {c[2] for c in calls} == {threading.get_ident()}, "sync runs report on the calling thread"
    calls.clear()
    ctx.run_async([x]).result()
    assert [c[0] for c in calls] == names
    assert threading.get_ident() not in {c[2] for c in calls}, "async runs report on the worker"
    ctx.profiler = None
    calls.clear()
    ctx.run([x])
    assert calls == []


def test_profiler_subclass(engine_and_input):
    engine, x, _ = engine_and_input

    class Recorder(hone.Profiler):
        def __init__(self):
            super().__init__()
            self.layers = []

        def report_layer_time(self, layer_name, ms):
            self.layers.append(layer_name)

    recorder = Recorder()
    ctx = engine.create_context()
    ctx.set_profiler(recorder)
    for _ in range(3):
        ctx.run([x])
    assert recorder.layers == [name for name, _ in engine.layers] * 3


def test_layer_time_profiler(engine_and_input):
    engine, x, _ = engine_and_input
    profiler = hone.LayerTimeProfiler()
    ctx = engine.create_context()
    ctx.profiler = profiler
    for _ in range(4):
        ctx.run([x])
    assert profiler.runs == 4
    assert [e[0] for e in profiler.entries] == [name for name, _ in engine.layers]
    assert all(count == 4 and total >= 0 for _, total, count in profiler.entries)
    assert profiler.average_total_ms >= 0
    table = profiler.table()
    assert all(name in table for name, _ in engine.layers)
    profiler.reset()
    assert profiler.entries == []


def test_profiler_exceptions_propagate_and_the_context_stays_usable(engine_and_input):
    engine, x, (w, b) = engine_and_input
    ctx = engine.create_context()
    seen = []

    def broken(layer_name, ms):
        seen.append(layer_name)
        raise ZeroDivisionError("profiler broke")

    ctx.profiler = broken
    with pytest.raises(ZeroDivisionError, match="profiler broke"):
        ctx.run([x])
    assert len(seen) == 1, "after the first error the profiler is not called again in that run"
    with pytest.raises(ZeroDivisionError):
        ctx.run_async([x]).result()
    ctx.profiler = None
    np.testing.assert_allclose(ctx.run([x])["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)

    class Incomplete(hone.Profiler):
        pass

    ctx.profiler = Incomplete()
    with pytest.raises(RuntimeError, match="pure virtual"):
        ctx.run([x])


def test_calling_the_context_from_its_own_profiler_is_refused(engine_and_input):
    engine, x, _ = engine_and_input
    ctx = engine.create_context()
    other = engine.create_context()
    results = []

    def reentrant(layer_name, ms):
        results.append(other.run([x])["y"].shape)  # another context: fine
        ctx.run([x])  # its own: refused, not a deadlock

    ctx.profiler = reentrant
    with pytest.raises(hone.InvalidArgumentError, match="own profiler"):
        ctx.run([x])
    assert results == [(2, 4)]
    for call in (ctx.close, ctx.wait, lambda: ctx.bind("x", x), lambda: setattr(ctx, "profiler", None)):
        def attempt(layer_name, ms, call=call):
            call()
        ctx.profiler = attempt
        with pytest.raises(hone.InvalidArgumentError, match="own profiler"):
            ctx.run([x])
    assert not ctx.closed


def test_bad_profilers(engine_and_input):
    engine, _, _ = engine_and_input
    ctx = engine.create_context()
    for bad in (3, "name", [1]):
        with pytest.raises(hone.InvalidArgumentError, match="profiler must be"):
            ctx.profiler = bad
