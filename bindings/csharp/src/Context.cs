// Context.cs: an execution context (hone_context_t): inputs copied in (arrays, spans, tensors,
// or encoded images through the vision preprocessing), synchronous and asynchronous runs,
// outputs copied out as arrays.
using System;
using System.Runtime.InteropServices;
using Hone.Vision;

namespace Hone
{
    /// <summary>
    /// Runs one engine with its own activation memory. Used by one thread at a time; contexts
    /// of one engine run concurrently. Inputs stay set between runs until replaced.
    /// </summary>
    public sealed class Context : IDisposable
    {
        private readonly ContextHandle handle_;

        internal Context(Engine engine, ContextHandle handle)
        {
            Engine = engine;
            handle_ = handle;
        }

        internal ContextHandle Handle => HandleChecks.Live(handle_, nameof(Context));

        /// <summary>The engine this context runs.</summary>
        public Engine Engine { get; }

        /// <summary>Threads the layers split their work over (default: the engine's).</summary>
        public int Threads
        {
            get
            {
                int threads;
                HoneException.Check(Native.hone_context_get_threads(Handle, out threads));
                return threads;
            }
            set { HoneException.Check(Native.hone_context_set_threads(Handle, value)); }
        }

        /// <summary>Fixes input `name`'s shape for the next runs (within the engine's profile).</summary>
        public void SetInputShape(string name, params long[] dims)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (dims == null) throw new ArgumentNullException(nameof(dims));
            HoneException.Check(Native.hone_context_set_input_shape(Handle, Utf8.Encode(name), dims, (UIntPtr)dims.Length));
        }

        /// <summary>Copies `data` into input `name` (float32) of shape `shape` (default: the
        /// input's static shape). HoneException (InvalidArgument) when data.Length is not
        /// the shape's element count, for another element type or a shape outside the profile.</summary>
        public unsafe void SetInput(string name, float[] data, params long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            fixed (float* p = data) SetInputRaw(name, p, (long)data.Length * 4, DType.Float32, shape);
        }

        /// <summary>Copies a span of floats into input `name`, as SetInput(string, float[], long[]).</summary>
        public unsafe void SetInput(string name, ReadOnlySpan<float> data, params long[] shape)
        {
            fixed (float* p = &MemoryMarshal.GetReference(data)) SetInputRaw(name, p, (long)data.Length * 4, DType.Float32, shape);
        }

        public unsafe void SetInput(string name, int[] data, params long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            fixed (int* p = data) SetInputRaw(name, p, (long)data.Length * 4, DType.Int32, shape);
        }

        public unsafe void SetInput(string name, long[] data, params long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            fixed (long* p = data) SetInputRaw(name, p, (long)data.Length * 8, DType.Int64, shape);
        }

        /// <summary>Copies bytes into a uint8 input.</summary>
        public unsafe void SetInput(string name, byte[] data, params long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            fixed (byte* p = data) SetInputRaw(name, p, data.Length, DType.UInt8, shape);
        }

