// VisionTests.cs: Hone.Vision: images, preprocessing into a context input, and the Yolo
// predictors of every task on the tiny models, compared bit for bit with the C++ API's
// predictions (c_api_vision_reference); errors and disposal.
using System;
using System.IO;
using Hone.Vision;

namespace Hone.Tests
{
    public class VisionTests
    {
        private static YoloOptions TwoThreads(YoloTask task = YoloTask.Auto) => new YoloOptions { Threads = 2, Task = task };

        [Test]
        public void ImagesReadDecodeSave()
        {
            Image image = Image.Read(Env.Model("image.png"));
            Assert.True(Helpers.IsTestPattern(image), "image.png's pattern");
            Assert.Equal(PixelFormat.Bgr, image.Format, "BGR");
            Assert.True(Helpers.IsTestPattern(Image.Decode(File.ReadAllBytes(Env.Model("image.png")))), "decoded pattern");
            string path = Env.Work("cs_written.png");
            image.Save(path);
            Assert.True(Helpers.IsTestPattern(Image.Read(path)), "written and read back");
            // RGB images keep their colors when saved.
            byte[] rgb = (byte[])image.Pixels.Clone();
            for (int i = 0; i < rgb.Length; i += 3) { byte b = rgb[i]; rgb[i] = rgb[i + 2]; rgb[i + 2] = b; }
            new Image(rgb, 96, 64, PixelFormat.Rgb).Save(path);
            Assert.True(Helpers.IsTestPattern(Image.Read(path)), "RGB written and read back as BGR");

            Assert.Fails(Status.NotFound, "no_such.png", () => Image.Read(Env.Work("no_such.png")), "missing file");
            Assert.Fails(Status.IoError, "directory", () => Image.Read(Env.WorkDir), "a folder");
            Assert.Fails(Status.InvalidArgument, "not an image", () => Image.Read(Env.Model("echo.onnx")), "not an image file");
            Assert.Fails(Status.InvalidArgument, "not an image (5 bytes)", () => Image.Decode(new byte[] { 1, 2, 3, 4, 5 }), "corrupt bytes");
            byte[] truncated = File.ReadAllBytes(Env.Model("image.png"));
            Array.Resize(ref truncated, 40);
            Assert.Fails(Status.InvalidArgument, "not an image", () => Image.Decode(truncated), "a truncated PNG");
            Assert.Fails(Status.InvalidArgument, "'size' is 0", () => Image.Decode(new byte[0]), "no bytes");
            Assert.Fails(Status.InvalidArgument, "unknown image extension", () => image.Save(Env.Work("x.gif")), "unknown extension");
            Assert.Fails(Status.IoError, null, () => image.Save(Env.Work("no_such_dir/x.png")), "unwritable path");
            Assert.Throws<ArgumentException>(() => new Image(new byte[10], 2, 2), "too few pixels");
            Assert.Throws<ArgumentNullException>(() => Image.Read(null), "null path");
        }

        [Test]
        public void OptionDefaultsMatchTheCLibrary()
        {
            // Also checks the struct layouts: a shifted field would show as a wrong default.
            PreprocessOptions c = PreprocessOptions.FromNativeDefaults(), cs = new PreprocessOptions();
            Assert.Equal(cs.Mode, c.Mode, "mode");
            Assert.Equal(cs.Normalization, c.Normalization, "normalization");
            Assert.SequenceEqual(cs.Mean, c.Mean, "mean");
            Assert.SequenceEqual(cs.Std, c.Std, "std");
            Assert.Equal(cs.ToRgb, c.ToRgb, "to_rgb");
            Assert.Equal(cs.Layout, c.Layout, "layout");
            Assert.Equal(cs.Width, c.Width, "width");
            Assert.Equal(cs.PadValue, c.PadValue, "pad_value");
            Assert.Equal(cs.Center, c.Center, "center");
            Assert.Equal(cs.ScaleUp, c.ScaleUp, "scale_up");
            YoloOptions yc = YoloOptions.FromNativeDefaults(), ycs = new YoloOptions();
            Assert.Equal(ycs.Task, yc.Task, "task");
            Assert.Equal(ycs.Conf, yc.Conf, "conf");
            Assert.Equal(ycs.Iou, yc.Iou, "iou");
            Assert.Equal(ycs.MaxDet, yc.MaxDet, "max_det");
            Assert.Equal(ycs.Agnostic, yc.Agnostic, "agnostic");
            Assert.Equal(ycs.TopK, yc.TopK, "top_k");
            Assert.Equal(ycs.ImgSize, yc.ImgSize, "imgsz");
            Assert.Equal(ycs.Threads, yc.Threads, "threads");
        }

