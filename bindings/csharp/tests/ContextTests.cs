// ContextTests.cs: Hone.Context: inputs from arrays and spans of each element type, dynamic
// shapes, outputs as arrays and tensors, async runs, threads, images into inputs, and the
// errors: wrong sizes, dtypes, names, disposed contexts.
using System;
using System.Threading;

namespace Hone.Tests
{
    public class ContextTests : IDisposable
    {
        private static readonly float[] W = { 1, -1, 2, 3 };
        private readonly Engine multi_ = Helpers.BuildMulti();

        public void Dispose() => multi_.Dispose();

        [Test]
        public void MultiModelOutputsOfEveryType()
        {
            using (Context c = multi_.CreateContext())
            {
                var x = new float[3 * 4];
                for (int i = 0; i < x.Length; ++i) x[i] = i - 5.5f;
                c.SetInputShape("x", 3, 4);
                c.SetInput("x", x, 3, 4);
                c.SetInput("offset", new long[] { 100 });
                c.Run();
                Assert.SequenceEqual(new long[] { 3, 4 }, c.GetOutputShape("y"), "output shape");
                float[] y = c.GetOutputFloat("y");
                int[] yi = c.GetOutput<int>("y_i32");
                long[] yl = c.GetOutputInt64("y_i64");
                byte[] yu = c.GetOutput<byte>("y_u8");
                for (int i = 0; i < x.Length; ++i)
                {
                    float r = Math.Max(x[i] * W[i % 4], 0f);
                    Assert.Equal(r, y[i], "y[" + i + "]");
                    Assert.Equal((int)r, yi[i], "y_i32[" + i + "]");
                    Assert.Equal((long)r + 100, yl[i], "y_i64[" + i + "]");
                    Assert.Equal((byte)r, yu[i], "y_u8[" + i + "]");
                }
                // A span over part of an array, a different batch.
                var big = new float[20];
                for (int i = 0; i < big.Length; ++i) big[i] = i;
                c.SetInputShape("x", 2, 4);
                c.SetInput("x", new ReadOnlySpan<float>(big, 4, 8), 2, 4);
                c.Run();
                var y2 = new float[8];
                c.CopyOutput("y", y2);
                for (int i = 0; i < 8; ++i) Assert.Equal(Math.Max(big[4 + i] * W[i % 4], 0f), y2[i], "span input y[" + i + "]");
            }
        }

        [Test]
        public void OutputTensorsKeepTheirRun()
        {
            using (Context c = multi_.CreateContext())
            {
                c.SetInput("offset", new long[] { 0 });
                c.SetInput("x", new float[] { 1, 1, 1, 1 }, 1, 4);
                c.Run();
                using (Tensor first = c.GetOutput("y"))
                {
                    c.SetInput("x", new float[] { 2, 2, 2, 2 }, 1, 4);
                    c.Run();
                    Assert.SequenceEqual(new float[] { 1, 0, 2, 3 }, first.ToFloatArray(), "the first run's output");
                    Assert.SequenceEqual(new float[] { 2, 0, 4, 6 }, c.GetOutputFloat("y"), "the second run's");
                    Assert.SequenceEqual(new long[] { 1, 4 }, first.Shape, "tensor shape");
                }
            }
        }

        [Test]
        public void BoundTensorsAndUnbind()
        {
            using (Context c = multi_.CreateContext())
            using (Tensor x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 4))
            using (Tensor offset = Tensor.FromArray(new long[] { 7 }, 1))
            {
                c.Bind("x", x);
                c.Bind("offset", offset);
                c.Run();
                Assert.SequenceEqual(new long[] { 8, 7, 13, 19 }, c.GetOutputInt64("y_i64"), "from bound tensors");
                x.CopyFrom(new float[] { 0, 0, 0, 1 });  // zero-copy: the binding sees the change
                c.Run();
                Assert.SequenceEqual(new long[] { 7, 7, 7, 10 }, c.GetOutputInt64("y_i64"), "after changing the bound tensor");
                c.Unbind("x");
                Assert.Fails(Status.InvalidArgument, "x", () => c.Run(), "run with an unbound input");
                Assert.Fails(Status.NotFound, "nope", () => c.Unbind("nope"), "unbind an unknown name");
            }
        }

