// Tactic selection by measurement (tuner.hpp).
#include "tune/tuner.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>  // _mm_clflush (SSE2: every x86-64)
#endif

#include "ops/node_runner.hpp"

namespace hone::tune {
namespace {

// Relative timing difference under which two tactics count as equally fast.
constexpr double kTimingNoise = 0.03;

// Evicts [p, p + bytes) from every cache level, so a timed run reads it from memory as a
// network's run does: its weights are evicted by the other layers' between two inferences
// (ResNet-50 streams ~100 MB of them), and a tactic with bigger packed weights (Winograd's
// are 4x the direct kernel's) must pay for them.
void evict_from_caches(const void* p, size_t bytes) {
#if defined(__x86_64__) || defined(__i386__)
  const auto* b = static_cast<const char*>(p);
  for (size_t i = 0; i < bytes; i += 64) _mm_clflush(b + i);
  if (bytes > 0) _mm_clflush(b + bytes - 1);
  _mm_mfence();
#else
  (void)p;
  (void)bytes;
#endif
}

bool allowed(const TuneOptions& options, std::string_view id) {
  if (options.allowed_tactics.empty()) return true;
  for (const std::string& a : options.allowed_tactics) {
    if (id == a || (id.size() > a.size() && id.substr(0, a.size()) == a && id[a.size()] == '.')) return true;
  }
  return false;
}

// Seeded random contents for a timing input: floats in [-1, 1), integers in [0, 4) (small
// enough to be valid indices for most gathers), bools alternating.
Tensor random_input(const ir::Type& t, uint64_t seed) {
  Tensor x = Tensor::zeros(t.dtype, t.shape.to_static());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  (void)dispatch_dtype<TypeSet::NumericBool>(t.dtype, "timing input", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* p = x.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      if constexpr (std::is_same_v<T, bool>) p[i] = (i % 2) == 0;
      else if constexpr (kIsFloating<T>) p[i] = T(real(rng));
      else p[i] = static_cast<T>(rng() % 4);
    }
    return Status::ok();
  });
  return x;
}

bool timeable(const ir::Type& t) { return t.is_tensor() && t.shape.is_static() && t.dtype != DataType::Undefined; }

}  // namespace

std::string layer_signature(const LayerDesc& layer) {
  const ir::Node& n = *layer.node;
  std::string s = n.domain() + "::" + n.op_type() + "/" + std::to_string(n.opset()) + "|";
  for (const auto& [name, a] : n.attrs().items()) s += name + "=" + a.to_string() + ";";
  s += "|in:";
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    const ir::Value* v = n.input(i);
    s += (i ? "," : "") + (v ? layer.input_types[i].to_string() : std::string("_"));
    if (v && v->is_constant()) s += "c";
  }
  s += "|out:";
  for (size_t i = 0; i < layer.output_types.size(); ++i) s += (i ? "," : "") + layer.output_types[i].to_string();
  s += "|" + std::string(dtype_name(layer.precision));
  return s;
}

Result<double> time_tactic(const Tactic& tactic, const LayerDesc& layer, std::span<const Tensor> packed, int iterations,
                           ThreadPool* pool, double give_up_ms) {
  ThreadPool single(1);
  ThreadPool& threads = pool ? *pool : single;
  const ir::Node& node = *layer.node;
  std::vector<Datum> inputs(layer.input_types.size());
  std::vector<const Datum*> input_ptrs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value* v = node.input(i);
    if (!v) {
      input_ptrs.push_back(nullptr);
      continue;
    }
    if (v->is_constant()) {
      inputs[i] = Datum::of(v->constant());
    } else if (timeable(layer.input_types[i])) {
      inputs[i] = Datum::of(random_input(layer.input_types[i], 0x7135 + i));
    } else {
      return invalid_argument("input " + std::to_string(i) + " has no static tensor type");
    }
    input_ptrs.push_back(&inputs[i]);
  }
  for (const ir::Type& t : layer.output_types) {
    if (t.kind != ir::TypeKind::Unknown && !timeable(t)) return invalid_argument("an output has no static tensor type");
  }
  HONE_ASSIGN_OR_RETURN(Tensor workspace,
                        Tensor::create(DataType::UInt8, {static_cast<int64_t>(tactic.workspace_bytes(layer))}));
  std::vector<double> ms;
  for (int it = 0; it <= std::max(1, iterations); ++it) {
    std::vector<Datum> outputs(node.num_outputs());
    for (size_t k = 0; k < outputs.size(); ++k) {
      outputs[k].tensor = Tensor();
      if (node.output(k) && timeable(layer.output_types[k])) {
        HONE_ASSIGN_OR_RETURN(outputs[k].tensor,
                              Tensor::create(layer.output_types[k].dtype, layer.output_types[k].shape.to_static()));
      }
    }
    ops::KernelContext ctx(node, input_ptrs, &outputs, nullptr, 0x5eed);
    const LayerRun run{ctx, packed, {static_cast<std::byte*>(workspace.raw()), workspace.nbytes()}, threads};
    // Weights (packed, and the layer's constants) come from memory, as in a network's run.
    for (const Tensor& t : packed) evict_from_caches(t.raw(), t.nbytes());
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (node.input(i) && node.input(i)->is_constant() && inputs[i].tensor.defined()) {
        evict_from_caches(inputs[i].tensor.raw(), inputs[i].tensor.nbytes());
      }
    }
    const auto start = std::chrono::steady_clock::now();
    HONE_RETURN_IF_ERROR(ops::run_kernel([&](ops::KernelContext&) { return tactic.run(run); }, ctx));
    const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (it == 0 && t > give_up_ms) {
      threads.sleep_workers();
      return t;  // already far slower than the best candidate
    }
    if (it > 0) ms.push_back(t);  // the first run warms caches and page tables
  }
  threads.sleep_workers();
  // The fastest run: other work on the machine only ever adds time, so the minimum is the
  // estimate least disturbed by it (medians of a shared 2-core machine picked scalar kernels).
  return *std::min_element(ms.begin(), ms.end());
}

