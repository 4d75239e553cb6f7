// CoreTests.cs: Hone.Core: versions, compiling builtin / ONNX file / ONNX bytes, the cache
// folder, reading engines, and the errors of each.
using System;
using System.IO;
using System.Linq;

namespace Hone.Tests
{
    public class CoreTests
    {
        [Test]
        public void Versions()
        {
            Assert.True(Core.Version.Length > 0 && Core.Version.Contains("."), "a version like 0.1.0, got '" + Core.Version + "'");
            Assert.Equal(2, Core.CApiVersion, "C API version");
        }

        [Test]
        public void CompileBuiltinRunsTinynet()
        {
            var core = new Core { Threads = 2 };
            using (Engine engine = core.CompileBuiltin("tinynet"))
            using (Context context = engine.CreateContext())
            {
                Assert.Equal("input", engine.Inputs[0].Name, "input name");
                Assert.SequenceEqual(new long[] { 1, 3, 64, 64 }, engine.Inputs[0].Shape, "input shape");
                Assert.Equal("probs", engine.Outputs[0].Name, "output name");
                context.SetInput("input", Helpers.Random(3 * 64 * 64, 1));
                context.Run();
                float[] probs = context.GetOutputFloat("probs");
                Assert.Equal(10, probs.Length, "classes");
                Assert.Near(1.0, probs.Sum(), 1e-4, "softmax sum");
            }
        }

        [Test]
        public void CompileModelFromFileAndBytes()
        {
            var core = new Core("cpu") { Threads = 2 };
            using (Engine fromFile = core.CompileModel(Env.Model("det.onnx")))
            using (Engine fromBytes = core.CompileModel(File.ReadAllBytes(Env.Model("det.onnx"))))
            {
                foreach (Engine e in new[] { fromFile, fromBytes })
                {
                    Assert.Equal("images", e.Inputs[0].Name, "input");
                    Assert.SequenceEqual(new long[] { 1, 3, 64, 64 }, e.Inputs[0].Shape, "input shape");
                    Assert.SequenceEqual(new long[] { 1, 6, 64 }, e.Outputs[0].Shape, "output shape");
                    Assert.Equal(DType.Float32, e.Outputs[0].DType, "output dtype");
                    Assert.True(!e.FromCache, "built, not from a cache");
                }
            }
        }

        [Test]
        public void CacheDirKeepsCompiledEngines()
        {
            string dir = Env.Work("cs_cache");
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            var core = new Core("cpu", dir) { Threads = 2 };
            float[] input = Helpers.Random(3 * 64 * 64, 2);
            float[] first, second;
            using (Engine e = core.CompileModel(Env.Model("det.onnx")))
            {
                Assert.True(!e.FromCache, "the first compile builds");
                first = RunDetector(e, input);
            }
            Assert.Equal(1, Directory.GetFiles(dir, "det-*.hone").Length, "one cached engine");
            Assert.True(File.Exists(Path.Combine(dir, "timing_cache.json")), "the timing cache is in the folder");
            using (Engine e = core.CompileModel(Env.Model("det.onnx")))
            {
                Assert.True(e.FromCache, "the second compile loads the cached engine");
                second = RunDetector(e, input);
            }
            Assert.SequenceEqual(first, second, "outputs of the built and the cached engine");
            // Another thread count is another engine.
            var other = new Core("cpu", dir) { Threads = 1 };
            using (Engine e = other.CompileModel(Env.Model("det.onnx"))) Assert.True(!e.FromCache, "other settings rebuild");
            Assert.Equal(2, Directory.GetFiles(dir, "det-*.hone").Length, "two cached engines");
        }

        [Test]
        public void ReadEngineFileAndCompileModelOfAnEngine()
        {
            var core = new Core();
            using (Engine a = core.ReadEngine(Env.Ref("det.hone")))
            using (Engine b = core.CompileModel(Env.Ref("det.hone")))
            {
                Assert.Equal(a.NumLayers, b.NumLayers, "layers");
                Assert.Equal("output0", b.Outputs[0].Name, "output");
            }
        }

