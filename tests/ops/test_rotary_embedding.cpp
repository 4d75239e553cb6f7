// RotaryEmbedding: rotations by hand (half-split and interleaved), partial rotary dim,
// position_ids lookup vs explicit caches, packed 3-D input, error cases.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;

TEST(RotaryEmbedding, HalfSplitAndInterleavedByHand) {
  // One token, one head, head_size 4: pairs (x0,x2),(x1,x3) or (x0,x1),(x2,x3).
  const Tensor x = make_float({1, 1, 1, 4}, {1, 2, 3, 4});
  const Tensor cos = make_float({1, 1, 2}, {0.5f, 0}), sin = make_float({1, 1, 2}, {0.25f, 1});
  auto r = run_op({.op_type = "RotaryEmbedding", .inputs = {Datum::of(x), Datum::of(cos), Datum::of(sin)}, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // pair0 (1,3): (0.5*1-0.25*3, 0.25*1+0.5*3); pair1 (2,4): (0*2-1*4, 1*2+0*4)
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 4}, {-0.25f, -4, 1.75f, 2}), 1e-6, 1e-7));
  ir::Attributes a;
  a.set("interleaved", Attribute::of_int(1));
  r = run_op({.op_type = "RotaryEmbedding", .inputs = {Datum::of(x), Datum::of(cos), Datum::of(sin)}, .attrs = a, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // pair0 (1,2): (0.5-0.5, 0.25+1); pair1 (3,4): (-4, 3)
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 4}, {0, 1.25f, -4, 3}), 1e-6, 1e-7));
}

TEST(RotaryEmbedding, PositionIdsEqualGatheredCachesAndPackedInput) {
  const int64_t B = 2, S = 3, H = 2, D = 6, rot = 4;
  const Tensor x = random_float({B, S, H * D}, 1);
  const Tensor cos_table = random_float({7, rot / 2}, 2), sin_table = random_float({7, rot / 2}, 3);
  const std::vector<int64_t> pos = {0, 4, 6, 1, 1, 5};
  Tensor cos = Tensor::zeros(DataType::Float, {B, S, rot / 2}), sin = Tensor::zeros(DataType::Float, {B, S, rot / 2});
  for (size_t i = 0; i < pos.size(); ++i)
    for (int64_t j = 0; j < rot / 2; ++j) {
      cos.data<float>()[i * 2 + j] = cos_table.data<float>()[pos[i] * 2 + j];
      sin.data<float>()[i * 2 + j] = sin_table.data<float>()[pos[i] * 2 + j];
    }
  ir::Attributes a;
  a.set("num_heads", Attribute::of_int(H));
  a.set("rotary_embedding_dim", Attribute::of_int(rot));
  auto with_ids = run_op({.op_type = "RotaryEmbedding",
                          .inputs = {Datum::of(x), Datum::of(cos_table), Datum::of(sin_table), Datum::of(make_int64({B, S}, pos))},
                          .attrs = a, .opset = 23});
  auto direct = run_op({.op_type = "RotaryEmbedding", .inputs = {Datum::of(x), Datum::of(cos), Datum::of(sin)}, .attrs = a, .opset = 23});
  ASSERT_TRUE(with_ids.is_ok()) << with_ids.status().to_string();
  ASSERT_TRUE(direct.is_ok()) << direct.status().to_string();
  EXPECT_TRUE(tensors_near(with_ids->at(0).tensor, direct->at(0).tensor, 0, 0));
  // Features past rotary_embedding_dim pass through.
  for (int64_t t = 0; t < B * S * H; ++t)
    for (int64_t d = rot; d < D; ++d) EXPECT_EQ(direct->at(0).tensor.data<float>()[t * D + d], x.data<float>()[t * D + d]);
}

TEST(RotaryEmbedding, OutOfRangePositionIsAnError) {
  auto r = run_op({.op_type = "RotaryEmbedding",
                   .inputs = {Datum::of(random_float({1, 1, 1, 4}, 1)), Datum::of(random_float({3, 2}, 2)),
                              Datum::of(random_float({3, 2}, 3)), Datum::of(make_int64({1, 1}, {3}))},
                   .opset = 23});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("out of range"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
