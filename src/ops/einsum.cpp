// Einsum: y[out labels] = sum over the other labels of prod_i x_i[labels of term i].
// "ij,jk->ik" (explicit output) or "ij,jk" (implicit: the labels used once, in alphabetical
// order, after the broadcast "..." dims). A label repeated inside one term walks a diagonal;
// "..." stands for the leading dims that term does not name, broadcast across terms.
#include <algorithm>
#include <array>

#include "ops/linalg.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

// Labels are 0..51 for a-z/A-Z; the k-th "..." dim from the right is kEllipsisBase + k.
constexpr int kEllipsisBase = 64;

int label_of(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  return -1;
}

// One term of the equation: its letters (in order) and where "..." sits (-1: absent).
struct Term {
  std::vector<int> letters;
  int ellipsis_at = -1;
};

struct Equation {
  std::vector<Term> inputs;
  bool explicit_output = false;
  Term output;
};

Result<Term> parse_term(const AttrReader& ctx, const std::string& s) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s.compare(i, 3, "...") != 0 || t.ellipsis_at >= 0) return ctx.error("bad ellipsis in equation term '" + s + "'");
      t.ellipsis_at = static_cast<int>(t.letters.size());
      i += 2;
      continue;
    }
    const int l = label_of(s[i]);
    if (l < 0) return ctx.error(std::string("bad character '") + s[i] + "' in equation");
    t.letters.push_back(l);
  }
  return t;
}

Result<Equation> parse_equation(const AttrReader& ctx) {
  std::string eq;
  for (char c : ctx.attr_string("equation")) {
    if (c != ' ') eq += c;
  }
  Equation e;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    HONE_ASSIGN_OR_RETURN(Term t, parse_term(ctx, lhs.substr(start, comma == std::string::npos ? comma : comma - start)));
    e.inputs.push_back(std::move(t));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (arrow != std::string::npos) {
    e.explicit_output = true;
    HONE_ASSIGN_OR_RETURN(e.output, parse_term(ctx, eq.substr(arrow + 2)));
  }
  return e;
}

// The full label list of a term for an input of `rank` dims ("..." expanded).
Result<std::vector<int>> expand_term(const AttrReader& ctx, const Term& t, int64_t rank, int64_t* ellipsis_rank) {
  const auto named = static_cast<int64_t>(t.letters.size());
  if (t.ellipsis_at < 0 ? rank != named : rank < named) {
    return ctx.bad_input("equation term has " + std::to_string(named) + " labels but the input has rank " +
                         std::to_string(rank));
  }
  const int64_t e = rank - named;
  *ellipsis_rank = std::max(*ellipsis_rank, e);
  std::vector<int> labels(t.letters.begin(), t.letters.end());
  if (t.ellipsis_at >= 0) {
    std::vector<int> ell;
    for (int64_t k = e; k-- > 0;) ell.push_back(kEllipsisBase + static_cast<int>(k));
    labels.insert(labels.begin() + t.ellipsis_at, ell.begin(), ell.end());
  }
  return labels;
}

// The plan: every label's size, the output labels, and each input's labels.
struct Plan {
  std::array<int64_t, 128> size{};
  std::vector<int> out_labels;
  std::vector<int> sum_labels;
  std::vector<std::vector<int>> in_labels;
};

