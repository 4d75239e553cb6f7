// Tensor.cs: an n-d buffer in native memory (hone_tensor_t) with an element type and a
// shape: created here (zero-filled) or an output of a run; its bytes are copied in and out.
using System;
using System.Runtime.InteropServices;

namespace Hone
{
    /// <summary>
    /// A tensor owned by the native library. Bind it to a context input or output without a
    /// copy (Context.Bind); an output tensor (Context.GetOutput) keeps its run's values after
    /// later runs. Copies in and out check the element type and the size exactly.
    /// </summary>
    public sealed class Tensor : IDisposable
    {
        private readonly TensorHandle handle_;

        /// <summary>A zero-filled tensor of `dtype` and `shape` (no dims: a scalar).</summary>
        public Tensor(DType dtype, params long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            HoneException.Check(Native.hone_tensor_create(dtype, shape, (UIntPtr)shape.Length, out handle_));
        }

        internal Tensor(TensorHandle handle)
        {
            handle_ = handle;
        }

        internal TensorHandle Handle => HandleChecks.Live(handle_, nameof(Tensor));

        /// <summary>A new float32 tensor of `shape` holding a copy of `data`.</summary>
        public static Tensor FromArray(float[] data, params long[] shape)
        {
            var t = new Tensor(DType.Float32, shape);
            try
            {
                t.CopyFrom(data);
            }
            catch
            {
                t.Dispose();
                throw;
            }
            return t;
        }

        public static Tensor FromArray(int[] data, params long[] shape)
        {
            var t = new Tensor(DType.Int32, shape);
            try { t.CopyFrom(data); } catch { t.Dispose(); throw; }
            return t;
        }

        public static Tensor FromArray(long[] data, params long[] shape)
        {
            var t = new Tensor(DType.Int64, shape);
            try { t.CopyFrom(data); } catch { t.Dispose(); throw; }
            return t;
        }

        public DType DType
        {
            get
            {
                DType dtype;
                HoneException.Check(Native.hone_tensor_get_dtype(Handle, out dtype));
                return dtype;
            }
        }

        public long[] Shape
        {
            get
            {
                TensorHandle h = Handle;
                return Shapes.Query((long[] dims, UIntPtr capacity, out long rank) => Native.hone_tensor_get_shape(h, dims, capacity, out rank));
            }
        }

        public long ElementCount
        {
            get
            {
                long count;
                HoneException.Check(Native.hone_tensor_get_element_count(Handle, out count));
                return count;
            }
        }

        public long ByteSize
        {
            get
            {
                UIntPtr size;
                HoneException.Check(Native.hone_tensor_get_byte_size(Handle, out size));
                return (long)(ulong)size;
            }
        }

        /// <summary>The first element in native memory, valid while the tensor lives (IntPtr.Zero when empty).</summary>
        public IntPtr DataPointer
        {
            get
            {
                IntPtr data;
                HoneException.Check(Native.hone_tensor_get_data(Handle, out data));
                return data;
            }
        }

        public unsafe void CopyFrom(ReadOnlySpan<float> source)
        {
            fixed (float* p = &MemoryMarshal.GetReference(source)) Check(Native.hone_tensor_copy_from(Handle, p, (UIntPtr)((ulong)source.Length * 4), DType.Float32));
        }

        public unsafe void CopyFrom(ReadOnlySpan<int> source)
        {
            fixed (int* p = &MemoryMarshal.GetReference(source)) Check(Native.hone_tensor_copy_from(Handle, p, (UIntPtr)((ulong)source.Length * 4), DType.Int32));
        }

        public unsafe void CopyFrom(ReadOnlySpan<long> source)
        {
            fixed (long* p = &MemoryMarshal.GetReference(source)) Check(Native.hone_tensor_copy_from(Handle, p, (UIntPtr)((ulong)source.Length * 8), DType.Int64));
        }

        public unsafe void CopyTo(Span<float> destination)
        {
            fixed (float* p = &MemoryMarshal.GetReference(destination)) Check(Native.hone_tensor_copy_to(Handle, p, (UIntPtr)((ulong)destination.Length * 4), DType.Float32));
        }

        public unsafe void CopyTo(Span<int> destination)
        {
            fixed (int* p = &MemoryMarshal.GetReference(destination)) Check(Native.hone_tensor_copy_to(Handle, p, (UIntPtr)((ulong)destination.Length * 4), DType.Int32));
        }

        public unsafe void CopyTo(Span<long> destination)
        {
            fixed (long* p = &MemoryMarshal.GetReference(destination)) Check(Native.hone_tensor_copy_to(Handle, p, (UIntPtr)((ulong)destination.Length * 8), DType.Int64));
        }

        public float[] ToFloatArray()
        {
            var values = new float[ElementCount];
            CopyTo(values);
            return values;
        }

        public int[] ToInt32Array()
        {
            var values = new int[ElementCount];
            CopyTo(values);
            return values;
        }

        public long[] ToInt64Array()
        {
            var values = new long[ElementCount];
            CopyTo(values);
            return values;
        }

        public void Dispose() => handle_.Dispose();

        private static void Check(Status status) => HoneException.Check(status);
    }
}