        [Test]
        public void ImagesIntoContextInputs()
        {
            using (Engine echo = Helpers.Build("echo.onnx"))
            using (Engine nhwc = Helpers.Build("echo_nhwc.onnx"))
            using (Engine dyn = Helpers.Build("echo_dyn.onnx"))
            using (Context c = echo.CreateContext())
            {
                // Letterbox 96x64 -> 12x8: the same aspect, so scale 1/8 and no padding.
                ImageTransform t = c.SetInputImageFile("images", Env.Model("image.png"));
                Assert.Equal(96, t.SourceWidth, "source width");
                Assert.Equal(12, t.InputWidth, "input width");
                Assert.Equal(0.125f, t.ScaleX, "scale");
                Assert.Equal(0f, t.PadX, "pad");
                Assert.Equal(48f, t.ToSourceX(6f), "ToSourceX");
                c.Run();
                float[] fromFile = c.GetOutputFloat("out");
                c.SetInputImage("images", File.ReadAllBytes(Env.Model("image.png")));
                c.Run();
                Assert.SequenceEqual(fromFile, c.GetOutputFloat("out"), "file and bytes give the same input");
                // Stretch without normalization: pixel values (x2 by the echo model), RGB.
                var raw = new PreprocessOptions { Mode = ResizeMode.Stretch, Normalization = Normalization.None };
                Image image = Image.Read(Env.Model("image.png"));
                using (Engine full = new Core { Threads = 1 }.CompileModel(Env.Model("echo_dyn.onnx")))
                using (Context fc = full.CreateContext())
                {
                    raw.Width = 96;
                    raw.Height = 64;
                    fc.SetInputImageFile("images", Env.Model("image.png"), raw);
                    fc.Run();
                    float[] o = fc.GetOutputFloat("out");
                    Assert.SequenceEqual(new long[] { 1, 3, 64, 96 }, fc.GetOutputShape("out"), "dynamic size from the options");
                    for (int i = 0; i < 96 * 64; i += 97)
                    {
                        Assert.Equal(2f * image.Pixels[i * 3 + 2], o[i], "R at " + i);
                        Assert.Equal(2f * image.Pixels[i * 3], o[2 * 96 * 64 + i], "B at " + i);
                    }
                    raw.ToRgb = false;
                    fc.SetInputImageFile("images", Env.Model("image.png"), raw);
                    fc.Run();
                    Assert.Equal(2f * image.Pixels[0], fc.GetOutputFloat("out")[0], "BGR order");
                    raw.Normalization = Normalization.MeanStd;
                    raw.Mean = new float[] { 10, 20, 30 };
                    raw.Std = new float[] { 2, 4, 8 };
                    fc.SetInputImageFile("images", Env.Model("image.png"), raw);
                    fc.Run();
                    Assert.Near(2.0 * (image.Pixels[0] - 10) / 2, fc.GetOutputFloat("out")[0], 1e-5, "mean/std");
                }
                using (Context nc = nhwc.CreateContext())
                {
                    nc.SetInputImageFile("images", Env.Model("image.png"), new PreprocessOptions { Layout = TensorLayout.Nhwc });
                    nc.Run();
                    Assert.Equal(12 * 8 * 3, nc.GetOutputFloat("out").Length, "NHWC");
                }
                using (Context dc = dyn.CreateContext())
                {
                    Assert.Fails(Status.InvalidArgument, "set options->height", () => dc.SetInputImageFile("images", Env.Model("image.png")), "dynamic size without options");
                }
                Assert.Fails(Status.InvalidArgument, "not an image (3 bytes)", () => c.SetInputImage("images", new byte[] { 1, 2, 3 }), "corrupt bytes");
                Assert.Fails(Status.NotFound, "no_such.jpg", () => c.SetInputImageFile("images", Env.Work("no_such.jpg")), "missing file");
                Assert.Fails(Status.NotFound, "'nope'", () => c.SetInputImageFile("nope", Env.Model("image.png")), "unknown input");
                Assert.Fails(Status.InvalidArgument, "pad_value 300", () => c.SetInputImageFile("images", Env.Model("image.png"), new PreprocessOptions { PadValue = 300 }), "pad 300");
                Assert.Fails(Status.InvalidArgument, "std non-zero", () => c.SetInputImageFile("images", Env.Model("image.png"),
                    new PreprocessOptions { Normalization = Normalization.MeanStd, Std = new float[] { 1, 0, 1 } }), "zero std");
                Assert.Fails(Status.InvalidArgument, "[1,H,W,3] (NHWC)", () => c.SetInputImageFile("images", Env.Model("image.png"), new PreprocessOptions { Layout = TensorLayout.Nhwc }), "NHWC into NCHW");
                Assert.Fails(Status.InvalidArgument, "options->width is 50", () => c.SetInputImageFile("images", Env.Model("image.png"), new PreprocessOptions { Width = 50 }), "a width the input does not have");
                Assert.Throws<ArgumentException>(() => c.SetInputImageFile("images", Env.Model("image.png"), new PreprocessOptions { Mean = new float[2] }), "two means");
                Assert.Throws<ArgumentNullException>(() => c.SetInputImage("images", null), "null bytes");
            }
            using (Engine multi = Helpers.BuildMulti())
            using (Context m = multi.CreateContext())
            {
                Assert.Fails(Status.InvalidArgument, "an image input is", () => m.SetInputImageFile("x", Env.Model("image.png")), "a rank-2 input");
                Assert.Fails(Status.InvalidArgument, "element type int64", () => m.SetInputImageFile("offset", Env.Model("image.png")), "an int64 input");
            }
        }

