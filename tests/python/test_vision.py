"""hone.vision: images, predictors on tiny YOLO-shaped models written here (and on the shared
YOLOv8n models when ../shared has them), drawing, preprocessing; results checked against the
C++ pipeline through `hone predict --json`."""

import json
import subprocess

import numpy as np
import pytest

import hone
from conftest import HONE_CLI, SHARED_DIR, rng, tiny_classifier, tiny_detector
from hone import vision

SEED = 99


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("vision")
    (d / "det.onnx").write_bytes(tiny_detector())
    (d / "cls.onnx").write_bytes(tiny_classifier())
    image = rng(SEED).integers(0, 256, (48, 80, 3), dtype=np.uint8)
    vision.write_image(d / "image.png", image)
    return d, image


def summary(prediction):
    return [(d.class_id, d.label, d.score, d.box) for d in prediction.detections]


def test_detector_on_a_tiny_model(models):
    d, image = models
    detector = vision.Detector(d / "det.onnx", conf=0.25)
    assert detector.task == "detect" and detector.names == ["thing0", "thing1"] and detector.imgsz == (64, 64)
    assert detector.num_classes == 2
    p = detector.predict(image)
    assert isinstance(p, vision.Prediction) and p.task == "detect"
    assert (p.image_width, p.image_height) == (80, 48)
    assert set(p.speed) == {"preprocess", "inference", "postprocess"}
    assert len(p) == len(p.detections) > 0
    scores = [det.score for det in p.detections]
    assert scores == sorted(scores, reverse=True)
    for det in p.detections:
        x1, y1, x2, y2 = det.box
        assert 0 <= x1 <= x2 <= 80 and 0 <= y1 <= y2 <= 48, det
        assert det.class_id in (0, 1) and det.label == f"thing{det.class_id}"
        assert det.score >= 0.25
        assert det.keypoints is None and det.mask is None
        assert "Detection(label='thing" in repr(det)
    assert p.boxes.shape == (len(p), 4) and p.boxes.dtype == np.float32
    np.testing.assert_array_equal(p.scores, np.array(scores, np.float32))
    np.testing.assert_array_equal(p.class_ids, [det.class_id for det in p.detections])
    assert p.classes == []
    # The same image as a path, as encoded bytes, through __call__, as RGB, via Predictor(auto).
    assert summary(detector.predict(str(d / "image.png"))) == summary(p)
    assert summary(detector.predict(d / "image.png")) == summary(p)
    assert summary(detector.predict((d / "image.png").read_bytes())) == summary(p)
    assert summary(detector(image)) == summary(p)
    assert summary(detector.predict(np.ascontiguousarray(image[:, :, ::-1]), rgb=True)) == summary(p)
    assert summary(vision.Predictor(d / "det.onnx").predict(image)) == summary(p)
    # Row-strided views are read in place, other layouts copied.
    canvas = np.zeros((48, 100, 3), np.uint8)
    canvas[:, :80] = image
    assert summary(detector.predict(canvas[:, :80])) == summary(p)
    assert summary(detector.predict(np.asfortranarray(image))) == summary(p)


def test_options_filter_the_detections(models):
    d, image = models
    everything = vision.Detector(d / "det.onnx", conf=0.0, iou=1.0, max_det=1000).predict(image)
    few = vision.Detector(d / "det.onnx", conf=0.6, max_det=3).predict(image)
    assert len(few) <= 3 and len(few) < len(everything)
    assert all(det.score >= 0.6 for det in few.detections)
    detector = vision.Detector(d / "det.onnx")
    detector.conf, detector.iou, detector.max_det = 0.6, 0.7, 3
    assert (round(detector.conf, 3), detector.max_det) == (0.6, 3)
    assert summary(detector.predict(image)) == summary(few)
    for bad in ({"conf": 1.5}, {"iou": -0.1}, {"max_det": 0}, {"imgsz": -1}, {"threads": -1}):
        with pytest.raises(hone.InvalidArgumentError):
            vision.Detector(d / "det.onnx", **bad)
    with pytest.raises(hone.InvalidArgumentError):
        detector.conf = 2.0


def test_predictor_from_an_engine(models):
    d, image = models
    engine = hone.compile(d / "det.onnx")
    p = vision.Predictor(engine).predict(image)
    assert summary(p) == summary(vision.Detector(engine).predict(image))
    assert vision.Detector(engine).engine.input_names == ["images"]


def test_classifier(models):
    d, image = models
    classifier = vision.Classifier(d / "cls.onnx")
    assert classifier.task == "classify"
    p = classifier.predict(image)
    assert p.task == "classify" and p.detections == [] and len(p.classes) == 5
    scores = [c.score for c in p.classes]
    assert scores == sorted(scores, reverse=True) and 0.99 < sum(scores) <= 1.0001
    assert {c.class_id for c in p.classes} == set(range(5))
    assert "Classification(" in repr(p.classes[0])
    with pytest.raises(hone.InvalidArgumentError):
        vision.Detector(d / "cls.onnx")
    with pytest.raises(hone.InvalidArgumentError):
        vision.Classifier(d / "det.onnx")
    with pytest.raises(hone.InvalidArgumentError):
        vision.Predictor(d / "det.onnx", task="segmentation")


