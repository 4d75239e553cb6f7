// Cast and CastLike: element type conversion between every ONNX element type (floats of all
// widths, integers of all widths incl. int4/int2, bool, string). The conversion rules live
// in convert_tensor (cast.hpp), shared with other ops that convert values.
#include "ops/cast.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

// One source element in the widest form that holds it exactly.
struct Scalar {
  enum class Kind : uint8_t { Float, Int, UInt, Text } kind = Kind::Float;
  double f = 0.0;
  int64_t i = 0;
  uint64_t u = 0;
  const std::string* s = nullptr;
};

template <class T>
Scalar load(const T& x) {
  Scalar v;
  if constexpr (std::is_same_v<T, std::string>) {
    v.kind = Scalar::Kind::Text;
    v.s = &x;
  } else if constexpr (kIsFloating<T>) {
    v.kind = Scalar::Kind::Float;
    v.f = static_cast<double>(static_cast<ComputeType<T>>(x));
  } else if constexpr (std::is_same_v<T, bool>) {
    v.kind = Scalar::Kind::Int;
    v.i = x ? 1 : 0;
  } else if constexpr (kIsSubByteInt<T>) {
    v.kind = Scalar::Kind::Int;
    v.i = static_cast<int>(x);
  } else if constexpr (std::is_signed_v<T>) {
    v.kind = Scalar::Kind::Int;
    v.i = x;
  } else {
    v.kind = Scalar::Kind::UInt;
    v.u = x;
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Text -> double (or float, rounded once from the decimal text). Accepts what strtod does:
// "NaN", "INF", "-Infinity", "1e-3", surrounding blanks.
Status parse_float(const std::string& text, bool single, double* out) {
  const std::string t(trim(text));
  char* end = nullptr;
  if (!t.empty()) {
    *out = single ? static_cast<double>(std::strtof(t.c_str(), &end)) : std::strtod(t.c_str(), &end);
  }
  if (t.empty() || end != t.c_str() + t.size()) {
    return invalid_argument("Cast: cannot parse '" + text + "' as a number");
  }
  return Status::ok();
}

// Text -> integer; falls back to parsing a float ("1.5", "1e3") and truncating.
Status parse_int(const std::string& text, Scalar* out) {
  const std::string_view t = trim(text);
  const char* first = t.data();
  const char* last = t.data() + t.size();
  if (!t.empty() && t.front() == '+') ++first;
  int64_t i = 0;
  auto [p, ec] = std::from_chars(first, last, i);
  if (ec == std::errc() && p == last && first != last) {
    out->kind = Scalar::Kind::Int;
    out->i = i;
    return Status::ok();
  }
  uint64_t u = 0;
  auto [pu, ecu] = std::from_chars(first, last, u);
  if (ecu == std::errc() && pu == last && first != last) {
    out->kind = Scalar::Kind::UInt;
    out->u = u;
    return Status::ok();
  }
  out->kind = Scalar::Kind::Float;
  return parse_float(text, false, &out->f);
}

// Scalar -> the low 64 bits of the integer value (the target cast then keeps its width).
// Floats truncate toward zero; NaN gives 0; values beyond 64 bits saturate to the target range.
uint64_t to_int_bits(const Scalar& v, int bits, bool is_signed) {
  switch (v.kind) {
    case Scalar::Kind::Int: return static_cast<uint64_t>(v.i);
    case Scalar::Kind::UInt: return v.u;
    default: break;
  }
  if (std::isnan(v.f)) return 0;
  const double t = std::trunc(v.f);
  if (t >= -9223372036854775808.0 && t < 9223372036854775808.0) return static_cast<uint64_t>(static_cast<int64_t>(t));
  if (!is_signed && t >= 0 && t < 18446744073709551616.0) return static_cast<uint64_t>(t);
  const uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
  const uint64_t smax = (1ull << (bits - 1)) - 1;
  if (t > 0) return is_signed ? smax : umax;
  return is_signed ? ~smax : 0;  // ~smax: the signed minimum in two's complement
}

template <class T>
Status store(T* dst, const Scalar& v, DataType src_dtype, const CastOptions& o) {
  if constexpr (std::is_same_v<T, std::string>) {
    switch (v.kind) {
      case Scalar::Kind::Text: *dst = *v.s; break;
      case Scalar::Kind::Int:
        *dst = src_dtype == DataType::Bool ? (v.i ? "True" : "False") : std::to_string(v.i);
        break;
      case Scalar::Kind::UInt: *dst = std::to_string(v.u); break;
      case Scalar::Kind::Float: *dst = format_float(v.f, src_dtype); break;
    }
    return Status::ok();
  } else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    return unsupported("Cast to complex types is not supported");
  } else {
    Scalar w = v;
    if (w.kind == Scalar::Kind::Text) {
      const std::string& text = *v.s;
      if constexpr (std::is_same_v<T, bool>) {
        std::string_view t = trim(text);
        if (t == "True" || t == "true" || t == "TRUE") { *dst = true; return Status::ok(); }
        if (t == "False" || t == "false" || t == "FALSE") { *dst = false; return Status::ok(); }
      }
      if constexpr (kIsFloating<T> || std::is_same_v<T, bool>) {
        w.kind = Scalar::Kind::Float;
        HONE_RETURN_IF_ERROR(parse_float(text, !std::is_same_v<T, double>, &w.f));
      } else {
        HONE_RETURN_IF_ERROR(parse_int(text, &w));
      }
    }
    if constexpr (std::is_same_v<T, bool>) {
      *dst = w.kind == Scalar::Kind::Float ? w.f != 0.0 : w.kind == Scalar::Kind::Int ? w.i != 0 : w.u != 0;
    } else if constexpr (kIsFloating<T>) {
      // Integers convert straight to the target width (one rounding); floats are exact in double.
      using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
      const C x = w.kind == Scalar::Kind::Float ? static_cast<C>(w.f)
                  : w.kind == Scalar::Kind::Int ? static_cast<C>(w.i)
                                                : static_cast<C>(w.u);
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) *dst = x;
      else *dst = to_narrow_float<T>(x, o);
    } else if constexpr (kIsSubByteInt<T>) {
      *dst = T(static_cast<int64_t>(to_int_bits(w, T::kBits, T::kMin < 0)));
    } else {
      *dst = static_cast<T>(to_int_bits(w, 8 * static_cast<int>(sizeof(T)), std::is_signed_v<T>));
    }
    return Status::ok();
  }
}

}  // namespace

