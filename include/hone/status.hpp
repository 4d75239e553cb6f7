// Status and Result<T>: how every fallible call in Hone reports failure. No exceptions cross
// the core; a Status carries a code, a one-line message and, where it applies, the model node
// (name and op type) the problem belongs to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hone {

enum class StatusCode : uint8_t {
  Ok = 0,
  InvalidArgument,  // a caller-supplied value (input tensor, flag, shape) is wrong
  InvalidModel,     // the model file or graph is malformed
  Unsupported,      // valid, but Hone does not implement it (operator, opset, dtype)
  NotFound,         // a file, input or output name does not exist
  IoError,          // reading or writing a file failed
  OutOfRange,       // an index or value outside what an operator accepts at run time
  Internal,         // a broken invariant inside Hone
};

/// Name of a status code, e.g. "InvalidModel".
const char* status_code_name(StatusCode code);

/// The outcome of an operation. Cheap to copy when OK. Thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == StatusCode::Ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Attaches the node the problem belongs to; the message then reads
  /// "node 'conv1' (Conv): <message>". Only the first attachment is kept.
  Status& with_node(const std::string& node_name, const std::string& op_type);
  const std::string& node_name() const { return node_name_; }
  const std::string& op_type() const { return op_type_; }

  /// One line for humans: "<message>" prefixed with the node context when attached.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
  std::string node_name_;
  std::string op_type_;
  bool has_node_ = false;
};

inline Status invalid_argument(std::string m) { return {StatusCode::InvalidArgument, std::move(m)}; }
inline Status invalid_model(std::string m) { return {StatusCode::InvalidModel, std::move(m)}; }
inline Status unsupported(std::string m) { return {StatusCode::Unsupported, std::move(m)}; }
inline Status not_found(std::string m) { return {StatusCode::NotFound, std::move(m)}; }
inline Status io_error(std::string m) { return {StatusCode::IoError, std::move(m)}; }
inline Status out_of_range(std::string m) { return {StatusCode::OutOfRange, std::move(m)}; }
inline Status internal_error(std::string m) { return {StatusCode::Internal, std::move(m)}; }

/// A value of type T or the Status explaining why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                 // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) {}          // NOLINT(implicit); must not be OK
  bool is_ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hone

#define HONE_STATUS_CONCAT_INNER(a, b) a##b
#define HONE_STATUS_CONCAT(a, b) HONE_STATUS_CONCAT_INNER(a, b)

/// Returns the Status from the enclosing function when `expr` is not OK.
#define HONE_RETURN_IF_ERROR(expr)                        \
  do {                                                    \
    ::hone::Status hone_status_tmp_ = (expr);             \
    if (!hone_status_tmp_.is_ok()) return hone_status_tmp_; \
  } while (0)

/// `HONE_ASSIGN_OR_RETURN(auto x, make_x());` declares x from a Result or returns its Status.
#define HONE_ASSIGN_OR_RETURN(lhs, expr) \
  HONE_ASSIGN_OR_RETURN_IMPL(HONE_STATUS_CONCAT(hone_result_, __LINE__), lhs, expr)
#define HONE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.is_ok()) return tmp.status();           \
  lhs = std::move(tmp).value()
