// hone.Error and one subclass per StatusCode; a failed Status thrown as StatusError anywhere in
// the bindings reaches Python as the subclass of its code, carrying the message and the node
// it belongs to. The subclasses also derive from the builtin exception closest in meaning,
// so `except ValueError` catches an InvalidArgumentError.
#include "bindings/python/bindings.hpp"

namespace hone::python {
namespace {

struct ErrorClass {
  StatusCode code;
  const char* name;
  PyObject* builtin;  // second base (nullptr: only hone.Error)
  const char* doc;
};

// Indexed by StatusCode; created once and kept for the life of the process.
PyObject* g_error_types[static_cast<size_t>(StatusCode::Internal) + 1] = {};

PyObject* text(const std::string& s) {
  // NOTE: messages quote paths and model strings, which need not be UTF-8.
  return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

void set_python_error(const Status& status) {
  PyObject* type = g_error_types[static_cast<size_t>(status.code())];
  if (!type) type = g_error_types[static_cast<size_t>(StatusCode::Internal)];
  PyObject* message = text(status.to_string());
  PyObject* exc = message ? PyObject_CallOneArg(type, message) : nullptr;
  Py_XDECREF(message);
  if (!exc) return;  // the constructor's own error is set
  auto set = [exc](const char* attr, PyObject* value) {
    if (value) PyObject_SetAttrString(exc, attr, value);
    Py_XDECREF(value);
  };
  set("code", PyUnicode_FromString(status_code_name(status.code())));
  set("message", text(status.message()));
  set("node_name", text(status.node_name()));
  set("op_type", text(status.op_type()));
  PyErr_SetObject(type, exc);
  Py_DECREF(exc);
}

}  // namespace

void register_errors(py::module_& m) {
  PyObject* base = PyErr_NewExceptionWithDoc(
      "hone.Error",
      "Base class of every error Hone raises. Attributes: code (the StatusCode name, e.g. "
      "'InvalidArgument'), message, node_name and op_type (the model node the problem belongs to, "
      "'' when none); str() is the one-line message with the node context.",
      PyExc_Exception, nullptr);
  if (!base) throw py::error_already_set();
  // Class attributes, so that an Error raised from Python code has them too.
  PyObject_SetAttrString(base, "code", PyUnicode_FromString("Internal"));
  PyObject_SetAttrString(base, "message", PyUnicode_FromString(""));
  PyObject_SetAttrString(base, "node_name", PyUnicode_FromString(""));
  PyObject_SetAttrString(base, "op_type", PyUnicode_FromString(""));
  m.add_object("Error", py::handle(base));

  const ErrorClass classes[] = {
      {StatusCode::InvalidArgument, "InvalidArgumentError", PyExc_ValueError,
       "A caller-supplied value is wrong (an input array's dtype or shape, an option, a closed object)."},
      {StatusCode::InvalidModel, "InvalidModelError", nullptr,
       "The model or engine file is malformed (not ONNX, a broken graph, a damaged engine file)."},
      {StatusCode::Unsupported, "UnsupportedError", PyExc_NotImplementedError,
       "Valid, but Hone does not implement it (an operator, opset, dtype or precision)."},
      {StatusCode::NotFound, "NotFoundError", PyExc_LookupError,
       "A file, input or output name does not exist."},
      {StatusCode::IoError, "IoError", PyExc_OSError, "Reading or writing a file failed."},
      {StatusCode::OutOfRange, "OutOfRangeError", PyExc_IndexError,
       "An index or value outside what an operator accepts at run time."},
      {StatusCode::Internal, "InternalError", nullptr, "A broken invariant inside Hone (please report it)."},
  };
  for (const ErrorClass& c : classes) {
    PyObject* bases = c.builtin ? PyTuple_Pack(2, base, c.builtin) : PyTuple_Pack(1, base);
    if (!bases) throw py::error_already_set();
    const std::string qualified = std::string("hone.") + c.name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), c.doc, bases, nullptr);
    Py_DECREF(bases);
    if (!type) throw py::error_already_set();
    PyObject_SetAttrString(type, "code", PyUnicode_FromString(status_code_name(c.code)));
    g_error_types[static_cast<size_t>(c.code)] = type;
    m.add_object(c.name, py::handle(type));
  }
  // Ok never raises; anything unmapped is Internal.
  g_error_types[static_cast<size_t>(StatusCode::Ok)] = g_error_types[static_cast<size_t>(StatusCode::Internal)];

  // TESTING ONLY: raises the error of a StatusCode by name, so tests reach the codes the core
  // never returns to Python (OutOfRange, Internal).
  m.def(
      "_raise_for_testing",
      [](const std::string& code, const std::string& message, const std::string& node_name, const std::string& op_type) {
        for (int c = 1; c <= static_cast<int>(StatusCode::Internal); ++c) {
          if (code != status_code_name(static_cast<StatusCode>(c))) continue;
          Status s(static_cast<StatusCode>(c), message);
          if (!node_name.empty()) s.with_node(node_name, op_type);
          throw StatusError{s};
        }
        invalid("no status code '" + code + "'");
      },
      py::arg("code"), py::arg("message"), py::arg("node_name") = "", py::arg("op_type") = "");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      set_python_error(e.status);
    }
  });
}

}  // namespace hone::python