def test_draw_in_place(models):
    d, image = models
    p = vision.Detector(d / "det.onnx").predict(image)
    canvas = image.copy()
    assert vision.draw(canvas, p) is canvas
    assert (canvas != image).any(), "nothing was drawn"
    strided = np.zeros((48, 100, 3), np.uint8)
    strided[:, :80] = image
    view = strided[:, :80]
    vision.draw(view, p)
    np.testing.assert_array_equal(view, canvas)
    assert (strided[:, 80:] == 0).all(), "drawing stays inside the view"
    fortran = np.asfortranarray(image)
    vision.draw(fortran, p)
    np.testing.assert_array_equal(fortran, canvas)
    plain = image.copy()
    vision.draw(plain, p, boxes=False, labels=False, masks=False, keypoints=False)
    np.testing.assert_array_equal(plain, image)
    readonly = image.copy()
    readonly.setflags(write=False)
    with pytest.raises(hone.InvalidArgumentError, match="read-only"):
        vision.draw(readonly, p)
    with pytest.raises(hone.InvalidArgumentError):
        vision.draw(image.copy(), p, mask_alpha=2)
    classes = vision.Classifier(d / "cls.onnx").predict(image)
    canvas = image.copy()
    vision.draw(canvas, classes)
    assert (canvas != image).any()


def test_images_round_trip_and_bad_images(tmp_path, models):
    _, image = models
    for name in ("a.png", "a.bmp"):
        vision.write_image(tmp_path / name, image)
        back = vision.read_image(tmp_path / name)
        assert back.dtype == np.uint8 and back.shape == image.shape and back.flags.c_contiguous
        np.testing.assert_array_equal(back, image)
        np.testing.assert_array_equal(vision.decode_image((tmp_path / name).read_bytes()), image)
    vision.write_image(tmp_path / "a.jpg", image)
    assert vision.read_image(tmp_path / "a.jpg").shape == image.shape
    vision.write_image(tmp_path / "rgb.png", np.ascontiguousarray(image[:, :, ::-1]), rgb=True)
    np.testing.assert_array_equal(vision.read_image(tmp_path / "rgb.png"), image)
    with pytest.raises(hone.NotFoundError):
        vision.read_image(tmp_path / "missing.png")
    with pytest.raises(hone.InvalidArgumentError, match="not an image"):
        vision.decode_image(b"\x89PNG not really")
    with pytest.raises(hone.InvalidArgumentError, match="unknown image extension"):
        vision.write_image(tmp_path / "a.xyz", image)
    with pytest.raises(hone.IoError):
        vision.write_image(tmp_path / "missing_dir" / "a.png", image)
    detector = vision.Detector(models[0] / "det.onnx")
    for bad, message in ((np.zeros((8, 8, 3), np.float32), "uint8"), (np.zeros((8, 8), np.uint8), "shape"),
                         (np.zeros((8, 8, 4), np.uint8), "shape"), (np.zeros((0, 8, 3), np.uint8), "empty"),
                         ([[1, 2, 3]], "bytes-like"), (None, "None"), (12, "bytes-like")):
        with pytest.raises(hone.InvalidArgumentError, match=message):
            detector.predict(bad)
    with pytest.raises(hone.InvalidArgumentError, match="not an image"):
        detector.predict(b"junk bytes")
    with pytest.raises(hone.NotFoundError):
        detector.predict(tmp_path / "missing.jpg")
    with pytest.raises(hone.InvalidArgumentError):
        vision.write_image(tmp_path / "b.png", np.zeros((4, 4), np.uint8))