        [Test]
        public void AsyncRunsAndThreads()
        {
            using (Context c = multi_.CreateContext())
            {
                c.Threads = 2;
                Assert.Equal(2, c.Threads, "threads");
                Assert.Fails(Status.InvalidArgument, null, () => c.Threads = 0, "zero threads");
                c.SetInput("x", new float[] { 1, 2, 3, 4 }, 1, 4);
                c.SetInput("offset", new long[] { 1 });
                c.StartRun();
                c.StartRun();
                c.Wait();
                Assert.SequenceEqual(new float[] { 1, 0, 6, 12 }, c.GetOutputFloat("y"), "after async runs");
                c.Unbind("x");
                c.StartRun();
                Assert.Fails(Status.InvalidArgument, "asynchronous run failed", () => c.Wait(), "a failed async run");
                c.Wait();  // the failure was reported once
            }
        }

        [Test]
        public void ContextsOfOneEngineRunOnThreads()
        {
            var results = new float[4][];
            var threads = new Thread[4];
            for (int t = 0; t < threads.Length; ++t)
            {
                int id = t;
                threads[t] = new Thread(() =>
                {
                    using (Context c = multi_.CreateContext())
                    {
                        c.SetInput("offset", new long[] { 0 });
                        for (int i = 0; i < 200; ++i)
                        {
                            c.SetInput("x", new float[] { id, id, id, id }, 1, 4);
                            c.Run();
                        }
                        results[id] = c.GetOutputFloat("y");
                    }
                });
                threads[t].Start();
            }
            foreach (Thread t in threads) t.Join();
            for (int t = 0; t < 4; ++t) Assert.SequenceEqual(new float[] { t, 0, 2 * t, 3 * t }, results[t], "thread " + t);
        }

        [Test]
        public void WrongSizesTypesAndNames()
        {
            using (Context c = multi_.CreateContext())
            {
                Assert.Fails(Status.InvalidArgument, "takes 32 bytes", () => c.SetInput("x", new float[7], 2, 4), "7 floats for [2,4]");
                Assert.Fails(Status.InvalidArgument, "element type", () => c.SetInput("x", new int[8], 2, 4), "int32 into a float input");
                Assert.Fails(Status.InvalidArgument, "element type", () => c.SetInput("offset", new float[1], 1), "float into an int64 input");
                Assert.Fails(Status.InvalidArgument, "dynamic shape", () => c.SetInput("x", new float[4]), "no shape for a dynamic input");
                Assert.Fails(Status.InvalidArgument, null, () => c.SetInput("x", new float[36], 9, 4), "batch 9 > max 8");
                Assert.Fails(Status.InvalidArgument, null, () => c.SetInputShape("x", 9, 4), "shape outside the profile");
                Assert.Fails(Status.NotFound, "'nope'", () => c.SetInput("nope", new float[4], 1, 4), "unknown input");
                Assert.Fails(Status.NotFound, "is an output", () => c.SetInput("y", new float[4], 1, 4), "an output as input");
                Assert.Fails(Status.InvalidArgument, null, () => c.GetOutputFloat("y"), "outputs before a run");
                c.SetInput("x", new float[4], 1, 4);
                c.SetInput("offset", new long[1]);
                c.Run();
                Assert.Fails(Status.InvalidArgument, "takes 16 bytes", () => c.CopyOutput("y", new float[3]), "short destination");
                Assert.Fails(Status.InvalidArgument, "element type", () => c.GetOutputInt32("y"), "int32 from a float output");
                Assert.Fails(Status.NotFound, "'nope'", () => c.GetOutputFloat("nope"), "unknown output");
                Assert.Throws<NotSupportedException>(() => c.GetOutput<double>("y"), "GetOutput<double>");
                Assert.Throws<ArgumentNullException>(() => c.SetInput(null, new float[4], 1, 4), "null name");
                Assert.Throws<ArgumentNullException>(() => c.SetInput("x", (float[])null, 1, 4), "null data");
                Assert.Throws<ArgumentNullException>(() => c.Bind("x", null), "null tensor");
            }
        }

        [Test]
        public void DisposedContextThrows()
        {
            Context c = multi_.CreateContext();
            Tensor t = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 4);
            c.Dispose();
            c.Dispose();
            t.Dispose();
            Assert.Throws<ObjectDisposedException>(() => c.Run(), "Run");
            Assert.Throws<ObjectDisposedException>(() => c.SetInput("x", new float[4], 1, 4), "SetInput");
            Assert.Throws<ObjectDisposedException>(() => c.GetOutputFloat("y"), "GetOutputFloat");
            Assert.Throws<ObjectDisposedException>(() => { int n = c.Threads; }, "Threads");
            using (Context live = multi_.CreateContext()) Assert.Throws<ObjectDisposedException>(() => live.Bind("x", t), "binding a disposed tensor");
        }
    }
}
