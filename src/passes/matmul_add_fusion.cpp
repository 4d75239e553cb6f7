// matmul_add_fusion: MatMul(A, B) followed by Add(., bias) becomes one layer that adds the bias
// itself: Gemm(A, B, bias) for 2-D operands, FusedMatMul(A, B, bias) otherwise. Runs after
// batchnorm_folding and before activation_fusion, which then finds the layer next to its
// activation (passes.hpp).
#include <optional>

#include "ops/shape_inference.hpp"
#include "passes/layer_fusion.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// Whether `from` broadcasts into `to` without changing it (ONNX unidirectional broadcasting):
// no more dims than `to`, and each of its trailing dims is 1 or certainly equal to `to`'s.
// A bias that would grow the product (or might, with unknown dims) does not fuse.
bool broadcasts_into(const ir::TensorShape& from, const ir::TensorShape& to) {
  if (!from.has_rank || !to.has_rank || from.rank() > to.rank()) return false;
  for (size_t i = 1; i <= from.rank(); ++i) {
    const ir::Dim& f = from.dims[from.rank() - i];
    if (!(f.is_known() && f.value == 1) && !same_dim(f, to.dims[to.rank() - i])) return false;
  }
  return true;
}

struct Match {
  ir::Node* matmul = nullptr;
  ir::Value* bias = nullptr;
  bool gemm = false;  // Gemm (2-D A and B) rather than FusedMatMul
};

std::optional<Match> find_match(const ir::Graph& g, const ir::Node& add) {
  if (add.kind() != ir::OpKind::Add || add.num_inputs() != 2 || !is_float32(add.output(0))) return std::nullopt;
  // Add is commutative (also in floating point): the MatMul may be either operand.
  for (size_t i = 0; i < 2; ++i) {
    ir::Node* matmul = producer_of(add, i);
    ir::Value* bias = add.input(1 - i);
    if (!matmul || matmul->kind() != ir::OpKind::MatMul || !has_single_use(g, add.input(i))) continue;
    const ir::Value* a = matmul->input(0);
    const ir::Value* b = matmul->input(1);
    if (!is_float32(a) || !is_float32(b) || !is_float32(bias) || !is_float32(add.input(i))) continue;
    const ir::TensorShape& product = add.input(i)->type().shape;
    if (!broadcasts_into(bias->type().shape, product)) continue;
    // For 2-D operands the bias then broadcasts to [M, N] unidirectionally, as Gemm's C does.
    const bool two_d = a->type().shape.has_rank && a->type().shape.rank() == 2 && b->type().shape.has_rank &&
                       b->type().shape.rank() == 2;
    return Match{matmul, bias, two_d};
  }
  return std::nullopt;
}

class MatMulAddFusion final : public NodePass {
 public:
  std::string_view name() const override { return "matmul_add_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return find_match(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& add) override {
    std::optional<Match> m = find_match(g, add);
    if (!m) return internal_error("matmul_add_fusion: '" + add.name() + "' no longer matches");
    Replacement r;
    // Gemm's defaults (alpha = beta = 1, no transposes) compute A B + C exactly as MatMul and
    // Add did: the same float products and sums in the same order.
    r.kind = m->gemm ? ir::OpKind::Gemm : ir::OpKind::FusedMatMul;
    r.inputs = {m->matmul->input(0), m->matmul->input(1), m->bias};
    r.outputs = {add.output(0)};
    if (!m->gemm) r.opset = kHoneOpset;
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, {m->matmul, &add}, std::move(r)));
    return ops::infer_node_types(*fused);
  }
};

}  // namespace

std::unique_ptr<Pass> make_matmul_add_fusion(const PassOptions&) { return std::make_unique<MatMulAddFusion>(); }

}  // namespace hone::passes