        [Test]
        public void EveryTaskMatchesTheCppApi()
        {
            string image = Env.Model("image.png");
            byte[] encoded = File.ReadAllBytes(image);
            Image pixels = Image.Read(image);
            using (var detector = new YoloDetector(Env.Ref("det.hone"), TwoThreads()))
            using (var segmenter = new YoloSegmenter(Env.Ref("seg.hone"), TwoThreads()))
            using (var pose = new YoloPose(Env.Ref("pose.hone"), TwoThreads()))
            using (var classifier = new YoloClassifier(Env.Ref("cls.hone"), TwoThreads()))
            {
                Assert.Equal(YoloTask.Detect, detector.Task, "detector task");
                Assert.SequenceEqual(new[] { "thing0", "thing1" }, detector.Names, "detector names");
                Assert.Equal(64, detector.InputWidth, "input width");
                Assert.Equal(YoloTask.Segment, segmenter.Task, "segmenter task");
                Assert.Equal(YoloTask.Pose, pose.Task, "pose task");
                Assert.Equal(YoloTask.Classify, classifier.Task, "classifier task");
                Assert.Equal(32, classifier.InputHeight, "classifier input");
                var models = new Yolo[] { detector, segmenter, pose, classifier };
                var names = new[] { "det", "seg", "pose", "cls" };
                for (int m = 0; m < models.Length; ++m)
                {
                    using (Prediction p = models[m].Predict(image))
                    {
                        Helpers.ExpectReference(p, names[m], "file");
                        Check(p, models[m]);
                    }
                    using (Prediction p = models[m].Predict(encoded)) Helpers.ExpectReference(p, names[m], "bytes");
                    using (Prediction p = models[m].Predict(pixels)) Helpers.ExpectReference(p, names[m], "Image");
                    byte[] rgb = (byte[])pixels.Pixels.Clone();
                    for (int i = 0; i < rgb.Length; i += 3) { byte b = rgb[i]; rgb[i] = rgb[i + 2]; rgb[i + 2] = b; }
                    using (Prediction p = models[m].Predict(rgb, 96, 64, PixelFormat.Rgb)) Helpers.ExpectReference(p, names[m], "RGB pixels");
                    var strided = new byte[(96 * 3 + 4) * 64];
                    for (int y = 0; y < 64; ++y) Array.Copy(pixels.Pixels, y * 96 * 3, strided, y * (96 * 3 + 4), 96 * 3);
                    using (Prediction p = models[m].Predict(strided, 96, 64, PixelFormat.Bgr, 96 * 3 + 4)) Helpers.ExpectReference(p, names[m], "strided pixels");
                }
            }
            // Auto takes the model's task.
            using (var yolo = new Yolo(Env.Ref("pose.hone"), TwoThreads()))
            using (Prediction p = yolo.Predict(image))
            {
                Assert.Equal(YoloTask.Pose, yolo.Task, "auto task");
                Helpers.ExpectReference(p, "pose", "Yolo with Auto");
            }
        }

