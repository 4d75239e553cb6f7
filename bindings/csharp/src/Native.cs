// Native.cs: the P/Invoke declarations of libhone_c.so (include/hone_c.h), one per C function,
// and the C structs they take, laid out as the header lays them out. Everything here is
// internal: the public classes (Core, Engine, Context, Tensor, Vision.*) wrap it, turn
// statuses into HoneException and hold handles in SafeHandles.
//
// Strings go in as NUL-terminated UTF-8 byte arrays (Utf8.Encode) and come back as IntPtr
// (Utf8.Decode), so paths and names are UTF-8 on every runtime. The library is "hone_c":
// mono maps it with Hone.dll.config (dllmap) or finds libhone_c.so on LD_LIBRARY_PATH.
using System;
using System.Runtime.InteropServices;

namespace Hone
{
    internal static class Native
    {
        internal const string Library = "hone_c";

        // --- Versions, errors -------------------------------------------------------------------
        [DllImport(Library)] internal static extern IntPtr hone_version();
        [DllImport(Library)] internal static extern int hone_c_api_version();
        [DllImport(Library)] internal static extern IntPtr hone_status_name(Status status);
        [DllImport(Library)] internal static extern IntPtr hone_last_error_message();
        [DllImport(Library)] internal static extern void hone_free(IntPtr memory);
        [DllImport(Library)] internal static extern IntPtr hone_dtype_name(DType dtype);
        [DllImport(Library)] internal static extern UIntPtr hone_dtype_size(DType dtype);

        // --- Network ------------------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_network_create_from_file(byte[] path, out NetworkHandle network);
        [DllImport(Library)] internal static extern Status hone_network_create_from_memory(byte[] data, UIntPtr size, byte[] baseDir, out NetworkHandle network);
        [DllImport(Library)] internal static extern Status hone_network_create_builtin(byte[] name, out NetworkHandle network);
        [DllImport(Library)] internal static extern Status hone_network_destroy(IntPtr network);

        // --- Builder config -----------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_builder_config_create(out BuilderConfigHandle config);
        [DllImport(Library)] internal static extern Status hone_builder_config_destroy(IntPtr config);
        [DllImport(Library)] internal static extern Status hone_builder_config_set_device(BuilderConfigHandle config, byte[] device);
        [DllImport(Library)] internal static extern Status hone_builder_config_set_threads(BuilderConfigHandle config, int threads);
        [DllImport(Library)] internal static extern Status hone_builder_config_set_input_shape(BuilderConfigHandle config, byte[] name, long[] min, long[] opt, long[] max, UIntPtr rank);
        [DllImport(Library)] internal static extern Status hone_builder_config_set_timing_cache_path(BuilderConfigHandle config, byte[] path);

        // --- Engine -------------------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_engine_build(NetworkHandle network, BuilderConfigHandle config, out EngineHandle engine);
        [DllImport(Library)] internal static extern Status hone_engine_load_file(byte[] path, out EngineHandle engine);
        [DllImport(Library)] internal static extern Status hone_engine_load_memory(byte[] data, UIntPtr size, out EngineHandle engine);
        [DllImport(Library)] internal static extern Status hone_engine_save_file(EngineHandle engine, byte[] path);
        [DllImport(Library)] internal static extern Status hone_engine_serialize(EngineHandle engine, out IntPtr data, out UIntPtr size);
        [DllImport(Library)] internal static extern Status hone_engine_destroy(IntPtr engine);
        [DllImport(Library)] internal static extern Status hone_engine_get_num_inputs(EngineHandle engine, out UIntPtr count);
        [DllImport(Library)] internal static extern Status hone_engine_get_num_outputs(EngineHandle engine, out UIntPtr count);
        [DllImport(Library)] internal static extern Status hone_engine_get_input_name(EngineHandle engine, UIntPtr index, out IntPtr name);
        [DllImport(Library)] internal static extern Status hone_engine_get_output_name(EngineHandle engine, UIntPtr index, out IntPtr name);
        [DllImport(Library)] internal static extern Status hone_engine_get_tensor_dtype(EngineHandle engine, byte[] name, out DType dtype);
        [DllImport(Library)] internal static extern Status hone_engine_get_tensor_shape(EngineHandle engine, byte[] name, long[] dims, UIntPtr capacity, out long rank);
        [DllImport(Library)] internal static extern Status hone_engine_get_input_profile(EngineHandle engine, byte[] name, long[] min, long[] opt, long[] max, UIntPtr capacity, out long rank);
        [DllImport(Library)] internal static extern Status hone_engine_get_num_layers(EngineHandle engine, out UIntPtr count);

