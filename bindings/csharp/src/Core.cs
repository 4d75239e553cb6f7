// Core.cs: where C# programs start, like OpenVinoSharp's Core: compile a model (ONNX) for a
// device into an Engine, with a cache folder that keeps compiled engines and tactic timings
// so the next compile of the same model is a load; or read an engine file built before.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Hone
{
    /// <summary>
    /// Compiles models into engines and reads engine files. Not itself a native object: it
    /// holds the build settings (device, threads, cache folder, input shape ranges).
    /// </summary>
    public sealed class Core
    {
        private readonly Dictionary<string, InputProfile> shapes_ = new Dictionary<string, InputProfile>();

        /// <param name="device">The device to build for ("cpu" is the only one in this version).</param>
        /// <param name="cacheDir">A folder for compiled engines and tactic timings (created when
        /// missing); null for no cache.</param>
        public Core(string device = "cpu", string cacheDir = null)
        {
            if (string.IsNullOrEmpty(device)) throw new ArgumentException("device is empty", nameof(device));
            Device = device;
            CacheDir = cacheDir;
        }

        public string Device { get; }
        public string CacheDir { get; }

        /// <summary>Threads to time tactics on and run with by default; 0 = the physical cores.</summary>
        public int Threads { get; set; }

        /// <summary>The tactic timing cache file (JSON); by default CacheDir/timing_cache.json
        /// when a cache folder is set, else none.</summary>
        public string TimingCachePath { get; set; }

        /// <summary>Version of the loaded native library, e.g. "0.1.0".</summary>
        public static string Version => Utf8.Decode(Native.hone_version());

        /// <summary>The C API version of the loaded native library (HONE_C_API_VERSION).</summary>
        public static int CApiVersion => Native.hone_c_api_version();

        /// <summary>The shapes input `name` may take at run time: every dim d with min[d] &lt;=
        /// d &lt;= max[d], tactics chosen for `opt`. Used by the following compiles.</summary>
        public void SetInputShape(string name, long[] min, long[] opt, long[] max)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (min == null || opt == null || max == null) throw new ArgumentNullException(min == null ? nameof(min) : opt == null ? nameof(opt) : nameof(max));
            if (min.Length != opt.Length || opt.Length != max.Length) throw new ArgumentException("min, opt and max must have the same rank");
            shapes_[name] = new InputProfile((long[])min.Clone(), (long[])opt.Clone(), (long[])max.Clone());
        }

        /// <summary>
        /// Compiles an ONNX model file for the device; any other file is read as an engine.
        /// With a cache folder, the engine is saved there under a key of the file's path, size,
        /// time and the build settings, and loaded instead of rebuilt the next time.
        /// </summary>
        /// <exception cref="HoneException">NotFound / IoError (the file), InvalidModel,
        /// Unsupported (operators, all listed), InvalidArgument (shapes).</exception>
        public Engine CompileModel(string modelPath)
        {
            if (modelPath == null) throw new ArgumentNullException(nameof(modelPath));
            if (!modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return ReadEngine(modelPath);
            string cached = CachedEnginePath(modelPath);
            if (cached != null && File.Exists(cached))
            {
                try
                {
                    return ReadEngine(cached, true);
                }
                catch (HoneException)
                {
                    // Another Hone version or CPU, or a damaged file: rebuilt and replaced below.
                }
            }
            NetworkHandle network;
            HoneException.Check(Native.hone_network_create_from_file(Utf8.Encode(modelPath), out network));
            Engine engine = Build(network);
            if (cached != null) engine.Save(cached);
            return engine;
        }

        /// <summary>Compiles an ONNX model held in memory; `baseDir` resolves external data files.</summary>
        public Engine CompileModel(byte[] model, string baseDir = null)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            NetworkHandle network;
            HoneException.Check(Native.hone_network_create_from_memory(model, (UIntPtr)model.Length, Utf8.Encode(baseDir ?? ""), out network));
            return Build(network);
        }

        /// <summary>Compiles one of the networks Hone builds in code ("tinynet": input
        /// "input" [1,3,64,64] -> output "probs" [1,10]).</summary>
        public Engine CompileBuiltin(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            NetworkHandle network;
            HoneException.Check(Native.hone_network_create_builtin(Utf8.Encode(name), out network));
            return Build(network);
        }

        /// <summary>Loads an engine file (`hone build`, Engine.Save). Refuses other versions,
        /// devices and CPU feature sets (Unsupported) and damaged files (InvalidModel).</summary>
        public Engine ReadEngine(string path) => ReadEngine(path, false);

        /// <summary>Loads an engine from the bytes Engine.Serialize returned.</summary>
        public Engine ReadEngine(byte[] bytes)
        {
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            EngineHandle handle;
            HoneException.Check(Native.hone_engine_load_memory(bytes, (UIntPtr)bytes.Length, out handle));
            return new Engine(handle, false);
        }

        private Engine ReadEngine(string path, bool fromCache)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            EngineHandle handle;
            HoneException.Check(Native.hone_engine_load_file(Utf8.Encode(path), out handle));
            return new Engine(handle, fromCache);
        }

        private Engine Build(NetworkHandle network)
        {
            using (network)
            {
                BuilderConfigHandle config;
                HoneException.Check(Native.hone_builder_config_create(out config));
                using (config)
                {
                    HoneException.Check(Native.hone_builder_config_set_device(config, Utf8.Encode(Device)));
                    HoneException.Check(Native.hone_builder_config_set_threads(config, Threads));
                    string timing = TimingCachePath;
                    if (timing == null && CacheDir != null)
                    {
                        Directory.CreateDirectory(CacheDir);
                        timing = Path.Combine(CacheDir, "timing_cache.json");
                    }
                    if (timing != null) HoneException.Check(Native.hone_builder_config_set_timing_cache_path(config, Utf8.Encode(timing)));
                    foreach (var entry in shapes_)
                    {
                        InputProfile p = entry.Value;
                        HoneException.Check(Native.hone_builder_config_set_input_shape(config, Utf8.Encode(entry.Key), p.Min, p.Opt, p.Max, (UIntPtr)p.Min.Length));
                    }
                    EngineHandle engine;
                    HoneException.Check(Native.hone_engine_build(network, config, out engine));
                    return new Engine(engine, false);
                }
            }
        }

        // CacheDir/<stem>-<key>.hone, the key an FNV-1a hash of what the engine depends on.
        private string CachedEnginePath(string modelPath)
        {
            if (CacheDir == null) return null;
            var file = new FileInfo(modelPath);
            if (!file.Exists) return null;  // CompileModel reports the missing file
            Directory.CreateDirectory(CacheDir);
            var key = new StringBuilder();
            key.Append(file.FullName).Append('|').Append(file.Length).Append('|').Append(file.LastWriteTimeUtc.Ticks);
            key.Append('|').Append(Device).Append('|').Append(Threads).Append('|').Append(Version);
            foreach (var entry in shapes_)
            {
                key.Append('|').Append(entry.Key).Append(':').Append(string.Join(",", entry.Value.Min));
                key.Append(':').Append(string.Join(",", entry.Value.Opt)).Append(':').Append(string.Join(",", entry.Value.Max));
            }
            ulong hash = 14695981039346656037UL;
            foreach (byte b in Encoding.UTF8.GetBytes(key.ToString())) hash = (hash ^ b) * 1099511628211UL;
            return Path.Combine(CacheDir, Path.GetFileNameWithoutExtension(modelPath) + "-" + hash.ToString("x16") + ".hone");
        }
    }
}
