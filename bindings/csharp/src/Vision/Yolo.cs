// Yolo.cs: a YOLOv8/YOLO11/YOLOv5 model with its engine, context and pre/post-processing
// (hone_predictor_t), and the task-typed YoloDetector, YoloSegmenter, YoloPose and
// YoloClassifier, which refuse a model of another task.
using System;
using System.Collections.Generic;

namespace Hone.Vision
{
    /// <summary>
    /// Runs a YOLO model on images: letterbox, inference, decoding, NMS, results mapped back
    /// onto the image, in one call. Used by one thread at a time (one per thread; built from
    /// one Engine they share its weights).
    /// </summary>
    public class Yolo : IDisposable
    {
        private readonly PredictorHandle handle_;

        /// <summary>Opens an ONNX model (built for this machine) or an engine file.</summary>
        /// <exception cref="HoneException">NotFound (no file), InvalidArgument (not a YOLO
        /// model, or one of another task than options.Task), and the build's errors.</exception>
        public Yolo(string modelPath, YoloOptions options = null)
        {
            if (modelPath == null) throw new ArgumentNullException(nameof(modelPath));
            Native.PredictorOptionsC o = (options ?? new YoloOptions()).ToNative();
            HoneException.Check(Native.hone_predictor_create(Utf8.Encode(modelPath), ref o, out handle_));
            Describe();
        }

        /// <summary>A predictor over an engine (which may be disposed afterwards).</summary>
        public Yolo(Engine engine, YoloOptions options = null)
        {
            if (engine == null) throw new ArgumentNullException(nameof(engine));
            Native.PredictorOptionsC o = (options ?? new YoloOptions()).ToNative();
            HoneException.Check(Native.hone_predictor_create_from_engine(engine.Handle, ref o, out handle_));
            Describe();
        }

        internal PredictorHandle Handle => HandleChecks.Live(handle_, GetType().Name);

        /// <summary>The model's task (never Auto).</summary>
        public YoloTask Task { get; private set; }
        public int InputWidth { get; private set; }
        public int InputHeight { get; private set; }
        /// <summary>Class labels by id (the metadata's names, else the ids as text).</summary>
        public IReadOnlyList<string> Names { get; private set; }

        /// <summary>Predicts on an image file (NotFound / IoError / InvalidArgument for the file).</summary>
        public Prediction Predict(string imagePath)
        {
            if (imagePath == null) throw new ArgumentNullException(nameof(imagePath));
            PredictionHandle p;
            HoneException.Check(Native.hone_predictor_predict_file(Handle, Utf8.Encode(imagePath), out p));
            return new Prediction(p);
        }

        /// <summary>Predicts on an encoded image (JPEG, PNG, BMP bytes).</summary>
        public Prediction Predict(byte[] encoded)
        {
            if (encoded == null) throw new ArgumentNullException(nameof(encoded));
            PredictionHandle p;
            HoneException.Check(Native.hone_predictor_predict_image(Handle, encoded, (UIntPtr)encoded.Length, out p));
            return new Prediction(p);
        }

        public Prediction Predict(Image image)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            return Predict(image.Pixels, image.Width, image.Height, image.Format);
        }

        /// <summary>Predicts on interleaved 8-bit pixels: `stride` bytes per row (0: width * 3);
        /// InvalidArgument when `pixels` is shorter than the image.</summary>
        public unsafe Prediction Predict(byte[] pixels, int width, int height, PixelFormat format = PixelFormat.Bgr, int stride = 0)
        {
            if (pixels == null) throw new ArgumentNullException(nameof(pixels));
            if (stride < 0) throw new ArgumentOutOfRangeException(nameof(stride));
            PredictionHandle p;
            fixed (byte* data = pixels)
            {
                HoneException.Check(Native.hone_predictor_predict_pixels(Handle, data, (UIntPtr)pixels.Length, width, height, (UIntPtr)stride, (int)format, out p));
            }
            return new Prediction(p);
        }

        public void Dispose() => handle_.Dispose();

        private void Describe()
        {
            int task, width, height, count;
            HoneException.Check(Native.hone_predictor_get_task(handle_, out task));
            HoneException.Check(Native.hone_predictor_get_input_size(handle_, out width, out height));
            HoneException.Check(Native.hone_predictor_get_num_classes(handle_, out count));
            var names = new List<string>(count);
            for (int i = 0; i < count; ++i)
            {
                IntPtr name;
                HoneException.Check(Native.hone_predictor_get_class_name(handle_, i, out name));
                names.Add(Utf8.Decode(name));
            }
            Task = (YoloTask)task;
            InputWidth = width;
            InputHeight = height;
            Names = names.AsReadOnly();
        }
    }

    /// <summary>A Yolo whose model must be a detector (boxes).</summary>
    public sealed class YoloDetector : Yolo
    {
        public YoloDetector(string modelPath, YoloOptions options = null) : base(modelPath, (options ?? new YoloOptions()).With(YoloTask.Detect)) { }
        public YoloDetector(Engine engine, YoloOptions options = null) : base(engine, (options ?? new YoloOptions()).With(YoloTask.Detect)) { }
    }

    /// <summary>A Yolo whose model must segment (boxes and masks).</summary>
    public sealed class YoloSegmenter : Yolo
    {
        public YoloSegmenter(string modelPath, YoloOptions options = null) : base(modelPath, (options ?? new YoloOptions()).With(YoloTask.Segment)) { }
        public YoloSegmenter(Engine engine, YoloOptions options = null) : base(engine, (options ?? new YoloOptions()).With(YoloTask.Segment)) { }
    }

    /// <summary>A Yolo whose model estimates poses (boxes and keypoints).</summary>
    public sealed class YoloPose : Yolo
    {
        public YoloPose(string modelPath, YoloOptions options = null) : base(modelPath, (options ?? new YoloOptions()).With(YoloTask.Pose)) { }
        public YoloPose(Engine engine, YoloOptions options = null) : base(engine, (options ?? new YoloOptions()).With(YoloTask.Pose)) { }
    }

    /// <summary>A Yolo whose model classifies (top-k classes).</summary>
    public sealed class YoloClassifier : Yolo
    {
        public YoloClassifier(string modelPath, YoloOptions options = null) : base(modelPath, (options ?? new YoloOptions()).With(YoloTask.Classify)) { }
        public YoloClassifier(Engine engine, YoloOptions options = null) : base(engine, (options ?? new YoloOptions()).With(YoloTask.Classify)) { }
    }
}