        // --- Context ------------------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_context_create(EngineHandle engine, out ContextHandle context);
        [DllImport(Library)] internal static extern Status hone_context_destroy(IntPtr context);
        [DllImport(Library)] internal static extern Status hone_context_set_input_shape(ContextHandle context, byte[] name, long[] dims, UIntPtr rank);
        [DllImport(Library)] internal static extern Status hone_context_bind_tensor(ContextHandle context, byte[] name, TensorHandle tensor);
        [DllImport(Library)] internal static extern Status hone_context_unbind(ContextHandle context, byte[] name);
        [DllImport(Library)] internal static extern unsafe Status hone_context_set_input(ContextHandle context, byte[] name, void* data, UIntPtr byteSize, DType dtype, long[] dims, UIntPtr rank);
        [DllImport(Library)] internal static extern Status hone_context_run(ContextHandle context);
        [DllImport(Library)] internal static extern Status hone_context_run_async(ContextHandle context);
        [DllImport(Library)] internal static extern Status hone_context_wait(ContextHandle context);
        [DllImport(Library)] internal static extern Status hone_context_get_output(ContextHandle context, byte[] name, out TensorHandle tensor);
        [DllImport(Library)] internal static extern Status hone_context_get_output_shape(ContextHandle context, byte[] name, long[] dims, UIntPtr capacity, out long rank);
        [DllImport(Library)] internal static extern unsafe Status hone_context_copy_output(ContextHandle context, byte[] name, void* dst, UIntPtr byteSize, DType dtype);
        [DllImport(Library)] internal static extern Status hone_context_set_threads(ContextHandle context, int threads);
        [DllImport(Library)] internal static extern Status hone_context_get_threads(ContextHandle context, out int threads);

        // --- Tensor -------------------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_tensor_create(DType dtype, long[] dims, UIntPtr rank, out TensorHandle tensor);
        [DllImport(Library)] internal static extern Status hone_tensor_destroy(IntPtr tensor);
        [DllImport(Library)] internal static extern Status hone_tensor_get_dtype(TensorHandle tensor, out DType dtype);
        [DllImport(Library)] internal static extern Status hone_tensor_get_shape(TensorHandle tensor, long[] dims, UIntPtr capacity, out long rank);
        [DllImport(Library)] internal static extern Status hone_tensor_get_element_count(TensorHandle tensor, out long count);
        [DllImport(Library)] internal static extern Status hone_tensor_get_byte_size(TensorHandle tensor, out UIntPtr byteSize);
        [DllImport(Library)] internal static extern Status hone_tensor_get_data(TensorHandle tensor, out IntPtr data);
        [DllImport(Library)] internal static extern unsafe Status hone_tensor_copy_to(TensorHandle tensor, void* dst, UIntPtr byteSize, DType dtype);
        [DllImport(Library)] internal static extern unsafe Status hone_tensor_copy_from(TensorHandle tensor, void* src, UIntPtr byteSize, DType dtype);

