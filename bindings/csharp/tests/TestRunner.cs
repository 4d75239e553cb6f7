// TestRunner.cs: the C# bindings' test program, a console runner without NUnit: it finds the
// methods marked [Test] in this assembly by reflection, runs each (a new instance of its
// class per test, disposed after), prints PASS/FAIL lines and "N passed, N failed", and exits
// 1 when a test failed.
//
//   mono Hone.Tests.exe --models DIR --ref DIR --work DIR [--shared DIR] [FILTER...]
//     --models  tests/c's models (c_api_make_models: det/seg/pose/cls/echo*/multi.onnx, image.png)
//     --ref     the C++ references (c_api_reference, c_api_vision_reference)
//     --work    scratch files
//     --shared  ../shared (yolov8n, bus.jpg), optional
//     FILTER    run only tests whose "Class.Method" name contains one of these
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Hone.Tests
{
    /// <summary>Marks a test method: public, no parameters, static or on a class with a
    /// parameterless constructor.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    /// <summary>A test that cannot run here (a missing optional file) throws this.</summary>
    public sealed class SkipException : Exception
    {
        public SkipException(string reason) : base(reason) { }
    }

    /// <summary>Where the tests find their files (from the command line).</summary>
    public static class Env
    {
        public static string ModelsDir { get; internal set; }
        public static string RefDir { get; internal set; }
        public static string WorkDir { get; internal set; }
        public static string SharedDir { get; internal set; }

        public static string Model(string file) => Path.Combine(ModelsDir, file);
        public static string Ref(string file) => Path.Combine(RefDir, file);
        public static string Work(string file) => Path.Combine(WorkDir, file);

        /// <summary>A file of ../shared, or SkipException when it is not there.</summary>
        public static string Shared(string file)
        {
            string path = SharedDir == null ? null : Path.Combine(SharedDir, file);
            if (path == null || !File.Exists(path)) throw new SkipException("no ../shared/" + file);
            return path;
        }
    }

    public static class TestRunner
    {
        public static int Main(string[] args)
        {
            var filters = new List<string>();
            for (int i = 0; i < args.Length; ++i)
            {
                string value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--models": Env.ModelsDir = value; ++i; break;
                    case "--ref": Env.RefDir = value; ++i; break;
                    case "--work": Env.WorkDir = value; ++i; break;
                    case "--shared": Env.SharedDir = value; ++i; break;
                    default: filters.Add(args[i]); break;
                }
            }
            if (Env.ModelsDir == null || Env.RefDir == null || Env.WorkDir == null)
            {
                Console.Error.WriteLine("usage: Hone.Tests.exe --models DIR --ref DIR --work DIR [--shared DIR] [FILTER...]");
                return 2;
            }
            Directory.CreateDirectory(Env.WorkDir);

            var tests = Assembly.GetExecutingAssembly().GetTypes()
                .Where(t => t.IsClass)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                                  .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                                  .OrderBy(m => m.MetadataToken))
                .Where(m => filters.Count == 0 || filters.Any(f => (m.DeclaringType.Name + "." + m.Name).Contains(f)))
                .ToList();
            int passed = 0, failed = 0, skipped = 0;
            foreach (MethodInfo test in tests)
            {
                string name = test.DeclaringType.Name + "." + test.Name;
                var clock = Stopwatch.StartNew();
                try
                {
                    Run(test);
                    ++passed;
                    Console.WriteLine("PASS {0} ({1} ms)", name, clock.ElapsedMilliseconds);
                }
                catch (SkipException e)
                {
                    ++skipped;
                    Console.WriteLine("SKIP {0}: {1}", name, e.Message);
                }
                catch (Exception e)
                {
                    ++failed;
                    Console.WriteLine("FAIL {0}: {1}: {2}\n{3}", name, e.GetType().Name, e.Message, e.StackTrace);
                }
            }
            Console.WriteLine("{0} passed, {1} failed{2}", passed, failed, skipped > 0 ? ", " + skipped + " skipped" : "");
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        private static void Run(MethodInfo test)
        {
            object instance = test.IsStatic ? null : Activator.CreateInstance(test.DeclaringType);
            try
            {
                test.Invoke(instance, null);
            }
            catch (TargetInvocationException e)
            {
                // The test's own exception, with its stack trace.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
            finally
            {
                (instance as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>Checks that fail with the values that differ.</summary>
    public static class Assert
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new Exception("expected: " + what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual)) throw new Exception(what + ": expected " + expected + ", got " + actual);
        }

        public static void SequenceEqual<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string what)
        {
            if (expected.Count != actual.Count) throw new Exception(what + ": expected " + expected.Count + " elements, got " + actual.Count);
            for (int i = 0; i < expected.Count; ++i)
            {
                if (!EqualityComparer<T>.Default.Equals(expected[i], actual[i])) throw new Exception(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }

        public static void Near(double expected, double actual, double tolerance, string what)
        {
            if (!(Math.Abs(expected - actual) <= tolerance)) throw new Exception(what + ": expected " + expected + " +- " + tolerance + ", got " + actual);
        }

        /// <summary>`action` must throw a T (exactly, or a subclass); returns it.</summary>
        public static T Throws<T>(Action action, string what) where T : Exception
        {
            try
            {
                action();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new Exception(what + ": expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            throw new Exception(what + ": expected " + typeof(T).Name + ", nothing was thrown");
        }

        /// <summary>`action` must throw a HoneException with `status` whose message contains `needle`.</summary>
        public static HoneException Fails(Status status, string needle, Action action, string what)
        {
            HoneException e = Throws<HoneException>(action, what);
            if (e.Status != status) throw new Exception(what + ": expected status " + status + ", got " + e.Status + ": " + e.Message);
            if (needle != null && !e.Message.Contains(needle)) throw new Exception(what + ": expected a message with \"" + needle + "\", got \"" + e.Message + "\"");
            return e;
        }
    }
}
