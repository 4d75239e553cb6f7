"""Threads running contexts concurrently, and the GIL released while a context runs."""

import threading
import time

import numpy as np
import pytest

import hone
from conftest import heavy_model, linear_relu_reference, rng

SEED = 4242


@pytest.fixture(scope="module")
def heavy_engine():
    return hone.compile(heavy_model(), threads=1)


def run_threads(target, count):
    errors = []

    def wrapped(index):
        try:
            target(index)
        except BaseException as e:  # noqa: BLE001  (reported by the caller)
            errors.append(e)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_threads_with_one_context_each_compute_correct_outputs(linear_engine):
    engine, w, b = linear_engine

    def work(index):
        ctx = engine.create_context()
        bound = np.empty((2, 8), np.float32)
        ctx.bind("x", bound)
        g = rng(SEED + index)
        for i in range(200):
            x = g.standard_normal((2, 8)).astype(np.float32)
            if i % 2:
                bound[...] = x
                y = ctx.run()["y"]
            else:
                y = ctx.run({"x": x})["y"]
            np.testing.assert_allclose(y, linear_relu_reference(x, w, b), rtol=1e-5, atol=1e-6,
                                       err_msg=f"thread {index}, seed {SEED + index}, run {i}")

    run_threads(work, 6)


def test_threads_sharing_one_context_are_serialized_not_corrupted(two_io_engine):
    ctx = two_io_engine.create_context()

    def work(index):
        g = rng(SEED + 50 + index)
        for i in range(200):
            a = g.standard_normal((2, 3)).astype(np.float32)
            b = g.standard_normal((2, 3)).astype(np.float32)
            out = ctx.run({"a": a, "b": b})
            np.testing.assert_allclose(out["sum"], a + b, rtol=1e-6, err_msg=f"thread {index} run {i}")
            np.testing.assert_allclose(out["prod"], a * b, rtol=1e-6, err_msg=f"thread {index} run {i}")

    run_threads(work, 4)


def test_two_threads_run_at_the_same_time(heavy_engine):
    """With the GIL held during run(), a second thread could not even read the clock while the
    first runs, so the two [start, end] intervals could not overlap."""
    x = rng(SEED + 1).standard_normal((512, 512)).astype(np.float32)
    contexts = [heavy_engine.create_context() for _ in range(2)]
    for c in contexts:
        c.run([x])  # warm up (plans the arena)
    barrier = threading.Barrier(2)
    spans = [None, None]

    def work(index):
        barrier.wait()
        start = time.perf_counter()
        contexts[index].run([x])
        spans[index] = (start, time.perf_counter())

    overlapped = False
    for _ in range(5):  # loosely: a busy machine may serialize one attempt
        run_threads(work, 2)
        (s0, e0), (s1, e1) = spans
        if max(s0, s1) < min(e0, e1):
            overlapped = True
            break
    print(f"run intervals: [{s0:.4f}, {e0:.4f}] and [{s1:.4f}, {e1:.4f}]")
    assert overlapped, f"the runs never overlapped: {spans}"


def test_python_keeps_running_while_a_context_runs(heavy_engine):
    """The main thread counts while another thread runs the engine: with the GIL released the
    longest pause between two counts is far below the run's duration."""
    x = rng(SEED + 2).standard_normal((512, 512)).astype(np.float32)
    ctx = heavy_engine.create_context()
    ctx.run([x])
    start = time.perf_counter()
    ctx.run([x])
    run_s = time.perf_counter() - start
    done = threading.Event()

    def work(_):
        for _ in range(3):
            ctx.run([x])
        done.set()

    t = threading.Thread(target=work, args=(0,))
    t.start()
    last, longest, ticks = time.perf_counter(), 0.0, 0
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        ticks += 1
    t.join()
    print(f"one run {run_s * 1e3:.1f} ms; main thread: {ticks} ticks, longest pause {longest * 1e3:.1f} ms")
    assert ticks > 100
    assert longest < 0.6 * run_s, f"the main thread stalled {longest * 1e3:.1f} ms during {run_s * 1e3:.1f} ms runs"
