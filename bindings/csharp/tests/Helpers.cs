// Helpers.cs: what several test classes share: engines of the test models, the prediction
// text of tests/c/vision_reference.cpp, float bits, resident memory.
using System;
using System.Globalization;
using System.IO;
using System.Text;
using Hone.Vision;

namespace Hone.Tests
{
    public static class Helpers
    {
        /// <summary>An engine of tests/c's model `file`, built with 2 threads.</summary>
        public static Engine Build(string file)
        {
            var core = new Core { Threads = 2 };
            return core.CompileModel(Env.Model(file));
        }

        /// <summary>The multi model of tests/c with batch 1..8 (x float [N,4], offset int64 [1]).</summary>
        public static Engine BuildMulti()
        {
            var core = new Core { Threads = 1 };
            core.SetInputShape("x", new long[] { 1, 4 }, new long[] { 2, 4 }, new long[] { 8, 4 });
            return core.CompileModel(Env.Model("multi.onnx"));
        }

        public static string Bits(float v) => BitConverter.ToInt32(BitConverter.GetBytes(v), 0).ToString("x8", CultureInfo.InvariantCulture);

        /// <summary>The prediction as c_api_vision_reference writes it: equal text, equal bits.</summary>
        public static string Format(Prediction p)
        {
            var t = new StringBuilder();
            t.Append("task ").Append(p.Task.ToString().ToLowerInvariant()).Append(' ').Append(p.ImageWidth).Append('x').Append(p.ImageHeight).Append('\n');
            foreach (Detection d in p.Detections)
            {
                t.Append("det ").Append(d.ClassId).Append(' ').Append(d.Label).Append(' ').Append(Bits(d.Score)).Append(' ')
                 .Append(Bits(d.Box.X1)).Append(' ').Append(Bits(d.Box.Y1)).Append(' ').Append(Bits(d.Box.X2)).Append(' ').Append(Bits(d.Box.Y2)).Append('\n');
                foreach (Keypoint k in d.Keypoints) t.Append("kp ").Append(Bits(k.X)).Append(' ').Append(Bits(k.Y)).Append(' ').Append(Bits(k.Visibility)).Append('\n');
                if (p.Task == YoloTask.Segment)
                {
                    uint hash = 2166136261u;
                    long ones = 0;
                    Mask m = d.Mask;
                    if (m != null)
                    {
                        foreach (byte b in m.Data)
                        {
                            hash = unchecked((hash ^ b) * 16777619u);
                            ones += b != 0 ? 1 : 0;
                        }
                    }
                    t.Append("mask ").Append(m?.X ?? 0).Append(' ').Append(m?.Y ?? 0).Append(' ').Append(m?.Width ?? 0).Append(' ').Append(m?.Height ?? 0)
                     .Append(' ').Append(ones).Append(' ').Append(hash.ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
            foreach (Classification c in p.Classes) t.Append("cls ").Append(c.ClassId).Append(' ').Append(c.Label).Append(' ').Append(Bits(c.Score)).Append('\n');
            return t.ToString();
        }

        /// <summary>The prediction must print as REF/`name`.predict.txt (the C++ API's) does.</summary>
        public static void ExpectReference(Prediction p, string name, string how)
        {
            string expected = File.ReadAllText(Env.Ref(name + ".predict.txt"));
            string got = Format(p);
            if (expected != got) throw new Exception(name + " (" + how + ") differs from the C++ API's:\n--- C++\n" + expected + "--- C#\n" + got);
        }

        /// <summary>Resident memory in KiB (/proc/self/statm) after a full collection, so that
        /// garbage and pending finalizers do not count.</summary>
        public static long RssKiB()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * (Environment.SystemPageSize / 1024);
        }

        /// <summary>The 96x64 BGR pattern of image.png (tests/c/make_test_models.cpp).</summary>
        public static bool IsTestPattern(Image image)
        {
            if (image.Width != 96 || image.Height != 64) return false;
            for (int y = 0; y < 64; ++y)
            {
                for (int x = 0; x < 96; ++x)
                {
                    int i = (y * 96 + x) * 3;
                    if (image.Pixels[i] != (byte)(2 * x + y) || image.Pixels[i + 1] != (byte)(3 * y) || image.Pixels[i + 2] != (byte)(x ^ y)) return false;
                }
            }
            return true;
        }

        public static float[] Random(int count, int seed)
        {
            var rng = new System.Random(seed);
            var values = new float[count];
            for (int i = 0; i < count; ++i) values[i] = (float)(rng.NextDouble() * 2 - 1);
            return values;
        }
    }
}
