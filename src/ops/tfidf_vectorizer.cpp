// TfIdfVectorizer: counts, per row of X ([C] or [N, C], integers or strings), the n-grams of
// the pool (pool_int64s / pool_strings; ngram_counts[k] is where the (k+1)-grams start) that
// occur with lengths min_gram_length..max_gram_length and gaps of 0..max_skip_count items
// between consecutive tokens. Y[row, ngram_indexes[j]] is then, for pool n-gram j with count c
// and weight w (weights, default 1): TF c, IDF (c > 0 ? w : 0), TFIDF c * w.
#include <map>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

struct Config {
  int64_t min_len = 0, max_len = 0, max_skip = 0;
  std::string mode;
  std::map<std::vector<std::string>, int64_t> pool;  // n-gram -> output column
  std::vector<double> weights;                      // per output column
  int64_t columns = 0;
};

std::string token(const Tensor& t, int64_t i) {
  return t.dtype() == DataType::String ? t.strings()[i] : std::to_string(t.get_int64(i));
}

Result<Config> load(const AttrReader& ctx) {
  Config c;
  c.min_len = ctx.attr_int("min_gram_length");
  c.max_len = ctx.attr_int("max_gram_length");
  c.max_skip = ctx.attr_int("max_skip_count");
  c.mode = ctx.attr_string("mode");
  if (c.mode != "TF" && c.mode != "IDF" && c.mode != "TFIDF") return ctx.error("mode must be TF, IDF or TFIDF, got '" + c.mode + "'");
  if (c.min_len < 1 || c.max_len < c.min_len) return ctx.error("need 1 <= min_gram_length <= max_gram_length");
  if (c.max_skip < 0) return ctx.error("max_skip_count must be >= 0");
  std::vector<std::string> pool;
  if (ctx.has_attr("pool_strings")) {
    pool = ctx.attr_strings("pool_strings");
  } else if (ctx.has_attr("pool_int64s")) {
    for (int64_t v : ctx.attr_ints("pool_int64s")) pool.push_back(std::to_string(v));
  } else {
    return ctx.error("one of pool_strings or pool_int64s is required");
  }
  const std::vector<int64_t>& counts = ctx.attr_ints("ngram_counts");
  const std::vector<int64_t>& indexes = ctx.attr_ints("ngram_indexes");
  for (int64_t i : indexes) {
    if (i < 0) return ctx.error("ngram_indexes holds a negative index");
    c.columns = std::max(c.columns, i + 1);
  }
  // The pool, split by ngram_counts: counts[k] .. counts[k+1] holds (k+1)-grams.
  size_t j = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    const int64_t n = static_cast<int64_t>(k) + 1;
    const int64_t begin = counts[k];
    const int64_t end = k + 1 < counts.size() ? counts[k + 1] : static_cast<int64_t>(pool.size());
    if (begin < 0 || end < begin || end > static_cast<int64_t>(pool.size()) || (end - begin) % n != 0) {
      return ctx.error("ngram_counts does not split the pool into whole " + std::to_string(n) + "-grams");
    }
    for (int64_t p = begin; p < end; p += n, ++j) {
      if (j >= indexes.size()) return ctx.error("ngram_indexes has fewer entries than the pool has n-grams");
      c.pool[std::vector<std::string>(pool.begin() + p, pool.begin() + p + n)] = indexes[j];
    }
  }
  c.weights.assign(static_cast<size_t>(c.columns), 1.0);
  if (ctx.has_attr("weights")) {
    const std::vector<float>& w = ctx.attr_floats("weights");
    if (w.size() != j) return ctx.error("weights must have one entry per pool n-gram");
    for (size_t k = 0; k < j; ++k) c.weights[static_cast<size_t>(indexes[k])] = w[k];
  }
  return c;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::String, DataType::Int32, DataType::Int64}));
  HONE_ASSIGN_OR_RETURN(Config c, load(ctx));
  const ir::TensorShape& x = ctx.input_shape(0);
  ir::TensorShape out;
  if (x.has_rank) {
    if (x.rank() == 1) out = ir::TensorShape::of({c.columns});
    else if (x.rank() == 2) {
      out = ir::TensorShape::of_rank(2);
      out.dims[0] = x.dims[0];
      out.dims[1] = c.columns;
    } else {
      return ctx.bad_input("X must be [C] or [N, C], got " + x.to_string());
    }
  }
  ctx.set_output(0, DataType::Float, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Config c, load(ctx));
  const Tensor& x = ctx.input(0);
  const int64_t rows = x.rank() == 2 ? x.dim(0) : 1;
  const int64_t len = x.rank() == 2 ? x.dim(1) : x.numel();
  float* y = ctx.output(0).data<float>();
  std::vector<double> count(static_cast<size_t>(c.columns));
  for (int64_t r = 0; r < rows; ++r) {
    std::fill(count.begin(), count.end(), 0.0);
    for (int64_t start = 0; start < len; ++start) {
      // Unigrams once; longer n-grams once per gap (skip) size.
      for (int64_t skip = 0; skip <= c.max_skip; ++skip) {
        std::vector<std::string> gram;
        for (int64_t n = 1; n <= c.max_len; ++n) {
          const int64_t pos = start + (n - 1) * (skip + 1);
          if (pos >= len) break;
          gram.push_back(token(x, r * len + pos));
          if (n < c.min_len || (n == 1 && skip > 0)) continue;
          auto it = c.pool.find(gram);
          if (it != c.pool.end()) count[static_cast<size_t>(it->second)] += 1.0;
        }
      }
    }
    for (int64_t col = 0; col < c.columns; ++col) {
      const double n = count[static_cast<size_t>(col)], w = c.weights[static_cast<size_t>(col)];
      const double v = c.mode == "TF" ? n : c.mode == "IDF" ? (n > 0 ? w : 0.0) : n * w;
      y[r * c.columns + col] = static_cast<float>(v);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(TfIdfVectorizer){
    .name = "TfIdfVectorizer",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("max_gram_length", AttrType::Int), attr_required("max_skip_count", AttrType::Int),
              attr_required("min_gram_length", AttrType::Int), attr_required("mode", AttrType::String),
              attr_required("ngram_counts", AttrType::Ints), attr_required("ngram_indexes", AttrType::Ints),
              attr_optional("pool_int64s", AttrType::Ints), attr_optional("pool_strings", AttrType::Strings),
              attr_optional("weights", AttrType::Floats)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