Result<double> time_tactic_on_device(const Backend& backend, const Tactic& tactic, const LayerDesc& layer,
                                     std::span<const Tensor> packed, int iterations, double give_up_ms) {
  HONE_ASSIGN_OR_RETURN(std::shared_ptr<Stream> stream, backend.create_stream());
  // A device tensor of this type and shape, kept alive by the tensor itself.
  auto device_tensor = [&](DataType dtype, const Shape& shape) -> Result<Tensor> {
    const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
    HONE_ASSIGN_OR_RETURN(Tensor mem, backend.allocate(bytes, stream));
    return Tensor::wrap_device(dtype, shape, mem.raw(), std::make_shared<Tensor>(mem));
  };
  auto upload = [&](const Tensor& host) -> Result<Tensor> {
    if (host.dtype() == DataType::String) return unsupported("string tensors cannot go to a device");
    HONE_ASSIGN_OR_RETURN(Tensor t, device_tensor(host.dtype(), host.shape()));
    HONE_RETURN_IF_ERROR(backend.copy(t.raw(), host.raw(), host.nbytes(), *stream));
    return t;
  };
  const ir::Node& node = *layer.node;
  std::vector<Tensor> host_inputs(layer.input_types.size());  // alive until the copies ran
  std::vector<Datum> inputs(layer.input_types.size());
  std::vector<const Datum*> input_ptrs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value* v = node.input(i);
    if (!v) {
      input_ptrs.push_back(nullptr);
      continue;
    }
    if (v->is_constant()) {
      host_inputs[i] = v->constant();
    } else if (timeable(layer.input_types[i])) {
      host_inputs[i] = random_input(layer.input_types[i], 0x7135 + i);
    } else {
      return invalid_argument("input " + std::to_string(i) + " has no static tensor type");
    }
    HONE_ASSIGN_OR_RETURN(Tensor t, upload(host_inputs[i]));
    inputs[i] = Datum::of(std::move(t));
    input_ptrs.push_back(&inputs[i]);
  }
  std::vector<Datum> outputs(node.num_outputs());
  for (size_t k = 0; k < outputs.size(); ++k) {
    outputs[k].tensor = Tensor();
    if (!node.output(k)) continue;
    if (!timeable(layer.output_types[k])) return invalid_argument("an output has no static tensor type");
    HONE_ASSIGN_OR_RETURN(outputs[k].tensor,
                          device_tensor(layer.output_types[k].dtype, layer.output_types[k].shape.to_static()));
  }
  std::vector<Tensor> device_packed;
  for (const Tensor& t : packed) {
    HONE_ASSIGN_OR_RETURN(Tensor d, upload(t));
    device_packed.push_back(std::move(d));
  }
  HONE_ASSIGN_OR_RETURN(Tensor workspace, backend.allocate(tactic.workspace_bytes(layer), stream));
  HONE_ASSIGN_OR_RETURN(std::unique_ptr<StreamTimer> timer, backend.create_timer(stream));
  ThreadPool single(1);
  std::vector<double> ms;
  for (int it = 0; it <= std::max(1, iterations); ++it) {
    ops::KernelContext ctx(node, input_ptrs, &outputs, nullptr, 0x5eed);
    const LayerRun run{ctx,    device_packed, {static_cast<std::byte*>(workspace.raw()), workspace.nbytes()},
                       single, stream.get(),  packed};
    HONE_RETURN_IF_ERROR(timer->start());
    HONE_RETURN_IF_ERROR(tactic.run(run));
    HONE_RETURN_IF_ERROR(timer->stop());
    HONE_ASSIGN_OR_RETURN(const float t, timer->elapsed_ms());
    if (it == 0 && t > give_up_ms) return static_cast<double>(t);
    if (it > 0) ms.push_back(t);  // the first run loads the kernels and warms the caches
  }
  HONE_RETURN_IF_ERROR(stream->synchronize());
  return *std::min_element(ms.begin(), ms.end());
}

