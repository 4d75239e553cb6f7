"""examples/python/yolov8.py runs: on a tiny YOLO-shaped detector written here, and on the shared
YOLOv8n models with bus.jpg when ../shared has them."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from conftest import SHARED_DIR, rng, tiny_classifier, tiny_detector
from hone import vision

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "yolov8.py"


def run_example(*args):
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], capture_output=True, text=True,
                          env=dict(os.environ), check=False)


@pytest.mark.parametrize("make, task", [(tiny_detector, "detect"), (tiny_classifier, "classify")])
def test_example_on_tiny_models(tmp_path, make, task):
    (tmp_path / "model.onnx").write_bytes(make())
    image = rng(5).integers(0, 256, (60, 90, 3), dtype=np.uint8)
    vision.write_image(tmp_path / "image.png", image)
    result = run_example(tmp_path / "model.onnx", tmp_path / "image.png", "--output", tmp_path / "out.png")
    assert result.returncode == 0, result.stderr
    assert f"90x60, task {task}" in result.stdout and "Speed:" in result.stdout
    assert vision.read_image(tmp_path / "out.png").shape == (60, 90, 3)


def test_example_reports_errors(tmp_path):
    result = run_example(tmp_path / "missing.onnx", tmp_path / "missing.jpg")
    assert result.returncode != 0
    assert "no such model" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["yolov8n.onnx", "yolov8n-seg.onnx", "yolov8n-pose.onnx"])
def test_example_on_shared_models(tmp_path, name):
    model, image = SHARED_DIR / "models" / name, SHARED_DIR / "images" / "bus.jpg"
    if not model.exists() or not image.exists():
        pytest.skip(f"{model} or {image} is missing")
    result = run_example(model, image, "--output", tmp_path / "bus.jpg")
    assert result.returncode == 0, result.stderr
    assert "810x1080" in result.stdout and (tmp_path / "bus.jpg").exists()