        // --- Vision -------------------------------------------------------------------------------
        [DllImport(Library)] internal static extern Status hone_preprocess_options_init(out PreprocessOptionsC options);
        [DllImport(Library)] internal static extern Status hone_context_set_input_image(ContextHandle context, byte[] name, byte[] data, UIntPtr size, ref PreprocessOptionsC options, out ImageTransformC transform);
        [DllImport(Library)] internal static extern Status hone_context_set_input_image_file(ContextHandle context, byte[] name, byte[] path, ref PreprocessOptionsC options, out ImageTransformC transform);
        [DllImport(Library)] internal static extern Status hone_image_decode(byte[] data, UIntPtr size, out IntPtr pixels, out int width, out int height);
        [DllImport(Library)] internal static extern Status hone_image_read(byte[] path, out IntPtr pixels, out int width, out int height);
        [DllImport(Library)] internal static extern unsafe Status hone_image_write(byte[] path, byte* pixels, UIntPtr byteSize, int width, int height, UIntPtr stride, int format);
        [DllImport(Library)] internal static extern Status hone_predictor_options_init(out PredictorOptionsC options);
        [DllImport(Library)] internal static extern Status hone_predictor_create(byte[] path, ref PredictorOptionsC options, out PredictorHandle predictor);
        [DllImport(Library)] internal static extern Status hone_predictor_create_from_engine(EngineHandle engine, ref PredictorOptionsC options, out PredictorHandle predictor);
        [DllImport(Library)] internal static extern Status hone_predictor_destroy(IntPtr predictor);
        [DllImport(Library)] internal static extern Status hone_predictor_get_task(PredictorHandle predictor, out int task);
        [DllImport(Library)] internal static extern Status hone_predictor_get_input_size(PredictorHandle predictor, out int width, out int height);
        [DllImport(Library)] internal static extern Status hone_predictor_get_num_classes(PredictorHandle predictor, out int count);
        [DllImport(Library)] internal static extern Status hone_predictor_get_class_name(PredictorHandle predictor, int classId, out IntPtr name);
        [DllImport(Library)] internal static extern Status hone_predictor_predict_file(PredictorHandle predictor, byte[] path, out PredictionHandle prediction);
        [DllImport(Library)] internal static extern Status hone_predictor_predict_image(PredictorHandle predictor, byte[] data, UIntPtr size, out PredictionHandle prediction);
        [DllImport(Library)] internal static extern unsafe Status hone_predictor_predict_pixels(PredictorHandle predictor, byte* pixels, UIntPtr byteSize, int width, int height, UIntPtr stride, int format, out PredictionHandle prediction);
        [DllImport(Library)] internal static extern Status hone_prediction_destroy(IntPtr prediction);
        [DllImport(Library)] internal static extern Status hone_prediction_get_task(PredictionHandle prediction, out int task);
        [DllImport(Library)] internal static extern Status hone_prediction_get_image_size(PredictionHandle prediction, out int width, out int height);
        [DllImport(Library)] internal static extern Status hone_prediction_get_speed(PredictionHandle prediction, out SpeedC speed);
        [DllImport(Library)] internal static extern Status hone_prediction_get_num_detections(PredictionHandle prediction, out UIntPtr count);
        [DllImport(Library)] internal static extern Status hone_prediction_get_detection(PredictionHandle prediction, UIntPtr index, out DetectionC detection);
        [DllImport(Library)] internal static extern Status hone_prediction_get_keypoints(PredictionHandle prediction, UIntPtr index, [Out] KeypointC[] keypoints, UIntPtr capacity, out UIntPtr count);
        [DllImport(Library)] internal static extern Status hone_prediction_get_mask(PredictionHandle prediction, UIntPtr index, out MaskC mask);
        [DllImport(Library)] internal static extern Status hone_prediction_get_num_classifications(PredictionHandle prediction, out UIntPtr count);
        [DllImport(Library)] internal static extern Status hone_prediction_get_classification(PredictionHandle prediction, UIntPtr index, out ClassificationC classification);
        [DllImport(Library)] internal static extern unsafe Status hone_prediction_draw(PredictionHandle prediction, byte* pixels, UIntPtr byteSize, int width, int height, UIntPtr stride, int format);

        // --- The C structs (hone_c.h, "Vision"), field for field ---------------------------------

        [StructLayout(LayoutKind.Sequential)]
        internal struct PreprocessOptionsC
        {
            internal int Mode, Normalization;
            internal float Mean0, Mean1, Mean2;
            internal float Std0, Std1, Std2;
            internal int ToRgb, Layout, Width, Height, PadValue, Center, ScaleUp;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct ImageTransformC
        {
            internal int SourceWidth, SourceHeight, InputWidth, InputHeight;
            internal float ScaleX, ScaleY, PadX, PadY;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct PredictorOptionsC
        {
            internal int Task;
            internal float Conf, Iou;
            internal int MaxDet, Agnostic, TopK, ImgSize, Threads;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct SpeedC
        {
            internal double PreprocessMs, InferenceMs, PostprocessMs;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct DetectionC
        {
            internal float X1, Y1, X2, Y2;
            internal int ClassId;
            internal float Score;
            internal IntPtr Label;
            internal int NumKeypoints, HasMask;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct KeypointC
        {
            internal float X, Y, Visibility;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct MaskC
        {
            internal int X, Y, Width, Height;
            internal IntPtr Data;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct ClassificationC
        {
            internal int ClassId;
            internal float Score;
            internal IntPtr Label;
        }
    }
}
