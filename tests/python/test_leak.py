"""No leak: 10,000 create/run/destroy cycles of a context on a tiny model keep RSS flat (read
from /proc/self/statm, printed). Other objects get shorter loops of the same kind."""

import gc
import os

import numpy as np
import pytest

import hone
from conftest import linear_relu_model, rng

PAGE = os.sysconf("SC_PAGE_SIZE")
SLACK = 4 << 20  # allocator noise: a few MiB over thousands of cycles


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def measure(label, cycles, body, capsys, warmup=None):
    for i in range(warmup if warmup is not None else max(100, cycles // 10)):
        body(i)
    gc.collect()
    before = rss_bytes()
    for i in range(cycles):
        body(i)
    gc.collect()
    after = rss_bytes()
    with capsys.disabled():
        print(f"\n{label}: {cycles} cycles, RSS {before / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB "
              f"({(after - before) / 1024:+.0f} KiB)")
    assert after - before < SLACK, f"{label}: RSS grew {(after - before) / 2**20:.1f} MiB over {cycles} cycles"


@pytest.fixture(scope="module")
def tiny():
    model, _, _ = linear_relu_model()
    return model, hone.compile(model, threads=1), rng(8).standard_normal((2, 8)).astype(np.float32)


def test_context_create_run_destroy_10000_cycles(tiny, capsys):
    _, engine, x = tiny

    def cycle(i):
        ctx = engine.create_context()
        out = ctx.run({"x": x})
        assert out["y"].shape == (2, 4)
        ctx.close()

    measure("context create/run/destroy", 10_000, cycle, capsys, warmup=1_000)


def test_bind_async_profiler_cycles(tiny, capsys):
    _, engine, x = tiny
    times = []

    def cycle(i):
        ctx = engine.create_context()
        y = np.empty((2, 4), np.float32)
        ctx.bind("x", x)
        ctx.bind("y", y)
        ctx.profiler = lambda name, ms: times.append(ms) if len(times) < 10 else None
        ctx.run()
        ctx.run_async().result()
        ctx.unbind("y")
        ctx.run_async([x]).result()
        try:
            ctx.run([np.zeros((3, 8), np.float32)])  # an error path too
        except hone.InvalidArgumentError:
            pass
        del ctx

    measure("bind/async/profiler/error", 3_000, cycle, capsys)


def test_network_build_engine_load_cycles(tiny, capsys):
    model, engine, x = tiny
    data = engine.serialize()

    def cycle(i):
        e = hone.Engine.from_bytes(data) if i % 2 else hone.compile(model, threads=1)
        e.create_context().run([x])
        try:
            hone.Network.from_bytes(b"not a model")
        except hone.InvalidModelError:
            pass

    measure("build or load + run", 600, cycle, capsys)
