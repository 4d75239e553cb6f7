// YoloOptions.cs: settings of a Yolo predictor (hone_predictor_options), Ultralytics' defaults.
namespace Hone.Vision
{
    public sealed class YoloOptions
    {
        /// <summary>Auto, or the task the model must have (HoneException otherwise).</summary>
        public YoloTask Task { get; set; } = YoloTask.Auto;
        /// <summary>Minimum class score, 0..1.</summary>
        public float Conf { get; set; } = 0.25f;
        /// <summary>NMS IoU threshold, 0..1.</summary>
        public float Iou { get; set; } = 0.7f;
        /// <summary>Detections kept after NMS.</summary>
        public int MaxDet { get; set; } = 300;
        /// <summary>NMS across classes instead of per class.</summary>
        public bool Agnostic { get; set; }
        /// <summary>Classify: classes reported.</summary>
        public int TopK { get; set; } = 5;
        /// <summary>Input size for ONNX models with dynamic height/width; 0 = the metadata's, else 640.</summary>
        public int ImgSize { get; set; }
        /// <summary>Threads to build and run with; 0 = the physical cores (ONNX) or the engine's.</summary>
        public int Threads { get; set; }

        internal YoloOptions With(YoloTask task)
        {
            var o = (YoloOptions)MemberwiseClone();
            o.Task = task;
            return o;
        }

        internal Native.PredictorOptionsC ToNative() => new Native.PredictorOptionsC
        {
            Task = (int)Task,
            Conf = Conf,
            Iou = Iou,
            MaxDet = MaxDet,
            Agnostic = Agnostic ? 1 : 0,
            TopK = TopK,
            ImgSize = ImgSize,
            Threads = Threads,
        };

        /// <summary>The C library's defaults (hone_predictor_options_init), for the tests.</summary>
        internal static YoloOptions FromNativeDefaults()
        {
            Native.PredictorOptionsC c;
            HoneException.Check(Native.hone_predictor_options_init(out c));
            return new YoloOptions
            {
                Task = (YoloTask)c.Task,
                Conf = c.Conf,
                Iou = c.Iou,
                MaxDet = c.MaxDet,
                Agnostic = c.Agnostic != 0,
                TopK = c.TopK,
                ImgSize = c.ImgSize,
                Threads = c.Threads,
            };
        }
    }
}
