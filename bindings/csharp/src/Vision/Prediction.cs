// Prediction.cs: the result of Yolo.Predict: its data copied into C# objects (Detection with
// box, class, score, label, keypoints, mask; Classification; Speed), and the native result
// (hone_prediction_t) kept for drawing until disposed.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Hone.Vision
{
    /// <summary>A box in pixels of the original image.</summary>
    public struct Box
    {
        public Box(float x1, float y1, float x2, float y2)
        {
            X1 = x1;
            Y1 = y1;
            X2 = x2;
            Y2 = y2;
        }

        public float X1 { get; }
        public float Y1 { get; }
        public float X2 { get; }
        public float Y2 { get; }
        public float Width => X2 - X1;
        public float Height => Y2 - Y1;
        public override string ToString() => "[" + X1 + ", " + Y1 + ", " + X2 + ", " + Y2 + "]";
    }

    /// <summary>A keypoint in pixels of the original image, with its visibility score 0..1.</summary>
    public struct Keypoint
    {
        public Keypoint(float x, float y, float visibility)
        {
            X = x;
            Y = y;
            Visibility = visibility;
        }

        public float X { get; }
        public float Y { get; }
        public float Visibility { get; }
    }

    /// <summary>A binary mask over a rectangle of the original image: Data[r * Width + c] is 1
    /// where pixel (X + c, Y + r) belongs to the object.</summary>
    public sealed class Mask
    {
        internal Mask(int x, int y, int width, int height, byte[] data)
        {
            X = x;
            Y = y;
            Width = width;
            Height = height;
            Data = data;
        }

        public int X { get; }
        public int Y { get; }
        public int Width { get; }
        public int Height { get; }
        public byte[] Data { get; }

        /// <summary>Whether image pixel (x, y) belongs to the object.</summary>
        public bool Contains(int x, int y) =>
            x >= X && y >= Y && x < X + Width && y < Y + Height && Data[(y - Y) * Width + (x - X)] != 0;
    }

    /// <summary>One detected object (detect, segment, pose).</summary>
    public sealed class Detection
    {
        internal Detection(Box box, int classId, float score, string label, Keypoint[] keypoints, Mask mask)
        {
            Box = box;
            ClassId = classId;
            Score = score;
            Label = label;
            Keypoints = keypoints;
            Mask = mask;
        }

        public Box Box { get; }
        public int ClassId { get; }
        public float Score { get; }
        public string Label { get; }
        /// <summary>Pose: the model's keypoints (17 for COCO); empty otherwise.</summary>
        public Keypoint[] Keypoints { get; }
        /// <summary>Segment: the object's mask (null for other tasks, and for empty masks).</summary>
        public Mask Mask { get; }

        public override string ToString() => Label + " " + Score.ToString("0.00") + " " + Box;
    }

    /// <summary>One class of a classification.</summary>
    public sealed class Classification
    {
        internal Classification(int classId, float score, string label)
        {
            ClassId = classId;
            Score = score;
            Label = label;
        }

        public int ClassId { get; }
        /// <summary>The class probability.</summary>
        public float Score { get; }
        public string Label { get; }
        public override string ToString() => Label + " " + Score.ToString("0.000");
    }

    /// <summary>Milliseconds per stage of one prediction.</summary>
    public struct Speed
    {
        internal Speed(double pre, double inference, double post)
        {
            PreprocessMs = pre;
            InferenceMs = inference;
            PostprocessMs = post;
        }

        public double PreprocessMs { get; }
        public double InferenceMs { get; }
        public double PostprocessMs { get; }
    }

    /// <summary>
    /// What Yolo.Predict found. The data is copied into C# objects at once; Dispose frees the
    /// native result (the finalizer does it otherwise), after which Draw throws
    /// ObjectDisposedException and the data stays readable.
    /// </summary>
    public sealed class Prediction : IDisposable
    {
        private readonly PredictionHandle handle_;

        internal Prediction(PredictionHandle handle)
        {
            handle_ = handle;
            int task, width, height;
            Native.SpeedC speed;
            HoneException.Check(Native.hone_prediction_get_task(handle, out task));
            HoneException.Check(Native.hone_prediction_get_image_size(handle, out width, out height));
            HoneException.Check(Native.hone_prediction_get_speed(handle, out speed));
            Task = (YoloTask)task;
            ImageWidth = width;
            ImageHeight = height;
            Speed = new Speed(speed.PreprocessMs, speed.InferenceMs, speed.PostprocessMs);
            Detections = ReadDetections(handle, Task);
            Classes = ReadClasses(handle);
        }

        public YoloTask Task { get; }
        /// <summary>The size of the image predicted on (results are in its pixels).</summary>
        public int ImageWidth { get; }
        public int ImageHeight { get; }
        public Speed Speed { get; }
        /// <summary>Detect / segment / pose: by descending score.</summary>
        public IReadOnlyList<Detection> Detections { get; }
        /// <summary>Classify: the top classes, by descending score.</summary>
        public IReadOnlyList<Classification> Classes { get; }

        /// <summary>Draws boxes, labels, masks, skeletons or the top classes onto `image` in place;
        /// it must be the image predicted on (InvalidArgument for another size).</summary>
        public void Draw(Image image)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            Draw(image.Pixels, image.Width, image.Height, image.Format);
        }

        public unsafe void Draw(byte[] pixels, int width, int height, PixelFormat format = PixelFormat.Bgr, int stride = 0)
        {
            if (pixels == null) throw new ArgumentNullException(nameof(pixels));
            if (stride < 0) throw new ArgumentOutOfRangeException(nameof(stride));
            PredictionHandle h = HandleChecks.Live(handle_, nameof(Prediction));
            fixed (byte* p = pixels)
            {
                HoneException.Check(Native.hone_prediction_draw(h, p, (UIntPtr)pixels.Length, width, height, (UIntPtr)stride, (int)format));
            }
        }

        public void Dispose() => handle_.Dispose();

        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(Task.ToString().ToLowerInvariant()).Append(' ').Append(ImageWidth).Append('x').Append(ImageHeight).Append(':');
            foreach (Detection d in Detections) text.Append("\n  ").Append(d);
            foreach (Classification c in Classes) text.Append("\n  ").Append(c);
            return text.ToString();
        }

        private static IReadOnlyList<Detection> ReadDetections(PredictionHandle handle, YoloTask task)
        {
            UIntPtr count;
            HoneException.Check(Native.hone_prediction_get_num_detections(handle, out count));
            var list = new List<Detection>((int)count);
            var noKeypoints = new Keypoint[0];
            for (ulong i = 0; i < (ulong)count; ++i)
            {
                Native.DetectionC d;
                HoneException.Check(Native.hone_prediction_get_detection(handle, (UIntPtr)i, out d));
                Keypoint[] keypoints = noKeypoints;
                if (task == YoloTask.Pose && d.NumKeypoints > 0)
                {
                    var raw = new Native.KeypointC[d.NumKeypoints];
                    UIntPtr n;
                    HoneException.Check(Native.hone_prediction_get_keypoints(handle, (UIntPtr)i, raw, (UIntPtr)raw.Length, out n));
                    keypoints = new Keypoint[(int)n];
                    for (int k = 0; k < keypoints.Length; ++k) keypoints[k] = new Keypoint(raw[k].X, raw[k].Y, raw[k].Visibility);
                }
                Mask mask = null;
                if (task == YoloTask.Segment && d.HasMask != 0)
                {
                    Native.MaskC m;
                    HoneException.Check(Native.hone_prediction_get_mask(handle, (UIntPtr)i, out m));
                    var data = new byte[(long)m.Width * m.Height];
                    if (data.Length > 0) Marshal.Copy(m.Data, data, 0, data.Length);
                    mask = new Mask(m.X, m.Y, m.Width, m.Height, data);
                }
                list.Add(new Detection(new Box(d.X1, d.Y1, d.X2, d.Y2), d.ClassId, d.Score, Utf8.Decode(d.Label), keypoints, mask));
            }
            return list.AsReadOnly();
        }

        private static IReadOnlyList<Classification> ReadClasses(PredictionHandle handle)
        {
            UIntPtr count;
            HoneException.Check(Native.hone_prediction_get_num_classifications(handle, out count));
            var list = new List<Classification>((int)count);
            for (ulong i = 0; i < (ulong)count; ++i)
            {
                Native.ClassificationC c;
                HoneException.Check(Native.hone_prediction_get_classification(handle, (UIntPtr)i, out c));
                list.Add(new Classification(c.ClassId, c.Score, Utf8.Decode(c.Label)));
            }
            return list.AsReadOnly();
        }
    }
}
