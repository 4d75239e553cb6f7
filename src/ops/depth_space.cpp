// DepthToSpace / SpaceToDepth on NCHW with block size b, as a reshape + transpose + reshape:
//   DepthToSpace DCR: [N, b, b, C/b², H, W] -perm(0,3,4,1,5,2)-> [N, C/b², H*b, W*b]
//   DepthToSpace CRD: [N, C/b², b, b, H, W] -perm(0,1,4,2,5,3)-> [N, C/b², H*b, W*b]
//   SpaceToDepth:     [N, C, H/b, b, W/b, b] -perm(0,3,5,1,2,4)-> [N, C*b², H/b, W/b]
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

struct Plan {
  Shape out, in6, out6;  // final shape, input viewed 6-D, output viewed 6-D (permuted)
  std::vector<int64_t> perm;
};

template <bool kToSpace>
Result<Plan> plan(const AttrReader& ctx, const Shape& in) {
  if (in.size() != 4) return ctx.bad_input("input must be 4-D (NCHW)");
  const int64_t b = ctx.attr_int("blocksize");
  // The bound keeps b * b from overflowing.
  if (b < 1 || b > (int64_t{1} << 31)) return ctx.error("blocksize must be in [1, 2^31], got " + std::to_string(b));
  const int64_t n = in[0], c = in[1], h = in[2], w = in[3];
  Plan p;
  if constexpr (kToSpace) {
    if (c % (b * b) != 0) return ctx.bad_input("channels " + std::to_string(c) + " are not divisible by blocksize²");
    const int64_t cc = c / (b * b);
    p.out = {n, cc, h * b, w * b};
    const std::string& mode = ctx.attr_string("mode");
    if (mode == "DCR") {
      p.in6 = {n, b, b, cc, h, w};
      p.perm = {0, 3, 4, 1, 5, 2};
    } else if (mode == "CRD") {
      p.in6 = {n, cc, b, b, h, w};
      p.perm = {0, 1, 4, 2, 5, 3};
    } else {
      return ctx.error("unknown mode '" + mode + "'");
    }
  } else {
    if (h % b != 0 || w % b != 0) return ctx.bad_input("height and width must be divisible by blocksize");
    p.out = {n, c * b * b, h / b, w / b};
    p.in6 = {n, c, h / b, b, w / b, b};
    p.perm = {0, 3, 5, 1, 2, 4};
  }
  for (int64_t d : p.perm) p.out6.push_back(p.in6[static_cast<size_t>(d)]);
  return p;
}

template <bool kToSpace>
Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  if (auto s = static_shape(ctx, 0)) {
    HONE_ASSIGN_OR_RETURN(Plan p, plan<kToSpace>(ctx, *s));
    ctx.set_output(0, dt, ir::TensorShape::of(p.out));
  } else {
    ctx.set_output(0, dt, unknown_shape(4));
  }
  return Status::ok();
}

template <bool kToSpace>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(Plan p, plan<kToSpace>(ctx, x.shape()));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), p.out));
  HONE_ASSIGN_OR_RETURN(Tensor x6, x.reshaped(p.in6));
  HONE_ASSIGN_OR_RETURN(Tensor y6, y->reshaped(p.out6));  // shares y's storage
  permute_copy(x6, p.perm, y6);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(DepthToSpace){
    .name = "DepthToSpace",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("blocksize", AttrType::Int), attr_string("mode", "DCR")},
    .infer = infer<true>,
    .run = run<true>,
};

HONE_DEFINE_OP(SpaceToDepth){
    .name = "SpaceToDepth",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("blocksize", AttrType::Int)},
    .infer = infer<false>,
    .run = run<false>,
};

}  // namespace hone::ops
