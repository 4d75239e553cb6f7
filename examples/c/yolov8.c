/* yolov8.c: YOLOv8 from plain C through Hone's C API (include/hone_c.h, libhone_c.so):
 * opens a model, predicts on one image, prints what it found and saves the image with the
 * results drawn on it. The task (detect, segment, pose, classify) comes from the model.
 *
 *   yolov8 MODEL IMAGE [OUT]      e.g.  yolov8 yolov8n.onnx bus.jpg bus_annotated.jpg
 *
 * MODEL is an Ultralytics ONNX export (built for this machine on the spot) or an engine
 * file from `hone build`; OUT defaults to annotated.jpg. Built with Hone (build/examples/c/
 * yolov8); by hand:
 *   cc -std=c99 yolov8.c -Iinclude -Lbuild/bindings/c -lhone_c -Wl,-rpath,$PWD/build/bindings/c */
#include <stdio.h>

#include "hone_c.h"

/* Every hone_* call returns a status; on failure the thread's last error says why. */
#define TRY(call)                                                                   \
  do {                                                                              \
    hone_status s_ = (call);                                                        \
    if (s_ != HONE_STATUS_OK) {                                                     \
      fprintf(stderr, "%s: %s\n", hone_status_name(s_), hone_last_error_message()); \
      goto done;                                                                    \
    }                                                                               \
  } while (0)

int main(int argc, char** argv) {
  const char* out_path = argc > 3 ? argv[3] : "annotated.jpg";
  hone_predictor_options options;
  hone_predictor_t* predictor = NULL;
  hone_prediction_t* prediction = NULL;
  hone_speed speed;
  uint8_t* pixels = NULL;
  size_t count = 0, i;
  int width = 0, height = 0, rc = 1;

  if (argc < 3) {
    fprintf(stderr, "usage: yolov8 MODEL IMAGE [OUT]\n");
    return 2;
  }
  /* Ultralytics' defaults (conf 0.25, IoU 0.7, 300 detections); change what differs. */
  TRY(hone_predictor_options_init(&options));
  options.conf = 0.25f;
  TRY(hone_predictor_create(argv[1], &options, &predictor));

  /* Letterbox, run, decode, NMS, boxes mapped back onto the image: one call. */
  TRY(hone_predictor_predict_file(predictor, argv[2], &prediction));
  TRY(hone_prediction_get_image_size(prediction, &width, &height));
  TRY(hone_prediction_get_speed(prediction, &speed));
  printf("%s: %dx%d, %.1f ms preprocess, %.1f ms inference, %.1f ms postprocess\n", argv[2], width, height,
         speed.preprocess_ms, speed.inference_ms, speed.postprocess_ms);

  /* Detections (detect, segment, pose): box in image pixels, class, score, label. */
  TRY(hone_prediction_get_num_detections(prediction, &count));
  for (i = 0; i < count; ++i) {
    hone_detection d;
    TRY(hone_prediction_get_detection(prediction, i, &d));
    printf("  %-12s %.2f  [%.0f, %.0f, %.0f, %.0f]", d.label, d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2);
    if (d.has_mask) {
      hone_mask mask;
      TRY(hone_prediction_get_mask(prediction, i, &mask));
      printf("  mask %dx%d", mask.width, mask.height);
    }
    if (d.num_keypoints > 0) printf("  %d keypoints", d.num_keypoints);
    printf("\n");
  }
  /* Classification (classify): the top 5 classes. */
  TRY(hone_prediction_get_num_classifications(prediction, &count));
  for (i = 0; i < count; ++i) {
    hone_classification c;
    TRY(hone_prediction_get_classification(prediction, i, &c));
    printf("  %-12s %.3f\n", c.label, c.score);
  }

  /* Draw onto the image's pixels (BGR) and save them; the extension picks the format. */
  TRY(hone_image_read(argv[2], &pixels, &width, &height));
  TRY(hone_prediction_draw(prediction, pixels, (size_t)width * (size_t)height * 3, width, height, 0,
                           HONE_PIXEL_FORMAT_BGR));
  TRY(hone_image_write(out_path, pixels, (size_t)width * (size_t)height * 3, width, height, 0, HONE_PIXEL_FORMAT_BGR));
  printf("saved %s\n", out_path);
  rc = 0;

done:
  hone_free(pixels);
  hone_prediction_destroy(prediction);
  hone_predictor_destroy(predictor);
  return rc;
}
