// PreprocessOptions.cs: settings of Context.SetInputImage (hone_preprocess_options), with the
// C API's defaults.
using System;

namespace Hone.Vision
{
    /// <summary>How an image becomes an input tensor. The defaults are YOLO's: letterbox,
    /// pad 114, RGB, pixel / 255, NCHW, the size of the model's input.</summary>
    public sealed class PreprocessOptions
    {
        public ResizeMode Mode { get; set; } = ResizeMode.Letterbox;
        public Normalization Normalization { get; set; } = Normalization.UnitScale;
        /// <summary>Per tensor channel, for MeanStd (default: ImageNet's).</summary>
        public float[] Mean { get; set; } = { 123.675f, 116.28f, 103.53f };
        /// <summary>Per tensor channel, for MeanStd; each finite and non-zero (default: ImageNet's).</summary>
        public float[] Std { get; set; } = { 58.395f, 57.12f, 57.375f };
        /// <summary>True: the tensor's channels are R, G, B; false: B, G, R.</summary>
        public bool ToRgb { get; set; } = true;
        public TensorLayout Layout { get; set; } = TensorLayout.Nchw;
        /// <summary>Target size; 0 = the input's static dims (required where they are dynamic).</summary>
        public int Width { get; set; }
        public int Height { get; set; }
        /// <summary>Border value of Letterbox and SquarePad, 0..255.</summary>
        public int PadValue { get; set; } = 114;
        /// <summary>Letterbox: pad both sides equally (true) or only right/bottom.</summary>
        public bool Center { get; set; } = true;
        /// <summary>Letterbox: enlarge images smaller than the target.</summary>
        public bool ScaleUp { get; set; } = true;

        internal Native.PreprocessOptionsC ToNative()
        {
            if (Mean == null || Mean.Length != 3) throw new ArgumentException("Mean must hold 3 values", nameof(Mean));
            if (Std == null || Std.Length != 3) throw new ArgumentException("Std must hold 3 values", nameof(Std));
            return new Native.PreprocessOptionsC
            {
                Mode = (int)Mode,
                Normalization = (int)Normalization,
                Mean0 = Mean[0], Mean1 = Mean[1], Mean2 = Mean[2],
                Std0 = Std[0], Std1 = Std[1], Std2 = Std[2],
                ToRgb = ToRgb ? 1 : 0,
                Layout = (int)Layout,
                Width = Width,
                Height = Height,
                PadValue = PadValue,
                Center = Center ? 1 : 0,
                ScaleUp = ScaleUp ? 1 : 0,
            };
        }

        /// <summary>The C library's defaults (hone_preprocess_options_init), for the tests.</summary>
        internal static PreprocessOptions FromNativeDefaults()
        {
            Native.PreprocessOptionsC c;
            HoneException.Check(Native.hone_preprocess_options_init(out c));
            return new PreprocessOptions
            {
                Mode = (ResizeMode)c.Mode,
                Normalization = (Normalization)c.Normalization,
                Mean = new[] { c.Mean0, c.Mean1, c.Mean2 },
                Std = new[] { c.Std0, c.Std1, c.Std2 },
                ToRgb = c.ToRgb != 0,
                Layout = (TensorLayout)c.Layout,
                Width = c.Width,
                Height = c.Height,
                PadValue = c.PadValue,
                Center = c.Center != 0,
                ScaleUp = c.ScaleUp != 0,
            };
        }
    }
}
