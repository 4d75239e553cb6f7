#!/usr/bin/python3
"""YOLOv8 with Hone from Python: detect (or segment / pose / classify) objects in an image,
print what was found, and save the annotated image.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/yolov8.py \
        ../shared/models/yolov8n.onnx ../shared/images/bus.jpg --output bus_annotated.jpg

The model may be an ONNX file (built for this machine when opened; pass --timing-cache to make
later opens fast) or an engine file written by `hone build` / hone.Engine.save.
"""

import argparse
import collections

import hone
from hone import vision


def main():
    parser = argparse.ArgumentParser(description="Run a YOLOv8 model on an image with Hone.")
    parser.add_argument("model", help="YOLOv8 .onnx model or Hone engine file")
    parser.add_argument("image", help="image file (JPEG, PNG, BMP)")
    parser.add_argument("--conf", type=float, default=0.25, help="confidence threshold")
    parser.add_argument("--iou", type=float, default=0.7, help="NMS IoU threshold")
    parser.add_argument("--output", default="annotated.jpg", help="where to save the annotated image")
    parser.add_argument("--timing-cache", default=None, help="tactic timings file, reused by later builds")
    args = parser.parse_args()

    try:
        # A Predictor reads the task (detect, segment, pose, classify), class names and input
        # size from the model's Ultralytics metadata; vision.Detector etc. insist on one task.
        predictor = vision.Predictor(args.model, conf=args.conf, iou=args.iou, timing_cache=args.timing_cache)

        # Images are numpy arrays, height x width x 3, uint8, BGR (as OpenCV's).
        image = vision.read_image(args.image)
        prediction = predictor.predict(image)  # also takes a path or encoded bytes
    except hone.Error as e:  # every Hone failure: NotFoundError, InvalidModelError, ...
        raise SystemExit(f"yolov8.py: {e}")

    height, width = image.shape[:2]
    print(f"{args.image}: {width}x{height}, task {prediction.task}")
    if prediction.task == "classify":
        for c in prediction.classes:  # the top 5
            print(f"  {c.label:<20} {c.score:.3f}")
    else:
        counts = collections.Counter(d.label for d in prediction.detections)
        print("  " + (", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "(no detections)"))
        for d in prediction.detections[:10]:
            x1, y1, x2, y2 = d.box  # pixels of the original image
            extra = ""
            if d.mask is not None:  # segment: a uint8 mask over the box, placed at (mask_x, mask_y)
                extra = f", mask {d.mask.sum()} px"
            if d.keypoints is not None:  # pose: [17, 3] of (x, y, visibility)
                extra = f", {int((d.keypoints[:, 2] > 0.5).sum())} visible keypoints"
            print(f"  {d.label:<12} {d.score:.2f}  ({x1:.0f}, {y1:.0f}, {x2:.0f}, {y2:.0f}){extra}")
        if len(prediction.detections) > 10:
            print(f"  ... {len(prediction.detections) - 10} more")
    speed = prediction.speed
    print(f"Speed: {speed['preprocess']:.1f} ms preprocess, {speed['inference']:.1f} ms inference, "
          f"{speed['postprocess']:.1f} ms postprocess")

    vision.draw(image, prediction)  # boxes, labels, masks, skeletons, drawn in place
    vision.write_image(args.output, image)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