std::string format_float(double value, DataType dtype) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest decimal that reads back to the same value of `dtype`, as "d.ddde+XX".
  char buf[64];
  std::string sci;
  if (dtype == DataType::Double) {
    auto r = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
    sci.assign(buf, r.ptr);
  } else if (dtype == DataType::Float) {
    auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(value), std::chars_format::scientific);
    sci.assign(buf, r.ptr);
  } else {
    // Narrow floats: fewest digits whose value rounds back to the same narrow value.
    CastOptions o;
    auto roundtrip = [&](float x) {
      float y = x;
      (void)dispatch_dtype<TypeSet::AllFloat>(dtype, "format_float", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) y = x;
        else y = static_cast<float>(to_narrow_float<T>(x, o));
        return Status::ok();
      });
      return y;
    };
    for (int p = 0; p < 9; ++p) {
      std::snprintf(buf, sizeof(buf), "%.*e", p, value);
      if (roundtrip(std::strtof(buf, nullptr)) == static_cast<float>(value)) break;
    }
    sci = buf;
  }
  // Split "-d.ddde+XX" into sign, digits and the decimal exponent of the first digit.
  const bool negative = sci[0] == '-';
  const size_t epos = sci.find('e');
  std::string digits;
  for (size_t k = negative ? 1 : 0; k < epos; ++k) {
    if (sci[k] != '.') digits += sci[k];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exp10 = std::atoi(sci.c_str() + epos + 1);
  std::string out = negative ? "-" : "";
  const double a = std::fabs(value);
  if (a >= 1e-4 && a < 1e16) {
    // Positional, like numpy: "123.45", "100.0", "0.00012".
    if (exp10 >= 0) {
      const size_t int_len = static_cast<size_t>(exp10) + 1;
      std::string int_part = digits.substr(0, std::min(int_len, digits.size()));
      int_part.append(int_len - int_part.size(), '0');
      const std::string frac = digits.size() > int_len ? digits.substr(int_len) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exp10 - 1), '0') + digits;
    }
  } else {
    // Scientific, like numpy: "1e-05", "1.5e+20".
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof(e), "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += e;
  }
  return out;
}