        /// <summary>Binds a tensor's buffer to input or output `name` without copying; the
        /// context keeps its own reference to the buffer, so the tensor may be disposed.</summary>
        public void Bind(string name, Tensor tensor)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (tensor == null) throw new ArgumentNullException(nameof(tensor));
            HoneException.Check(Native.hone_context_bind_tensor(Handle, Utf8.Encode(name), tensor.Handle));
        }

        /// <summary>Removes the binding of input or output `name`.</summary>
        public void Unbind(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            HoneException.Check(Native.hone_context_unbind(Handle, Utf8.Encode(name)));
        }

        /// <summary>
        /// Decodes an encoded image (JPEG, PNG, BMP), fits it to input `name` (letterbox by
        /// default), normalizes it and sets it as the input. Returns how the image maps into
        /// the input, to map results back. InvalidArgument for bytes that are not an image, an
        /// input that is not float [1,3,H,W] / [1,H,W,3], or bad options.
        /// </summary>
        public ImageTransform SetInputImage(string name, byte[] encoded, PreprocessOptions options = null)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (encoded == null) throw new ArgumentNullException(nameof(encoded));
            Native.PreprocessOptionsC o = (options ?? new PreprocessOptions()).ToNative();
            Native.ImageTransformC t;
            HoneException.Check(Native.hone_context_set_input_image(Handle, Utf8.Encode(name), encoded, (UIntPtr)encoded.Length, ref o, out t));
            return new ImageTransform(t);
        }

        /// <summary>The same for an image file (NotFound / IoError for the file).</summary>
        public ImageTransform SetInputImageFile(string name, string path, PreprocessOptions options = null)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (path == null) throw new ArgumentNullException(nameof(path));
            Native.PreprocessOptionsC o = (options ?? new PreprocessOptions()).ToNative();
            Native.ImageTransformC t;
            HoneException.Check(Native.hone_context_set_input_image_file(Handle, Utf8.Encode(name), Utf8.Encode(path), ref o, out t));
            return new ImageTransform(t);
        }

        /// <summary>Runs once with the inputs set, blocking until done.</summary>
        public void Run()
        {
            HoneException.Check(Native.hone_context_run(Handle));
        }

        /// <summary>Queues a run on the context's worker thread and returns; Wait() reports it.
        /// The inputs must stay as they are until then.</summary>
        public void StartRun()
        {
            HoneException.Check(Native.hone_context_run_async(Handle));
        }

        /// <summary>Blocks until the queued runs are done; throws the first failure.</summary>
        public void Wait()
        {
            HoneException.Check(Native.hone_context_wait(Handle));
        }

        /// <summary>Shape of output `name` after the last run.</summary>
        public long[] GetOutputShape(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            byte[] n = Utf8.Encode(name);
            ContextHandle h = Handle;
            return Shapes.Query((long[] dims, UIntPtr capacity, out long rank) => Native.hone_context_get_output_shape(h, n, dims, capacity, out rank));
        }

        /// <summary>Output `name` of the last run as a new array of T (float, int, long, byte,
        /// for float32, int32, int64, uint8 outputs). InvalidArgument for another element type.</summary>
        public T[] GetOutput<T>(string name) where T : struct
        {
            if (typeof(T) == typeof(float)) return (T[])(object)GetOutputFloat(name);
            if (typeof(T) == typeof(int)) return (T[])(object)GetOutputInt32(name);
            if (typeof(T) == typeof(long)) return (T[])(object)GetOutputInt64(name);
            if (typeof(T) == typeof(byte)) return (T[])(object)GetOutputUInt8(name);
            throw new NotSupportedException("GetOutput<" + typeof(T).Name + ">: use float, int, long or byte");
        }

        public float[] GetOutputFloat(string name)
        {
            var values = new float[OutputLength(name)];
            CopyOutput(name, values);
            return values;
        }

        public int[] GetOutputInt32(string name)
        {
            var values = new int[OutputLength(name)];
            CopyOutput(name, values);
            return values;
        }

        public long[] GetOutputInt64(string name)
        {
            var values = new long[OutputLength(name)];
            CopyOutput(name, values);
            return values;
        }

        public byte[] GetOutputUInt8(string name)
        {
            var values = new byte[OutputLength(name)];
            CopyOutput(name, values);
            return values;
        }

        /// <summary>Copies float32 output `name` into `destination`, whose length must be its
        /// element count exactly (InvalidArgument otherwise).</summary>
        public unsafe void CopyOutput(string name, Span<float> destination)
        {
            fixed (float* p = &MemoryMarshal.GetReference(destination)) CopyOutputRaw(name, p, (long)destination.Length * 4, DType.Float32);
        }

        public unsafe void CopyOutput(string name, Span<int> destination)
        {
            fixed (int* p = &MemoryMarshal.GetReference(destination)) CopyOutputRaw(name, p, (long)destination.Length * 4, DType.Int32);
        }

        public unsafe void CopyOutput(string name, Span<long> destination)
        {
            fixed (long* p = &MemoryMarshal.GetReference(destination)) CopyOutputRaw(name, p, (long)destination.Length * 8, DType.Int64);
        }

        public unsafe void CopyOutput(string name, Span<byte> destination)
        {
            fixed (byte* p = &MemoryMarshal.GetReference(destination)) CopyOutputRaw(name, p, destination.Length, DType.UInt8);
        }

        /// <summary>Output `name` of the last run as a tensor sharing the run's buffer.</summary>
        public Tensor GetOutput(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            TensorHandle tensor;
            HoneException.Check(Native.hone_context_get_output(Handle, Utf8.Encode(name), out tensor));
            return new Tensor(tensor);
        }

        /// <summary>Waits for queued runs, then frees the context.</summary>
        public void Dispose() => handle_.Dispose();

        private unsafe void SetInputRaw(string name, void* data, long byteSize, DType dtype, long[] shape)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            long[] dims = shape != null && shape.Length > 0 ? shape : StaticInputShape(name);
            HoneException.Check(Native.hone_context_set_input(Handle, Utf8.Encode(name), data, (UIntPtr)(ulong)byteSize, dtype, dims, (UIntPtr)dims.Length));
        }

        private unsafe void CopyOutputRaw(string name, void* destination, long byteSize, DType dtype)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            HoneException.Check(Native.hone_context_copy_output(Handle, Utf8.Encode(name), destination, (UIntPtr)(ulong)byteSize, dtype));
        }

        private long OutputLength(string name) => Shapes.Product(GetOutputShape(name) ?? new long[0]);

        private long[] StaticInputShape(string name)
        {
            TensorInfo info = Engine.GetTensorInfo(name);
            if (info.Shape == null || Array.IndexOf(info.Shape, -1L) >= 0)
            {
                throw new HoneException(Status.InvalidArgument, "input '" + name + "' has a dynamic shape " +
                    (info.Shape == null ? "(unknown rank)" : "[" + string.Join(",", info.Shape) + "]") + "; pass the shape");
            }
            return info.Shape;
        }
    }
}
