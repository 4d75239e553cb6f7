// Enums.cs: the vision calls' enumerations, value for value as hone_c.h numbers them.
namespace Hone.Vision
{
    /// <summary>YOLO tasks; Auto takes the model's own (its metadata, else its outputs).</summary>
    public enum YoloTask
    {
        Auto = 0,
        Detect = 1,
        Segment = 2,
        Pose = 3,
        Classify = 4,
    }

    /// <summary>Channel order of an interleaved 8-bit 3-channel image.</summary>
    public enum PixelFormat
    {
        Bgr = 0,
        Rgb = 1,
    }

    /// <summary>How an image is fitted to a model input.</summary>
    public enum ResizeMode
    {
        /// <summary>Keep the aspect ratio, scale to fit, pad the borders (Ultralytics).</summary>
        Letterbox = 0,
        /// <summary>Pad to a square at the bottom/right, then resize (the OpenVinoSharp demo).</summary>
        SquarePad = 1,
        /// <summary>Plain resize; the aspect ratio is not kept.</summary>
        Stretch = 2,
        /// <summary>The largest centered square, resized (Ultralytics' classify transform).</summary>
        CenterCrop = 3,
    }

    /// <summary>What is done to the 0..255 pixel values.</summary>
    public enum Normalization
    {
        /// <summary>value = pixel / 255 (YOLO).</summary>
        UnitScale = 0,
        /// <summary>value = (pixel - Mean[c]) / Std[c].</summary>
        MeanStd = 1,
        /// <summary>value = pixel.</summary>
        None = 2,
    }

    /// <summary>Where the channels sit in an image tensor.</summary>
    public enum TensorLayout
    {
        /// <summary>[1, 3, H, W]</summary>
        Nchw = 0,
        /// <summary>[1, H, W, 3]</summary>
        Nhwc = 1,
    }
}