Result<Plan> make_plan(const AttrReader& ctx, const std::vector<Shape>& shapes) {
  HONE_ASSIGN_OR_RETURN(Equation eq, parse_equation(ctx));
  if (eq.inputs.size() != shapes.size()) {
    return ctx.bad_input("equation has " + std::to_string(eq.inputs.size()) + " terms for " +
                         std::to_string(shapes.size()) + " inputs");
  }
  Plan p;
  p.size.fill(-1);
  int64_t ellipsis_rank = 0;
  std::array<int, 128> count{};
  for (size_t i = 0; i < shapes.size(); ++i) {
    HONE_ASSIGN_OR_RETURN(std::vector<int> labels,
                          expand_term(ctx, eq.inputs[i], static_cast<int64_t>(shapes[i].size()), &ellipsis_rank));
    for (size_t d = 0; d < labels.size(); ++d) {
      const int l = labels[d];
      const int64_t s = shapes[i][d];
      ++count[static_cast<size_t>(l)];
      int64_t& known = p.size[static_cast<size_t>(l)];
      // "..." dims broadcast (1 stretches); letters must agree.
      if (known < 0 || (l >= kEllipsisBase && known == 1)) {
        known = s;
      } else if (known != s && !(l >= kEllipsisBase && s == 1)) {
        return ctx.bad_input("label sizes disagree in einsum: " + std::to_string(known) + " vs " + std::to_string(s));
      }
    }
    p.in_labels.push_back(std::move(labels));
  }
  std::vector<int> ell;
  for (int64_t k = ellipsis_rank; k-- > 0;) ell.push_back(kEllipsisBase + static_cast<int>(k));
  if (eq.explicit_output) {
    for (int l : eq.output.letters) {
      if (p.size[static_cast<size_t>(l)] < 0) return ctx.error("output label does not appear in any input");
    }
    p.out_labels = eq.output.letters;
    if (eq.output.ellipsis_at >= 0) p.out_labels.insert(p.out_labels.begin() + eq.output.ellipsis_at, ell.begin(), ell.end());
  } else {
    // Implicit: "..." dims, then letters used exactly once in ASCII order (A-Z before a-z).
    p.out_labels = ell;
    std::vector<std::pair<char, int>> once;
    for (int l = 0; l < 52; ++l) {
      if (count[static_cast<size_t>(l)] == 1) once.emplace_back(static_cast<char>(l < 26 ? 'a' + l : 'A' + l - 26), l);
    }
    std::sort(once.begin(), once.end());
    for (const auto& [c, l] : once) p.out_labels.push_back(l);
  }
  for (int l = 0; l < 128; ++l) {
    if (p.size[static_cast<size_t>(l)] >= 0 &&
        std::find(p.out_labels.begin(), p.out_labels.end(), l) == p.out_labels.end()) {
      p.sum_labels.push_back(l);
    }
  }
  for (int l : ell) {
    if (p.size[static_cast<size_t>(l)] < 0) p.size[static_cast<size_t>(l)] = 1;
  }
  return p;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16,
                                            DataType::Int8, DataType::Int16, DataType::Int32, DataType::Int64,
                                            DataType::UInt8, DataType::UInt16, DataType::UInt32, DataType::UInt64}));
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.input_dtype(i) != ctx.input_dtype(0)) return ctx.error("all inputs must have the same element type");
    if (!ctx.input_shape(i).is_static()) {
      ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
      return Status::ok();
    }
    shapes.push_back(ctx.input_shape(i).to_static());
  }
  HONE_ASSIGN_OR_RETURN(Plan p, make_plan(ctx, shapes));
  Shape out;
  for (int l : p.out_labels) out.push_back(p.size[static_cast<size_t>(l)]);
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) shapes.push_back(ctx.input(i).shape());
  HONE_ASSIGN_OR_RETURN(Plan p, make_plan(ctx, shapes));
  // Each input's stride per label (a repeated label adds its strides: a diagonal; a
  // broadcast "..." dim of size 1 gets stride 0).
  const size_t n_in = shapes.size();
  std::vector<std::array<int64_t, 128>> stride(n_in);
  for (size_t i = 0; i < n_in; ++i) {
    stride[i].fill(0);
    const std::vector<int64_t> st = shape_strides(shapes[i]);
    for (size_t d = 0; d < shapes[i].size(); ++d) {
      if (shapes[i][d] != 1 || p.size[static_cast<size_t>(p.in_labels[i][d])] == 1) {
        stride[i][static_cast<size_t>(p.in_labels[i][d])] += st[d];
      }
    }
  }
  // Loop order: output labels (row-major over the output), then summed labels.
  std::vector<int> loop = p.out_labels;
  loop.insert(loop.end(), p.sum_labels.begin(), p.sum_labels.end());
  int64_t n_out = 1;
  int64_t n_sum = 1;
  for (int l : p.out_labels) n_out *= p.size[static_cast<size_t>(l)];
  for (int l : p.sum_labels) n_sum *= p.size[static_cast<size_t>(l)];
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Numeric>(ctx.input(0).dtype(), "Einsum", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using A = LinalgAcc<T>;
    std::vector<const T*> x(n_in);
    for (size_t i = 0; i < n_in; ++i) x[i] = ctx.input(i).template data<T>();
    std::vector<int64_t> idx(loop.size(), 0);
    std::vector<int64_t> off(n_in, 0);
    T* out = y.data<T>();
    for (int64_t o = 0; o < n_out; ++o) {
      A acc = 0;
      for (int64_t s = 0; s < n_sum; ++s) {
        A prod = 1;
        for (size_t i = 0; i < n_in; ++i) prod *= to_linalg_acc<T>(x[i][off[i]]);
        acc += prod;
        // Odometer step over all loop labels, last fastest, updating each input offset.
        for (size_t d = loop.size(); d-- > 0;) {
          const auto l = static_cast<size_t>(loop[d]);
          if (++idx[d] < p.size[l]) {
            for (size_t i = 0; i < n_in; ++i) off[i] += stride[i][l];
            break;
          }
          for (size_t i = 0; i < n_in; ++i) off[i] -= stride[i][l] * (idx[d] - 1);
          idx[d] = 0;
        }
      }
      if (n_sum == 0 && o + 1 < n_out) {
        // Nothing to sum: the odometer did not move; step the output labels by hand.
        for (size_t d = p.out_labels.size(); d-- > 0;) {
          const auto l = static_cast<size_t>(loop[d]);
          if (++idx[d] < p.size[l]) {
            for (size_t i = 0; i < n_in; ++i) off[i] += stride[i][l];
            break;
          }
          for (size_t i = 0; i < n_in; ++i) off[i] -= stride[i][l] * (idx[d] - 1);
          idx[d] = 0;
        }
      }
      out[o] = from_linalg_acc<T>(acc);
    }
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Einsum){
    .name = "Einsum",
    .min_inputs = 1,
    .max_inputs = kVariadic,
    .attrs = {attr_required("equation", AttrType::String)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