Status convert_tensor(const Tensor& src, Tensor& dst, const CastOptions& options) {
  if (src.numel() != dst.numel()) return internal_error("convert_tensor: element counts differ");
  // Two passes through Scalar (load by source type, store by target type) instead of one
  // loop per (source, target) pair: 2 x 26 instantiations rather than 26 x 26.
  std::vector<Scalar> values(static_cast<size_t>(src.numel()));
  HONE_RETURN_IF_ERROR(dispatch_any(src.dtype(), "Cast", [&](auto tag) -> Status {
    using S = typename decltype(tag)::type;
    if constexpr (std::is_same_v<S, std::complex<float>> || std::is_same_v<S, std::complex<double>>) {
      return unsupported("Cast from complex types is not supported");
    } else {
      for (size_t k = 0; k < values.size(); ++k) values[k] = load<S>(src.data<S>()[k]);
      return Status::ok();
    }
  }));
  const DataType src_dtype = src.dtype();
  return dispatch_any(dst.dtype(), "Cast", [&](auto tag) -> Status {
    using D = typename decltype(tag)::type;
    D* out = dst.data<D>();
    for (size_t k = 0; k < values.size(); ++k) HONE_RETURN_IF_ERROR(store<D>(out + k, values[k], src_dtype, options));
    return Status::ok();
  });
}

namespace {

bool castable(DataType t) { return t != DataType::Complex64 && t != DataType::Complex128 && t != DataType::Undefined; }

Status read_options(const AttrReader& ctx, CastOptions* o) {
  o->saturate = ctx.attr_int("saturate") != 0;
  const std::string& mode = ctx.attr_string("round_mode");
  if (mode == "up") o->e8m0_rounding = E8M0Rounding::Up;
  else if (mode == "down") o->e8m0_rounding = E8M0Rounding::Down;
  else if (mode == "nearest") o->e8m0_rounding = E8M0Rounding::Nearest;
  else return ctx.error("round_mode must be 'up', 'down' or 'nearest', got '" + mode + "'");
  return Status::ok();
}

// Cast: y = x converted to the element type `to`.
Status infer_cast(InferContext& ctx) {
  const int64_t to = ctx.attr_int("to");
  if (!is_valid_dtype(static_cast<int>(to)) || !castable(static_cast<DataType>(to))) {
    return ctx.error("attribute 'to' is not a supported element type: " + std::to_string(to));
  }
  if (!castable(ctx.input_dtype(0))) {
    return ctx.unsupported("Cast from " + std::string(dtype_name(ctx.input_dtype(0))) + " is not supported");
  }
  CastOptions o;
  HONE_RETURN_IF_ERROR(read_options(ctx, &o));
  ctx.set_output(0, static_cast<DataType>(to), ctx.input_shape(0));
  return Status::ok();
}

// CastLike: y = x converted to the element type of `target_type` (whose values are unused).
Status infer_cast_like(InferContext& ctx) {
  if (!castable(ctx.input_dtype(0)) || !castable(ctx.input_dtype(1))) {
    return ctx.unsupported("CastLike between " + std::string(dtype_name(ctx.input_dtype(0))) + " and " +
                           std::string(dtype_name(ctx.input_dtype(1))) + " is not supported");
  }
  CastOptions o;
  HONE_RETURN_IF_ERROR(read_options(ctx, &o));
  ctx.set_output(0, ctx.input_dtype(1), ctx.input_shape(0));
  return Status::ok();
}

Status run_cast(KernelContext& ctx) {
  CastOptions o;
  HONE_RETURN_IF_ERROR(read_options(ctx, &o));
  Status s = convert_tensor(ctx.input(0), ctx.output(0), o);
  if (!s.is_ok()) return ctx.bad_input(s.message());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Cast){
    .name = "Cast",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("to", AttrType::Int), attr_int("saturate", 1), attr_string("round_mode", "up")},
    .infer = infer_cast,
    .run = run_cast,
};

HONE_DEFINE_OP(CastLike){
    .name = "CastLike",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("saturate", 1), attr_string("round_mode", "up")},
    .infer = infer_cast_like,
    .run = run_cast,
};

}  // namespace hone::ops