        [Test]
        public void DrawAndSave()
        {
            using (var seg = new YoloSegmenter(Env.Ref("seg.hone"), TwoThreads()))
            {
                Image image = Image.Read(Env.Model("image.png"));
                Image canvas = image.Clone();
                Prediction p = seg.Predict(image);
                p.Draw(canvas);
                int changed = 0;
                for (int i = 0; i < canvas.Pixels.Length; ++i) changed += canvas.Pixels[i] != image.Pixels[i] ? 1 : 0;
                Assert.True(changed > 0, "drawing changes pixels");
                canvas.Save(Env.Work("cs_seg_annotated.png"));
                Assert.Fails(Status.InvalidArgument, "prediction was made on a 96x64 image", () => p.Draw(new Image(new byte[90 * 64 * 3], 90, 64)), "another size");
                Assert.Fails(Status.InvalidArgument, "'byte_size'", () => p.Draw(new byte[100], 96, 64), "too few bytes");
                Assert.Throws<ArgumentNullException>(() => p.Draw(null), "null image");
                p.Dispose();
                Assert.Throws<ObjectDisposedException>(() => p.Draw(canvas), "Draw after Dispose");
                Assert.True(p.Detections.Count > 0 && p.Detections[0].Mask != null, "the data stays readable");
                Assert.True(p.ToString().StartsWith("segment 96x64:"), "ToString: " + p);
            }
        }

        [Test]
        public void YoloFromAnEngine()
        {
            Engine engine = new Core().ReadEngine(Env.Ref("det.hone"));
            var yolo = new YoloDetector(engine, TwoThreads());
            engine.Dispose();
            using (yolo)
            using (Prediction p = yolo.Predict(Env.Model("image.png")))
            {
                Helpers.ExpectReference(p, "det", "a detector over an Engine");
            }
            Assert.Throws<ObjectDisposedException>(() => new YoloDetector(engine), "a disposed engine");
        }

