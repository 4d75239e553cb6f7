// Yolov8.cs: YOLOv8 from C# through Hone's bindings (Hone.dll over libhone_c.so), the console
// counterpart of the OpenVinoSharp seed's WinForms demo: one of the four tasks on an image,
// the results printed and drawn onto the image, which is saved.
//
//   mono Yolov8.exe TASK MODEL IMAGE [OUT]
//     TASK   detect | segment | pose | classify (the model must be of that task)
//     MODEL  an Ultralytics ONNX export (built for this machine on the spot; with a cache
//            folder the build is kept, see Hone.Core) or an engine file from `hone build`
//     OUT    the annotated image (default: annotated.jpg)
//   e.g. mono build/bindings/csharp/Yolov8.exe detect yolov8n.onnx bus.jpg bus_annotated.jpg
using System;
using Hone;
using Hone.Vision;

public static class Yolov8
{
    public static int Main(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: Yolov8.exe detect|segment|pose|classify MODEL IMAGE [OUT]");
            return 2;
        }
        string task = args[0], model = args[1], imagePath = args[2];
        string output = args.Length > 3 ? args[3] : "annotated.jpg";
        try
        {
            // Ultralytics' defaults: confidence 0.25, IoU 0.7, up to 300 detections, top 5 classes.
            var options = new YoloOptions { Conf = 0.25f, Iou = 0.7f };
            using (Yolo yolo = Open(task, model, options))
            {
                Image image = Image.Read(imagePath);  // BGR pixels
                // Letterbox (centered square crop for classify), inference, decoding, NMS, and
                // the results mapped back onto the image: one call.
                using (Prediction p = yolo.Predict(image))
                {
                    Console.WriteLine("{0}: {1}x{2}, {3:0.0} ms preprocess, {4:0.0} ms inference, {5:0.0} ms postprocess",
                                      imagePath, p.ImageWidth, p.ImageHeight, p.Speed.PreprocessMs, p.Speed.InferenceMs, p.Speed.PostprocessMs);
                    foreach (Detection d in p.Detections)
                    {
                        string extra = d.Mask != null ? string.Format("  mask {0}x{1}", d.Mask.Width, d.Mask.Height)
                                     : d.Keypoints.Length > 0 ? string.Format("  {0} keypoints", d.Keypoints.Length) : "";
                        Console.WriteLine("  {0,-12} {1:0.00}  [{2:0}, {3:0}, {4:0}, {5:0}]{6}",
                                          d.Label, d.Score, d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2, extra);
                    }
                    foreach (Classification c in p.Classes) Console.WriteLine("  {0,-12} {1:0.000}", c.Label, c.Score);

                    // Boxes and labels, masks, skeletons or the top classes, drawn in place.
                    p.Draw(image);
                    image.Save(output);
                    Console.WriteLine("saved {0}", output);
                }
            }
            return 0;
        }
        catch (HoneException e)
        {
            Console.Error.WriteLine("{0}: {1}", e.Status, e.Message);
            return 1;
        }
    }

    // The task-typed predictors refuse a model of another task (HoneException).
    private static Yolo Open(string task, string model, YoloOptions options)
    {
        switch (task)
        {
            case "detect": return new YoloDetector(model, options);
            case "segment": return new YoloSegmenter(model, options);
            case "pose": return new YoloPose(model, options);
            case "classify": return new YoloClassifier(model, options);
            default: throw new HoneException(Status.InvalidArgument, "unknown task '" + task + "' (detect, segment, pose, classify)");
        }
    }
}
