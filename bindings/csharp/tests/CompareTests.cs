// CompareTests.cs: the same model and input give bit-identical outputs through C# and the C++
// API. c_api_reference (tests/c/cpp_reference.cpp) wrote, for tinynet and, when ../shared has
// them, light_squeezenet and yolov8n: the engine (NAME.hone), the input (element i = i / n,
// NAME.input.bin), the C++ output (NAME.output.bin) and the build's timing cache. C# runs the
// engine file, and builds the model again with that timing cache (so the same tactics win).
using System;
using System.IO;

namespace Hone.Tests
{
    public class CompareTests
    {
        [Test]
        public void EngineFilesGiveTheCppOutputs()
        {
            int compared = 0;
            foreach (string engine in Directory.GetFiles(Env.RefDir, "*.hone"))
            {
                string name = Path.GetFileNameWithoutExtension(engine);
                if (!File.Exists(Env.Ref(name + ".output.bin"))) continue;  // the vision references
                using (Engine e = new Core().ReadEngine(engine))
                {
                    Compare(e, name, "engine file");
                    ++compared;
                }
            }
            Assert.True(compared >= 1, "at least tinynet compared");
            Console.WriteLine("  {0} engine(s) bit-identical to the C++ API", compared);
        }

        [Test]
        public void TinynetBuiltInCSharpGivesTheCppOutput()
        {
            var core = new Core { Threads = 2, TimingCachePath = CopyTimingCache("tinynet") };
            using (Engine e = core.CompileBuiltin("tinynet")) Compare(e, "tinynet", "built through C#");
        }

        [Test]
        public void Yolov8nBuiltInCSharpGivesTheCppOutput()
        {
            string model = Env.Shared("models/yolov8n.onnx");
            if (!File.Exists(Env.Ref("yolov8n.output.bin"))) throw new SkipException("no yolov8n reference");
            var core = new Core { Threads = 2, TimingCachePath = CopyTimingCache("yolov8n") };
            using (Engine e = core.CompileModel(model)) Compare(e, "yolov8n", "built through C#");
        }

        // Runs `e` on NAME.input.bin and requires NAME.output.bin's bytes exactly.
        private static void Compare(Engine e, string name, string how)
        {
            byte[] inputBytes = File.ReadAllBytes(Env.Ref(name + ".input.bin"));
            byte[] expected = File.ReadAllBytes(Env.Ref(name + ".output.bin"));
            var input = new float[inputBytes.Length / 4];
            Buffer.BlockCopy(inputBytes, 0, input, 0, inputBytes.Length);
            using (Context c = e.CreateContext())
            {
                c.SetInput(e.Inputs[0].Name, input);
                c.Run();
                float[] output = c.GetOutputFloat(e.Outputs[0].Name);
                var got = new byte[output.Length * 4];
                Buffer.BlockCopy(output, 0, got, 0, got.Length);
                Assert.Equal(expected.Length, got.Length, name + " output bytes");
                for (int i = 0; i < got.Length; i += 4)
                {
                    if (BitConverter.ToInt32(got, i) != BitConverter.ToInt32(expected, i))
                    {
                        throw new Exception(name + " (" + how + "): element " + (i / 4) + " is " + BitConverter.ToSingle(got, i) +
                                            " in C#, " + BitConverter.ToSingle(expected, i) + " in C++");
                    }
                }
            }
        }

        // A copy of the C++ build's timing cache (the build writes to it).
        private static string CopyTimingCache(string name)
        {
            string copy = Env.Work("cs_" + name + ".timing.json");
            File.Copy(Env.Ref(name + ".timing.json"), copy, true);
            return copy;
        }
    }
}