Result<TacticChoice> choose_tactic(const Backend& backend, const LayerDesc& layer, const CpuFeatures& cpu,
                                   const TuneOptions& options, TimingCache* cache) {
  std::vector<const Tactic*> candidates;
  std::vector<const Tactic*> supported = backend.candidates(layer, cpu);
  for (const Tactic* t : supported) {
    if (options.workspace_limit > 0 && t->workspace_bytes(layer) > options.workspace_limit) continue;
    if (allowed(options, t->id())) candidates.push_back(t);
  }
  if (candidates.empty()) {
    // Nothing allowed fits: any supported tactic within the workspace limit.
    for (const Tactic* t : supported) {
      if (options.workspace_limit == 0 || t->workspace_bytes(layer) <= options.workspace_limit) candidates.push_back(t);
    }
  }
  if (candidates.empty()) {
    return unsupported(supported.empty() ? "no tactic supports it" : "every tactic needs more workspace than the limit");
  }
  // The fallback (reference) kernels compete only when nothing else can run the layer.
  if (std::any_of(candidates.begin(), candidates.end(), [](const Tactic* t) { return !t->is_fallback(); })) {
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(), [](const Tactic* t) { return t->is_fallback(); }),
                     candidates.end());
  }
  TacticChoice choice;
  // Layers whose shapes are only known at run time (or that read sequences) cannot be
  // timed: they keep the backend's preference order.
  bool can_time = true;
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    const ir::Value* v = layer.node->input(i);
    if (v && !v->is_constant() && !timeable(layer.input_types[i])) can_time = false;
  }
  for (const ir::Type& t : layer.output_types) can_time &= t.kind == ir::TypeKind::Unknown || timeable(t);
  if (candidates.size() == 1 || !can_time) {
    choice.tactic = candidates.front();
    return choice;
  }
  const std::string signature = layer_signature(layer);
  choice.from_cache = cache != nullptr;
  for (const Tactic* t : candidates) {
    const std::string id(t->id());
    std::optional<double> ms = cache ? cache->lookup(signature, id) : std::nullopt;
    if (!ms) {
      choice.from_cache = false;
      auto packed = t->prepare(layer);
      if (!packed.is_ok()) continue;
      double best = std::numeric_limits<double>::infinity();
      for (const engine::TacticTiming& done : choice.timings) best = std::min(best, done.ms);
      auto timed = backend.memory_space() == MemorySpace::Device
                       ? time_tactic_on_device(backend, *t, layer, *packed, options.iterations, 4 * best)
                       : time_tactic(*t, layer, *packed, options.iterations, options.pool, 4 * best);
      if (!timed.is_ok()) continue;  // this tactic fails on the layer: not a candidate
      ms = *timed;
      if (cache) cache->insert(signature, id, *ms);
    }
    choice.timings.push_back({id, *ms});
  }
  if (choice.timings.empty()) {
    // Every candidate failed on random inputs (e.g. indices a gather rejects): untimeable.
    choice.tactic = candidates.front();
    choice.from_cache = false;
    return choice;
  }
  std::stable_sort(choice.timings.begin(), choice.timings.end(),
                   [](const engine::TacticTiming& a, const engine::TacticTiming& b) { return a.ms < b.ms; });
  // Within the timing noise of the fastest, the backend's order (its expectation: wider ISA
  // first) decides: the tactic earliest in the candidate list.
  const double near_best = choice.timings.front().ms * (1.0 + kTimingNoise);
  const engine::TacticTiming* pick = &choice.timings.front();
  size_t pick_rank = candidates.size();
  for (const engine::TacticTiming& t : choice.timings) {
    if (t.ms > near_best) break;
    for (size_t r = 0; r < candidates.size(); ++r) {
      if (candidates[r]->id() == t.tactic && r < pick_rank) {
        pick_rank = r;
        pick = &t;
      }
    }
  }
  std::rotate(choice.timings.begin(), choice.timings.begin() + (pick - choice.timings.data()),
              choice.timings.begin() + (pick - choice.timings.data()) + 1);
  choice.tactic = backend.find_tactic(choice.timings.front().tactic);
  return choice;
}

}  // namespace hone::tune
