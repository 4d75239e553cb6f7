// Status formatting (include/hone/status.hpp).
#include "hone/status.hpp"

namespace hone {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::InvalidModel: return "InvalidModel";
    case StatusCode::Unsupported: return "Unsupported";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::IoError: return "IoError";
    case StatusCode::OutOfRange: return "OutOfRange";
    case StatusCode::Internal: return "Internal";
  }
  return "Unknown";
}

Status& Status::with_node(const std::string& node_name, const std::string& op_type) {
  if (!has_node_ && !is_ok()) {
    node_name_ = node_name;
    op_type_ = op_type;
    has_node_ = true;
  }
  return *this;
}

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  if (!has_node_) return message_;
  return "node '" + node_name_ + "' (" + op_type_ + "): " + message_;
}

}  // namespace hone
