// Engine.cs: a built or loaded engine (hone_engine_t): immutable, shared by any number of
// threads and contexts, one copy of the weights.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Hone
{
    /// <summary>
    /// A compiled model. Create contexts from it to run; save or serialize it to load later
    /// without the model. Thread-safe. Contexts keep what they need alive, so the engine may
    /// be disposed before them.
    /// </summary>
    public sealed class Engine : IDisposable
    {
        private readonly EngineHandle handle_;

        internal Engine(EngineHandle handle, bool fromCache)
        {
            handle_ = handle;
            FromCache = fromCache;
            Inputs = Describe(true);
            Outputs = Describe(false);
        }

        internal EngineHandle Handle => HandleChecks.Live(handle_, nameof(Engine));

        /// <summary>True when Core.CompileModel loaded this engine from its cache folder.</summary>
        public bool FromCache { get; }

        /// <summary>The runtime inputs, in engine order.</summary>
        public IReadOnlyList<TensorInfo> Inputs { get; }

        /// <summary>The outputs, in engine order.</summary>
        public IReadOnlyList<TensorInfo> Outputs { get; }

        /// <summary>Layers after fusion.</summary>
        public int NumLayers
        {
            get
            {
                UIntPtr count;
                HoneException.Check(Native.hone_engine_get_num_layers(Handle, out count));
                return (int)count;
            }
        }

        /// <summary>The input or output called `name`; HoneException (NotFound) otherwise.</summary>
        public TensorInfo GetTensorInfo(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            foreach (TensorInfo t in Inputs) if (t.Name == name) return t;
            foreach (TensorInfo t in Outputs) if (t.Name == name) return t;
            throw new HoneException(Status.NotFound, "no input or output is called '" + name + "'");
        }

        /// <summary>The min / opt / max shapes input `name` was built for.</summary>
        public InputProfile GetInputProfile(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            byte[] n = Utf8.Encode(name);
            long rank;
            HoneException.Check(Native.hone_engine_get_input_profile(Handle, n, null, null, null, UIntPtr.Zero, out rank));
            if (rank < 0) return new InputProfile(null, null, null);
            long[] min = new long[rank], opt = new long[rank], max = new long[rank];
            if (rank > 0) HoneException.Check(Native.hone_engine_get_input_profile(Handle, n, min, opt, max, (UIntPtr)(ulong)rank, out rank));
            return new InputProfile(min, opt, max);
        }

        /// <summary>A new execution context with its own activation memory.</summary>
        public Context CreateContext()
        {
            ContextHandle context;
            HoneException.Check(Native.hone_context_create(Handle, out context));
            return new Context(this, context);
        }

        /// <summary>Writes the engine file (no partial file on failure: IoError).</summary>
        public void Save(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            HoneException.Check(Native.hone_engine_save_file(Handle, Utf8.Encode(path)));
        }

        /// <summary>The engine-file bytes (Core.ReadEngine(byte[]) loads them).</summary>
        public byte[] Serialize()
        {
            IntPtr data;
            UIntPtr size;
            HoneException.Check(Native.hone_engine_serialize(Handle, out data, out size));
            try
            {
                var bytes = new byte[(long)(ulong)size];
                Marshal.Copy(data, bytes, 0, bytes.Length);
                return bytes;
            }
            finally
            {
                Native.hone_free(data);
            }
        }

        public void Dispose() => handle_.Dispose();

        private IReadOnlyList<TensorInfo> Describe(bool inputs)
        {
            UIntPtr count;
            HoneException.Check(inputs ? Native.hone_engine_get_num_inputs(handle_, out count) : Native.hone_engine_get_num_outputs(handle_, out count));
            var list = new List<TensorInfo>();
            for (ulong i = 0; i < (ulong)count; ++i)
            {
                IntPtr pointer;
                HoneException.Check(inputs ? Native.hone_engine_get_input_name(handle_, (UIntPtr)i, out pointer) : Native.hone_engine_get_output_name(handle_, (UIntPtr)i, out pointer));
                string name = Utf8.Decode(pointer);
                byte[] n = Utf8.Encode(name);
                DType dtype;
                HoneException.Check(Native.hone_engine_get_tensor_dtype(handle_, n, out dtype));
                long[] shape = Shapes.Query((long[] dims, UIntPtr capacity, out long rank) => Native.hone_engine_get_tensor_shape(handle_, n, dims, capacity, out rank));
                list.Add(new TensorInfo(name, inputs, dtype, shape));
            }
            return list.AsReadOnly();
        }
    }
}