        [Test]
        public void InputShapeRanges()
        {
            using (Engine e = Helpers.BuildMulti())
            {
                InputProfile p = e.GetInputProfile("x");
                Assert.SequenceEqual(new long[] { 1, 4 }, p.Min, "min");
                Assert.SequenceEqual(new long[] { 2, 4 }, p.Opt, "opt");
                Assert.SequenceEqual(new long[] { 8, 4 }, p.Max, "max");
                Assert.SequenceEqual(new long[] { -1, 4 }, e.GetTensorInfo("x").Shape, "dynamic batch");
            }
            var core = new Core();
            Assert.Throws<ArgumentException>(() => core.SetInputShape("x", new long[] { 1 }, new long[] { 1, 4 }, new long[] { 1, 4 }), "ranks differ");
            Assert.Throws<ArgumentNullException>(() => core.SetInputShape("x", null, new long[] { 1 }, new long[] { 1 }), "null min");
            core.SetInputShape("x", new long[] { 9, 4 }, new long[] { 2, 4 }, new long[] { 8, 4 });
            Assert.Fails(Status.InvalidArgument, "min", () => core.CompileModel(Env.Model("multi.onnx")), "min > opt");
        }

        [Test]
        public void Errors()
        {
            var core = new Core();
            Assert.Throws<ArgumentException>(() => new Core(""), "empty device");
            Assert.Throws<ArgumentNullException>(() => core.CompileModel((string)null), "null path");
            Assert.Throws<ArgumentNullException>(() => core.CompileModel((byte[])null), "null bytes");
            Assert.Throws<ArgumentNullException>(() => core.ReadEngine((string)null), "null engine path");
            Assert.Throws<ArgumentNullException>(() => core.CompileBuiltin(null), "null builtin");
            Assert.Fails(Status.NotFound, "no_such.onnx", () => core.CompileModel(Env.Work("no_such.onnx")), "missing model");
            Assert.Fails(Status.NotFound, "no_such.hone", () => core.ReadEngine(Env.Work("no_such.hone")), "missing engine");
            Assert.Fails(Status.Unsupported, "NoSuchOp", () => core.CompileModel(Env.Model("unsupported.onnx")), "unsupported operator");
            Assert.Fails(Status.InvalidModel, null, () => core.CompileModel(new byte[] { 1, 2, 3, 4, 5 }), "bytes that are not ONNX");
            Assert.Fails(Status.InvalidModel, "image.png", () => core.ReadEngine(Env.Model("image.png")), "a file that is not an engine");
            Assert.Fails(Status.InvalidModel, null, () => core.ReadEngine(new byte[64]), "bytes that are not an engine");
            Assert.Fails(Status.InvalidArgument, null, () => core.ReadEngine(new byte[0]), "no bytes");
            Assert.Fails(Status.NotFound, "tinynet", () => core.CompileBuiltin("nonet"), "unknown builtin lists the names");
            Assert.Fails(Status.NotFound, "gpu9", () => new Core("gpu9").CompileBuiltin("tinynet"), "unknown device");
            // A truncated engine.
            byte[] engine = File.ReadAllBytes(Env.Ref("det.hone"));
            Array.Resize(ref engine, engine.Length / 2);
            Assert.Fails(Status.InvalidModel, null, () => core.ReadEngine(engine), "truncated engine");
            // Non-ASCII paths cross as UTF-8.
            string path = Env.Work("détecteur ñ.hone");
            File.Copy(Env.Ref("det.hone"), path, true);
            using (Engine e = core.ReadEngine(path)) Assert.Equal("images", e.Inputs[0].Name, "engine at a UTF-8 path");
        }

        private static float[] RunDetector(Engine engine, float[] input)
        {
            using (Context c = engine.CreateContext())
            {
                c.SetInput("images", input, 1, 3, 64, 64);
                c.Run();
                return c.GetOutputFloat("output0");
            }
        }
    }
}
