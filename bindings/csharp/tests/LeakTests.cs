// LeakTests.cs: 10,000 context create/run/destroy cycles, and predictions and predictors made
// and dropped, with resident memory (after a full GC) printed before and after and required
// flat; the finalizers free what was never disposed.
using System;
using Hone.Vision;

namespace Hone.Tests
{
    public class LeakTests
    {
        private const long SlackKiB = 2048;  // as the C API's leak test

        [Test]
        public void TenThousandContextCycles()
        {
            // One thread, as the C API's leak test: with more, every cycle also starts and joins
            // the context's worker threads, which is slow when the machine is busy.
            using (Engine engine = new Core { Threads = 1 }.CompileModel(Env.Model("echo.onnx")))
            {
                var input = Helpers.Random(3 * 8 * 12, 5);
                // Warm-up: the JIT, the GC's heap and the native allocator's pools settle first.
                for (int i = 0; i < 5000; ++i) Cycle(engine, input);
                long before = Helpers.RssKiB();
                for (int i = 0; i < 10000; ++i) Cycle(engine, input);
                long after = Helpers.RssKiB();
                for (int i = 0; i < 10000; ++i) Cycle(engine, input);
                long again = Helpers.RssKiB();
                Console.WriteLine("  10000 context create/run/destroy cycles: RSS before {0} KiB, after {1} KiB ({2:+0;-0} KiB), " +
                                  "after 10000 more {3} KiB ({4:+0;-0} KiB); WorkingSet64 {5} KiB",
                                  before, after, after - before, again, again - after,
                                  System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 / 1024);
                Assert.True(after - before <= SlackKiB, "RSS grew by " + (after - before) + " KiB");
                Assert.True(again - after <= SlackKiB, "RSS grew by " + (again - after) + " KiB the second time");
            }
        }

        [Test]
        public void PredictionsAndPredictors()
        {
            using (Engine engine = new Core().ReadEngine(Env.Ref("seg.hone")))
            using (var yolo = new YoloSegmenter(engine, new YoloOptions { Threads = 1 }))
            {
                byte[] image = System.IO.File.ReadAllBytes(Env.Model("image.png"));
                for (int i = 0; i < 1000; ++i) yolo.Predict(image).Dispose();
                long before = Helpers.RssKiB();
                for (int i = 0; i < 2000; ++i)
                {
                    using (Prediction p = yolo.Predict(image)) { }
                    if (i % 10 == 0) new YoloSegmenter(engine, new YoloOptions { Threads = 1 }).Dispose();
                }
                long middle = Helpers.RssKiB();
                // Never disposed: the SafeHandles' finalizers free them. The first round raises
                // the native heap's peak (results wait for the GC); a second must not add to it.
                for (int i = 0; i < 2000; ++i) yolo.Predict(image);
                long finalized = Helpers.RssKiB();
                for (int i = 0; i < 2000; ++i) yolo.Predict(image);
                long after = Helpers.RssKiB();
                Console.WriteLine("  2000 predictions + 200 predictors disposed: RSS {0} -> {1} KiB ({2:+0;-0} KiB); " +
                                  "2 x 2000 predictions left to the finalizers: {3} -> {4} KiB ({5:+0;-0} KiB)",
                                  before, middle, middle - before, finalized, after, after - finalized);
                Assert.True(middle - before <= SlackKiB, "disposed: RSS grew by " + (middle - before) + " KiB");
                Assert.True(after - finalized <= SlackKiB, "finalized: RSS grew by " + (after - finalized) + " KiB");
            }
        }

        private static void Cycle(Engine engine, float[] input)
        {
            using (Context c = engine.CreateContext())
            {
                c.SetInput("images", input);
                c.Run();
                float[] output = c.GetOutputFloat("out");
                if (output[0] != 2 * input[0]) throw new Exception("wrong output " + output[0]);
            }
        }
    }
}
