// TensorTests.cs: Hone.Tensor: creation, descriptions, copies in and out, errors, disposal.
using System;

namespace Hone.Tests
{
    public class TensorTests
    {
        [Test]
        public void CreateDescribeAndCopy()
        {
            using (var t = new Tensor(DType.Float32, 2, 3))
            {
                Assert.Equal(DType.Float32, t.DType, "dtype");
                Assert.SequenceEqual(new long[] { 2, 3 }, t.Shape, "shape");
                Assert.Equal(6L, t.ElementCount, "elements");
                Assert.Equal(24L, t.ByteSize, "bytes");
                Assert.True(t.DataPointer != IntPtr.Zero, "data pointer");
                Assert.SequenceEqual(new float[6], t.ToFloatArray(), "zero-filled");
                float[] values = Helpers.Random(6, 4);
                t.CopyFrom(values);
                Assert.SequenceEqual(values, t.ToFloatArray(), "round trip");
                var part = new float[6];
                t.CopyTo(new Span<float>(part));
                Assert.SequenceEqual(values, part, "CopyTo a span");
            }
            using (Tensor i = Tensor.FromArray(new[] { 1, -2, 3 }, 3))
            using (Tensor l = Tensor.FromArray(new long[] { long.MaxValue, long.MinValue }, 2))
            using (var scalar = new Tensor(DType.Int64))
            {
                Assert.SequenceEqual(new[] { 1, -2, 3 }, i.ToInt32Array(), "int32");
                Assert.SequenceEqual(new[] { long.MaxValue, long.MinValue }, l.ToInt64Array(), "int64");
                Assert.Equal(0, scalar.Shape.Length, "scalar rank");
                Assert.Equal(1L, scalar.ElementCount, "scalar elements");
            }
        }

        [Test]
        public void Errors()
        {
            using (var t = new Tensor(DType.Float32, 2, 2))
            {
                Assert.Fails(Status.InvalidArgument, "takes 16 bytes", () => t.CopyFrom(new float[3]), "3 floats into 4");
                Assert.Fails(Status.InvalidArgument, "element type", () => t.CopyFrom(new int[4]), "int32 into float");
                Assert.Fails(Status.InvalidArgument, "element type", () => t.ToInt64Array(), "int64 out of float");
                Assert.Fails(Status.InvalidArgument, "takes 16 bytes", () => t.CopyTo(new Span<float>(new float[5])), "5 floats out of 4");
            }
            Assert.Fails(Status.InvalidArgument, "negative", () => new Tensor(DType.Float32, 2, -1), "negative dim");
            Assert.Fails(Status.InvalidArgument, null, () => new Tensor(DType.Undefined, 2), "undefined dtype");
            Assert.Fails(Status.Unsupported, "string", () => new Tensor(DType.String, 2), "string tensors");
            Assert.Fails(Status.InvalidArgument, null, () => Tensor.FromArray(new float[3], 2, 2), "FromArray of the wrong size");
            Assert.Throws<ArgumentNullException>(() => new Tensor(DType.Float32, null), "null shape");
            var d = new Tensor(DType.Float32, 1);
            d.Dispose();
            d.Dispose();
            Assert.Throws<ObjectDisposedException>(() => d.ToFloatArray(), "ToFloatArray after Dispose");
            Assert.Throws<ObjectDisposedException>(() => { var s = d.Shape; }, "Shape after Dispose");
        }
    }
}
