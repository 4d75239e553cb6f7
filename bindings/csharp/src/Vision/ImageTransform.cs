// ImageTransform.cs: how an image maps into a model input (hone_image_transform).
namespace Hone.Vision
{
    /// <summary>Per axis: input = source * scale + pad. ToSourceX/Y map model-input pixels back.</summary>
    public struct ImageTransform
    {
        internal ImageTransform(Native.ImageTransformC t)
        {
            SourceWidth = t.SourceWidth;
            SourceHeight = t.SourceHeight;
            InputWidth = t.InputWidth;
            InputHeight = t.InputHeight;
            ScaleX = t.ScaleX;
            ScaleY = t.ScaleY;
            PadX = t.PadX;
            PadY = t.PadY;
        }

        public int SourceWidth { get; }
        public int SourceHeight { get; }
        public int InputWidth { get; }
        public int InputHeight { get; }
        public float ScaleX { get; }
        public float ScaleY { get; }
        public float PadX { get; }
        public float PadY { get; }

        public float ToSourceX(float x) => (x - PadX) / ScaleX;
        public float ToSourceY(float y) => (y - PadY) / ScaleY;

        public override string ToString() =>
            SourceWidth + "x" + SourceHeight + " -> " + InputWidth + "x" + InputHeight + ": scale " + ScaleX + ", " + ScaleY + ", pad " + PadX + ", " + PadY;
    }
}