def test_preprocess_matches_numpy(models):
    _, image = models
    tensor_, transform = vision.preprocess(image, width=80, height=48, mode="stretch")
    assert tensor_.shape == (1, 3, 48, 80) and tensor_.dtype == np.float32
    want = image[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255
    np.testing.assert_allclose(tensor_, want, rtol=0, atol=1e-6)
    assert transform["scale_x"] == 1 and transform["pad_x"] == 0 and transform["source_width"] == 80
    letterboxed, t = vision.preprocess(image, width=64, height=64)
    assert letterboxed.shape == (1, 3, 64, 64)
    assert t["pad_y"] > 0 and abs(t["scale_x"] - 0.8) < 1e-6
    nhwc, _ = vision.preprocess(image, width=80, height=48, mode="stretch", layout="nhwc", to_rgb=False,
                                mean=(0, 0, 0), std=(1, 1, 1))
    np.testing.assert_array_equal(nhwc[0], image.astype(np.float32))
    for bad in ({"mode": "zoom"}, {"layout": "chw"}, {"width": 0}, {"pad_value": 300}, {"std": (0, 1, 1)}):
        with pytest.raises(hone.InvalidArgumentError):
            vision.preprocess(image, **bad)


def test_mask_to_rle_without_a_mask(models):
    d, image = models
    det = vision.Detector(d / "det.onnx").predict(image).detections[0]
    assert vision.mask_to_rle(det, 80, 48) == [80 * 48]
    assert det.full_mask(80, 48).sum() == 0
    with pytest.raises(hone.InvalidArgumentError):
        vision.mask_to_rle(det, 0, 48)


def test_closed_predictor(models):
    d, image = models
    detector = vision.Detector(d / "det.onnx")
    detector.close()
    assert detector.closed
    with pytest.raises(hone.InvalidArgumentError, match="closed"):
        detector.predict(image)
    with vision.Detector(d / "det.onnx") as p:
        p.predict(image)
    assert p.closed
    with pytest.raises(hone.NotFoundError):
        vision.Detector(d / "missing.onnx")
    with pytest.raises(hone.InvalidArgumentError):
        vision.Detector(None)


def cli_predict(model, image, out_json, timing_cache, task):
    subprocess.run([HONE_CLI, "predict", str(model), str(image), "--json", str(out_json), "--timing-cache",
                    str(timing_cache), "--task", task], check=True, capture_output=True)
    results = json.loads(out_json.read_text())
    return results[0] if isinstance(results, list) else results["results"][0]


def assert_same_as_cli(prediction, cli, width, height):
    assert cli["task"] == prediction.task
    assert len(cli.get("detections", [])) == len(prediction.detections)
    assert len(cli.get("classes", [])) == len(prediction.classes)
    for got, want in zip(prediction.detections, cli.get("detections", [])):
        assert (got.class_id, got.label) == (want["class_id"], want["label"])
        assert got.score == pytest.approx(want["score"], abs=1e-6)
        assert got.box == pytest.approx(tuple(want["box"]), abs=1e-3)
        if "mask" in want:
            assert vision.mask_to_rle(got, width, height) == want["mask"]["counts"]
        if "keypoints" in want:
            np.testing.assert_allclose(got.keypoints.ravel(), np.ravel(want["keypoints"]), atol=1e-3)
    for got, want in zip(prediction.classes, cli.get("classes", [])):
        assert (got.class_id, got.label) == (want["class_id"], want["label"])
        assert got.score == pytest.approx(want["score"], abs=1e-6)


@pytest.mark.skipif(not HONE_CLI, reason="HONE_CLI (the hone tool) is not set")
def test_tiny_detector_matches_hone_predict(tmp_path, models):
    d, image = models
    detector = vision.Detector(d / "det.onnx", timing_cache=tmp_path / "tc.json")
    p = detector.predict(d / "image.png")
    cli = cli_predict(d / "det.onnx", d / "image.png", tmp_path / "out.json", tmp_path / "tc.json", "detect")
    assert_same_as_cli(p, cli, 80, 48)


SHARED_MODELS = [("yolov8n.onnx", vision.Detector, "detect"), ("yolov8n-seg.onnx", vision.Segmenter, "segment"),
                 ("yolov8n-pose.onnx", vision.PoseEstimator, "pose"), ("yolov8n-cls.onnx", vision.Classifier, "classify")]


@pytest.mark.parametrize("name, cls, task", SHARED_MODELS)
def test_shared_yolov8n_on_bus_matches_hone_predict(tmp_path, name, cls, task):
    model, image_path = SHARED_DIR / "models" / name, SHARED_DIR / "images" / "bus.jpg"
    if not model.exists() or not image_path.exists():
        pytest.skip(f"{model} or {image_path} is missing")
    predictor = cls(model, timing_cache=tmp_path / "tc.json")
    assert predictor.task == task
    image = vision.read_image(image_path)
    assert image.shape == (1080, 810, 3)
    p = predictor.predict(image)
    assert p.task == task and (p.image_width, p.image_height) == (810, 1080)
    if task == "classify":
        assert len(p.classes) == 5
    else:
        assert 0 < len(p) <= 300
        det = p.detections[0]
        if task == "segment":
            assert det.mask is not None and det.mask.dtype == np.uint8 and det.mask.ndim == 2
            assert det.full_mask(810, 1080).sum() == det.mask.sum()
        if task == "pose":
            assert det.keypoints.shape == (17, 3) and det.keypoints.dtype == np.float32
    canvas = image.copy()
    vision.draw(canvas, p)
    vision.write_image(tmp_path / "annotated.jpg", canvas)
    if HONE_CLI:
        cli = cli_predict(model, image_path, tmp_path / "out.json", tmp_path / "tc.json", task)
        assert_same_as_cli(p, cli, 810, 1080)
