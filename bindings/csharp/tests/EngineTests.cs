// EngineTests.cs: Hone.Engine: descriptions, save / serialize / load round trips, disposal.
using System;
using System.IO;
using System.Linq;

namespace Hone.Tests
{
    public class EngineTests
    {
        [Test]
        public void DescribesInputsAndOutputs()
        {
            using (Engine e = Helpers.BuildMulti())
            {
                Assert.SequenceEqual(new[] { "x", "offset" }, e.Inputs.Select(t => t.Name).ToList(), "inputs");
                Assert.SequenceEqual(new[] { "y", "y_f16", "y_i32", "y_i64", "y_u8", "y_i8", "y_bool" }, e.Outputs.Select(t => t.Name).ToList(), "outputs");
                Assert.SequenceEqual(new[] { DType.Float32, DType.Float16, DType.Int32, DType.Int64, DType.UInt8, DType.Int8, DType.Bool },
                                     e.Outputs.Select(t => t.DType).ToList(), "output dtypes");
                Assert.True(e.Inputs.All(t => t.IsInput) && e.Outputs.All(t => !t.IsInput), "IsInput");
                Assert.Equal(DType.Int64, e.GetTensorInfo("offset").DType, "offset dtype");
                Assert.SequenceEqual(new long[] { 1 }, e.GetTensorInfo("offset").Shape, "offset shape");
                Assert.True(e.NumLayers > 0, "layers");
                Assert.True(e.GetTensorInfo("y").ToString().Contains("y: Float32 [-1,4]"), "ToString: " + e.GetTensorInfo("y"));
                Assert.Fails(Status.NotFound, "'nope'", () => e.GetTensorInfo("nope"), "unknown name");
                Assert.Fails(Status.NotFound, null, () => e.GetInputProfile("y"), "profile of an output");
            }
        }

        [Test]
        public void SaveSerializeAndLoadGiveTheSameOutputs()
        {
            var core = new Core { Threads = 2 };
            float[] input = Helpers.Random(3 * 64 * 64, 3);
            using (Engine e = core.CompileBuiltin("tinynet"))
            {
                string path = Env.Work("cs_tinynet.hone");
                e.Save(path);
                byte[] bytes = e.Serialize();
                Assert.SequenceEqual(File.ReadAllBytes(path), bytes, "Serialize == the saved file");
                float[] expected = Run(e, input);
                using (Engine fromFile = core.ReadEngine(path))
                using (Engine fromBytes = core.ReadEngine(bytes))
                {
                    Assert.SequenceEqual(expected, Run(fromFile, input), "loaded from the file");
                    Assert.SequenceEqual(expected, Run(fromBytes, input), "loaded from bytes");
                }
                Assert.Fails(Status.IoError, "no_such_dir", () => e.Save(Env.Work("no_such_dir/e.hone")), "unwritable path");
                Assert.Throws<ArgumentNullException>(() => e.Save(null), "null path");
            }
        }

        [Test]
        public void DisposedEngineThrowsButItsContextsRun()
        {
            Engine e = Helpers.Build("echo.onnx");
            Context c = e.CreateContext();
            e.Dispose();
            e.Dispose();  // twice is fine
            Assert.Throws<ObjectDisposedException>(() => e.CreateContext(), "CreateContext after Dispose");
            Assert.Throws<ObjectDisposedException>(() => e.Serialize(), "Serialize after Dispose");
            Assert.Throws<ObjectDisposedException>(() => { int n = e.NumLayers; }, "NumLayers after Dispose");
            Assert.Equal("images", e.Inputs[0].Name, "descriptions stay readable");
            using (c)
            {
                c.SetInput("images", new float[3 * 8 * 12]);
                c.Run();
                Assert.Equal(3 * 8 * 12, c.GetOutputFloat("out").Length, "the context outlives its engine");
            }
        }

        private static float[] Run(Engine e, float[] input)
        {
            using (Context c = e.CreateContext())
            {
                c.SetInput("input", input);
                c.Run();
                return c.GetOutputFloat("probs");
            }
        }
    }
}
