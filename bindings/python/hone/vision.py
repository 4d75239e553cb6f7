"""hone.vision: YOLO (v8, 11, v5) detect / segment / pose / classify on images.

    from hone import vision
    detector = vision.Detector("yolov8n.onnx", conf=0.25)
    prediction = detector.predict("bus.jpg")       # a path, encoded bytes, or an HxWx3 uint8 BGR array
    for d in prediction.detections:
        print(d.label, d.score, d.box)
    image = vision.read_image("bus.jpg")
    vision.draw(image, prediction)
    vision.write_image("bus_annotated.jpg", image)

Images are numpy arrays of shape (height, width, 3), dtype uint8, in BGR order (as OpenCV's);
pass rgb=True where a function takes an RGB array.
"""

from ._hone import vision as _vision

Classification = _vision.Classification
Classifier = _vision.Classifier
Detection = _vision.Detection
Detector = _vision.Detector
PoseEstimator = _vision.PoseEstimator
Prediction = _vision.Prediction
Predictor = _vision.Predictor
Segmenter = _vision.Segmenter
decode_image = _vision.decode_image
draw = _vision.draw
mask_to_rle = _vision.mask_to_rle
preprocess = _vision.preprocess
read_image = _vision.read_image
write_image = _vision.write_image

__all__ = [
    "Classification", "Classifier", "Detection", "Detector", "PoseEstimator", "Prediction", "Predictor",
    "Segmenter", "decode_image", "draw", "mask_to_rle", "preprocess", "read_image", "write_image",
]
