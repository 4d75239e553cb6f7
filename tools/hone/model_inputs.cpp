// --shapes parsing and generated inputs (model_inputs.hpp).
#include "tools/hone/model_inputs.hpp"

#include <sstream>

#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace hone::cli {

Result<std::unique_ptr<ir::Graph>> load_model(const std::string& path) {
  const std::string prefix = "builtin:";
  if (path.rfind(prefix, 0) == 0) {
    HONE_ASSIGN_OR_RETURN(std::string bytes, onnx_import::builtin_model(path.substr(prefix.size())));
    return onnx_import::import_bytes(bytes.data(), bytes.size(), {});
  }
  return onnx_import::import_file(path);
}

Result<std::map<std::string, Shape>> parse_shapes(const std::vector<std::string>& specs) {
  std::map<std::string, Shape> out;
  for (const std::string& joined : specs) {
    std::stringstream ss(joined);
    std::string spec;
    while (std::getline(ss, spec, ',')) {
      const auto colon = spec.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 >= spec.size()) {
        return invalid_argument("--shapes expects name:1x3x224x224, got '" + spec + "'");
      }
      Shape shape;
      std::stringstream dims(spec.substr(colon + 1));
      std::string d;
      while (std::getline(dims, d, 'x')) {
        try {
          size_t used = 0;
          const long long v = std::stoll(d, &used);
          if (used != d.size() || v < 0) throw std::invalid_argument(d);
          shape.push_back(v);
        } catch (...) {
          return invalid_argument("--shapes: '" + d + "' in '" + spec + "' is not a dimension");
        }
      }
      out[spec.substr(0, colon)] = shape;
    }
  }
  return out;
}

Result<Shape> resolve_input_shape(const ir::Value& v, const std::map<std::string, Shape>& shapes,
                                  std::vector<std::string>* notes) {
  const ir::TensorShape& declared = v.type().shape;
  auto it = shapes.find(v.name());
  if (it != shapes.end()) {
    if (declared.has_rank && declared.rank() != it->second.size()) {
      return invalid_argument("--shapes gives input '" + v.name() + "' rank " + std::to_string(it->second.size()) +
                              ", the model declares " + declared.to_string());
    }
    for (size_t i = 0; declared.has_rank && i < declared.rank(); ++i) {
      if (declared.dims[i].is_known() && declared.dims[i].value != it->second[i]) {
        return invalid_argument("--shapes gives input '" + v.name() + "' shape " + shape_to_string(it->second) +
                                ", the model fixes it to " + declared.to_string());
      }
    }
    return it->second;
  }
  if (!declared.has_rank) {
    return invalid_argument("input '" + v.name() + "' has no declared shape; give one with --shapes " + v.name() + ":...");
  }
  Shape s;
  for (const ir::Dim& d : declared.dims) {
    if (d.is_known()) {
      s.push_back(d.value);
    } else {
      s.push_back(1);
      if (notes) notes->push_back("input '" + v.name() + "': dimension '" + (d.symbol.empty() ? "?" : d.symbol) + "' set to 1 (use --shapes)");
    }
  }
  return s;
}

Result<Tensor> generated_input(DataType dtype, const Shape& shape) {
  HONE_ASSIGN_OR_RETURN(Tensor t, Tensor::create(dtype, shape));
  const int64_t n = t.numel();
  Status s = dispatch_any(dtype, "generated input", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, std::string>) {
        p[i] = std::to_string(i);
        p[i].insert(0, 1, 's');
      } else if constexpr (std::is_same_v<T, bool>) {
        p[i] = (i % 2) == 0;
      } else if constexpr (kIsFloating<T>) {
        p[i] = T(static_cast<float>(i % 97) / 97.0f - 0.5f);
      } else if constexpr (kIsSubByteInt<T>) {
        p[i] = T(i % 2);
      } else if constexpr (std::is_integral_v<T>) {
        p[i] = static_cast<T>(i % 10);
      } else {
        p[i] = T(static_cast<float>(i % 7));
      }
    }
    return Status::ok();
  });
  HONE_RETURN_IF_ERROR(s);
  return t;
}

Tensor arange_input(const Shape& shape) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(i) / static_cast<float>(n);
  return t;
}

}  // namespace hone::cli