        [Test]
        public void Errors()
        {
            Assert.Fails(Status.InvalidArgument, "cannot run as task 'classify'", () => new YoloClassifier(Env.Ref("det.hone")), "a detector as classifier");
            Assert.Fails(Status.InvalidArgument, "cannot run as task 'detect'", () => new YoloDetector(Env.Model("seg.onnx")), "a segmenter as detector");
            Assert.Fails(Status.InvalidArgument, "cannot run as task 'pose'", () => new YoloPose(Env.Ref("cls.hone")), "a classifier as pose");
            Assert.Fails(Status.InvalidArgument, "cannot run as task 'segment'", () => new YoloSegmenter(Env.Ref("pose.hone")), "pose as segmenter");
            Assert.Fails(Status.NotFound, "no_such.onnx", () => new Yolo(Env.Work("no_such.onnx")), "missing model");
            Assert.Fails(Status.InvalidArgument, "YOLO", () => new Yolo(Env.Model("multi.onnx")), "not a YOLO model");
            Assert.Fails(Status.InvalidModel, null, () => new Yolo(Env.Model("image.png")), "not an engine");
            Assert.Fails(Status.InvalidArgument, "options->conf", () => new Yolo(Env.Ref("det.hone"), new YoloOptions { Conf = 2 }), "conf 2");
            Assert.Fails(Status.InvalidArgument, "options->max_det", () => new Yolo(Env.Ref("det.hone"), new YoloOptions { MaxDet = 0 }), "max_det 0");
            Assert.Throws<ArgumentNullException>(() => new Yolo((string)null), "null path");
            Yolo yolo = new YoloDetector(Env.Ref("det.hone"), TwoThreads());
            using (yolo)
            {
                Assert.Fails(Status.InvalidArgument, "not an image (4 bytes)", () => yolo.Predict(new byte[] { 9, 9, 9, 9 }), "corrupt bytes");
                Assert.Fails(Status.NotFound, "no_such.jpg", () => yolo.Predict(Env.Work("no_such.jpg")), "missing image");
                Assert.Fails(Status.InvalidArgument, "'byte_size' is 100", () => yolo.Predict(new byte[100], 96, 64), "too few pixels");
                Assert.Fails(Status.InvalidArgument, "'stride'", () => yolo.Predict(new byte[96 * 64 * 3], 96, 64, PixelFormat.Bgr, 10), "short stride");
                Assert.Fails(Status.InvalidArgument, "0x64", () => yolo.Predict(new byte[96 * 64 * 3], 0, 64), "zero width");
                Assert.Throws<ArgumentOutOfRangeException>(() => yolo.Predict(new byte[96 * 64 * 3], 96, 64, PixelFormat.Bgr, -1), "negative stride");
                Assert.Throws<ArgumentNullException>(() => yolo.Predict((Image)null), "null image");
                using (Prediction p = yolo.Predict(new byte[4 * 4 * 3], 4, 4)) Assert.Equal(4, p.ImageWidth, "a tiny black image");
                // Fewer detections with max_det 1, more with conf 0.
            }
            Assert.Throws<ObjectDisposedException>(() => yolo.Predict(Env.Model("image.png")), "Predict after Dispose");
            using (var one = new YoloDetector(Env.Ref("det.hone"), new YoloOptions { MaxDet = 1, Threads = 2 }))
            using (Prediction p = one.Predict(Env.Model("image.png")))
            {
                Assert.Equal(1, p.Detections.Count, "max_det 1");
            }
        }

        [Test]
        public void Yolov8nOnBusMatchesTheCppApi()
        {
            string bus = Env.Shared("images/bus.jpg");
            if (!File.Exists(Env.Ref("yolov8n.predict.txt"))) throw new SkipException("no yolov8n reference");
            using (var yolo = new YoloDetector(Env.Ref("yolov8n.hone"), TwoThreads()))
            using (Prediction p = yolo.Predict(bus))
            {
                Assert.Equal(810, p.ImageWidth, "bus.jpg width");
                Helpers.ExpectReference(p, "yolov8n", "bus.jpg");
                Image image = Image.Read(bus);
                p.Draw(image);
                image.Save(Env.Work("cs_bus_annotated.jpg"));
            }
        }

        private static void Check(Prediction p, Yolo model)
        {
            Assert.Equal(96, p.ImageWidth, "image width");
            Assert.Equal(64, p.ImageHeight, "image height");
            Assert.True(p.Speed.InferenceMs > 0, "inference time");
            if (p.Task == YoloTask.Classify)
            {
                Assert.Equal(5, p.Classes.Count, "top 5");
                Assert.Equal(0, p.Detections.Count, "no detections");
                return;
            }
            Assert.True(p.Detections.Count > 0, "detections");
            foreach (Detection d in p.Detections)
            {
                Assert.Equal(model.Names[d.ClassId], d.Label, "label");
                Assert.True(d.Score >= 0.25f && d.Score <= 1f, "score in [conf, 1]: " + d.Score);
                Assert.True(d.Box.X1 >= 0 && d.Box.Width >= 0 && d.Box.X2 <= 96 && d.Box.Y2 <= 64, "box in the image: " + d.Box);
                Assert.Equal(p.Task == YoloTask.Pose ? 17 : 0, d.Keypoints.Length, "keypoints");
                Assert.Equal(p.Task == YoloTask.Segment, d.Mask != null, "mask");
                if (d.Mask != null) Assert.True(d.Mask.Contains(d.Mask.X, d.Mask.Y), "the positive logits fill the box");
            }
        }
    }
}
