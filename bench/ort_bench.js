// ONNX Runtime side of bench/compare_ort.sh: times one model with the official CPU build
// (npm onnxruntime-node) and prints a JSON line. Usage:
//   node ort_bench.js MODEL THREADS ITERATIONS WARMUP INPUTS_JSON
// INPUTS_JSON: [{"name": "images", "dtype": "float32", "shape": [1,3,640,640]}, ...].
// Inputs hold the same deterministic pattern as Hone's generated inputs: element i of a float
// tensor is (i mod 97) / 97 - 0.5.
'use strict';
const path = require('path');
const ort = require(path.join(process.env.HONE_ORT_DIR || path.join(__dirname, '..', '.bench', 'ort'), 'node_modules', 'onnxruntime-node'));

function makeInput(spec) {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.dtype) {
    case 'float32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; ++i) a[i] = (i % 97) / 97 - 0.5;
      return new ort.Tensor('float32', a, spec.shape);
    }
    case 'int64': {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; ++i) a[i] = BigInt(i % 10);
      return new ort.Tensor('int64', a, spec.shape);
    }
    case 'int32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; ++i) a[i] = i % 10;
      return new ort.Tensor('int32', a, spec.shape);
    }
    default:
      throw new Error(`input ${spec.name}: element type ${spec.dtype} is not supported by this script`);
  }
}

async function main() {
  const [model, threads, iterations, warmup, inputsJson] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,  // errors only: ORT warns about unused initializers of some models
  });
  const feeds = {};
  for (const spec of JSON.parse(inputsJson)) feeds[spec.name] = makeInput(spec);
  for (let i = 0; i < Number(warmup); ++i) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < Number(iterations); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(JSON.stringify({
    median_ms: ms[Math.floor(ms.length / 2)],
    min_ms: ms[0],
    mean_ms: mean,
    iterations: ms.length,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  }));
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message}`);
  process.exit(1);
});
