"""Context.run_async and hone.RunFuture."""

import gc
import threading

import numpy as np
import pytest

import hone
from conftest import heavy_model, linear_relu_reference, rng

SEED = 777


@pytest.fixture(scope="module")
def heavy_engine():
    return hone.compile(heavy_model(), threads=1)


def test_run_async_matches_run(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = rng(SEED).standard_normal((2, 8)).astype(np.float32)
    future = ctx.run_async({"x": x})
    assert isinstance(future, hone.RunFuture)
    out = future.result()
    assert future.done() and future.wait() and future.wait(0)
    np.testing.assert_allclose(out["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    assert future.result() is out, "the result is converted once"
    assert ctx.bindings["x"] is x, "run_async's inputs stay bound"
    sync = ctx.run()["y"]
    assert sync.tobytes() == out["y"].tobytes()


def test_queued_runs_complete_in_order_with_their_own_outputs(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = np.zeros((2, 8), np.float32)
    ctx.bind("x", x)
    futures = [ctx.run_async() for _ in range(8)]
    ctx.wait()
    assert all(f.done() for f in futures)
    results = [f.result()["y"] for f in futures]
    for r in results:
        np.testing.assert_allclose(r, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)
    assert len({id(r) for r in results}) == len(results), "each run returns its own arrays"


def test_async_into_a_bound_output(linear_engine):
    engine, w, b = linear_engine
    ctx = engine.create_context()
    x = rng(SEED + 1).standard_normal((2, 8)).astype(np.float32)
    y = np.zeros((2, 4), np.float32)
    ctx.bind("y", y)
    out = ctx.run_async([x]).result()
    assert out["y"] is y
    np.testing.assert_allclose(y, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)


def test_async_errors_surface_in_result(linear_engine):
    engine, _, _ = linear_engine
    ctx = engine.create_context()
    future = ctx.run_async()  # nothing bound
    with pytest.raises(hone.InvalidArgumentError, match="not bound"):
        future.result()
    with pytest.raises(hone.InvalidArgumentError, match="astype"):
        ctx.run_async([np.zeros((2, 8), np.float64)])
    with pytest.raises(hone.InvalidArgumentError, match="shape"):
        ctx.run_async([np.zeros((3, 8), np.float32)])
    with pytest.raises(hone.InvalidArgumentError, match="timeout"):
        future.wait(-1)
    ctx.run([np.zeros((2, 8), np.float32)])  # still usable


def test_calls_that_would_race_a_queued_run_are_refused(heavy_engine):
    ctx = heavy_engine.create_context()
    x = rng(SEED + 2).standard_normal((512, 512)).astype(np.float32)
    ctx.bind("x", x)
    futures = [ctx.run_async() for _ in range(3)]
    refused = 0
    for call in (lambda: ctx.run(), lambda: ctx.bind("x", x), lambda: ctx.set_input_shape("x", (512, 512)),
                 lambda: ctx.set_threads(1), lambda: ctx.run_async([x]), lambda: setattr(ctx, "profiler", None)):
        if futures[-1].done():
            break
        try:
            call()
        except hone.InvalidArgumentError as e:
            assert "in flight" in str(e)
            refused += 1
            continue
        # Allowed only because the last run finished between the check above and the call.
        assert futures[-1].done(), "a call was allowed while runs were in flight"
        break
    assert refused > 0, "the runs finished before any call could be refused"
    ctx.wait()
    want = ctx.run()["y"]
    for f in futures:
        assert f.result()["y"].tobytes() == want.tobytes()


def test_result_timeout(heavy_engine):
    ctx = heavy_engine.create_context()
    ctx.bind("x", np.ones((512, 512), np.float32))
    futures = [ctx.run_async() for _ in range(4)]
    assert isinstance(futures[-1].wait(0), bool)
    try:
        futures[-1].result(timeout=0)  # four ~tens-of-ms runs are rarely all done at once
        assert futures[-1].done()
    except TimeoutError:
        pass
    assert futures[-1].result(timeout=60)["y"].shape == (512, 512)


def test_future_keeps_its_context_alive(linear_engine):
    engine, w, b = linear_engine
    x = rng(SEED + 3).standard_normal((2, 8)).astype(np.float32)
    future = engine.create_context().run_async([x.copy()])
    gc.collect()
    np.testing.assert_allclose(future.result()["y"], linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6)


def test_close_and_destroy_wait_for_queued_runs(heavy_engine):
    ctx = heavy_engine.create_context()
    ctx.bind("x", np.ones((512, 512), np.float32))
    futures = [ctx.run_async() for _ in range(3)]
    ctx.close()
    assert all(f.done() for f in futures)
    for f in futures:
        assert f.result()["y"].shape == (512, 512)
    for _ in range(5):
        c = heavy_engine.create_context()
        c.bind("x", np.ones((512, 512), np.float32))
        c.run_async()
        del c  # the destructor waits for the worker
    gc.collect()


def test_async_runs_from_several_threads_on_their_own_contexts(linear_engine):
    engine, w, b = linear_engine
    errors = []

    def work(seed):
        try:
            ctx = engine.create_context()
            for i in range(50):
                x = rng(seed + i).standard_normal((2, 8)).astype(np.float32)
                out = ctx.run_async([x]).result()["y"]
                np.testing.assert_allclose(out, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6,
                                           err_msg=f"seed {seed + i}")
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(SEED + 100 * t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
