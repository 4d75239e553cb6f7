// CsharpOverhead.cs: the per-call cost of Hone.Context.Run() from C#, next to a bare P/Invoke
// of hone_context_run on the raw handle, on a tiny model, so that the bindings' overhead over
// the C and C++ calls (bench_run_c, bench_run_cpp; run.sh runs all three) can be read off.
//
//   mono CsharpOverhead.exe MODEL [CALLS]      (MODEL: an ONNX file or engine, float inputs
//                                              of static shape; CALLS per batch, default 20000)
// Prints one line per way of calling: the median over 9 batches of the mean µs per call.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Hone;

public static class CsharpOverhead
{
    [DllImport("hone_c")] private static extern int hone_context_run(IntPtr context);

    public static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: CsharpOverhead.exe MODEL [CALLS]");
            return 2;
        }
        int calls = args.Length > 1 ? int.Parse(args[1]) : 20000;
        var core = new Core { Threads = 1 };
        using (Engine engine = core.CompileModel(args[0]))
        using (Context context = engine.CreateContext())
        {
            foreach (TensorInfo input in engine.Inputs)
            {
                long count = 1;
                foreach (long d in input.Shape) count *= d;
                context.SetInput(input.Name, new float[count], input.Shape);
            }
            context.Run();
            // The raw handle, for the bare P/Invoke (no SafeHandle, no status check).
            IntPtr raw = RawHandle(context);
            Report("C# Context.Run()", calls, () => context.Run());
            Report("C# bare P/Invoke hone_context_run(IntPtr)", calls, () => hone_context_run(raw));
            Report("C# Context.Run(), again", calls, () => context.Run());
        }
        return 0;
    }

    private static void Report(string what, int calls, Action call)
    {
        for (int i = 0; i < calls / 4; ++i) call();  // JIT and caches warm
        var means = new List<double>();
        for (int batch = 0; batch < 9; ++batch)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; ++i) call();
            means.Add(clock.Elapsed.TotalMilliseconds * 1000.0 / calls);
        }
        means.Sort();
        Console.WriteLine("{0,-46} {1,8:0.000} us per call (median of 9 x {2} calls; min {3:0.000})", what, means[4], calls, means[0]);
    }

    // Context keeps its SafeHandle private; reflection reaches it for this measurement only.
    private static IntPtr RawHandle(Context context)
    {
        var field = typeof(Context).GetField("handle_", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        return ((SafeHandle)field.GetValue(context)).DangerousGetHandle();
    }
}
