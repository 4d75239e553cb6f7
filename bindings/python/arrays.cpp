// numpy <-> Tensor. Inputs are read in place when the array allows (C-contiguous, aligned,
// native byte order, the input's dtype); outputs become arrays over the Tensor's storage,
// kept alive by a capsule holding a copy of the Tensor (Tensor copies share storage), so no
// output byte is copied on the way to Python.
#include <cstring>

#include "bindings/python/bindings.hpp"

namespace hone::python {
namespace {

namespace npy = py::detail;
using namespace pybind11::literals;

// The numpy spelling of each DataType's in-memory element (see numpy_dtype()).
const char* numpy_name(DataType t) {
  switch (t) {
    case DataType::Float: return "float32";
    case DataType::Double: return "float64";
    case DataType::Float16: return "float16";
    case DataType::Int8: return "int8";
    case DataType::Int16: return "int16";
    case DataType::Int32: return "int32";
    case DataType::Int64: return "int64";
    case DataType::UInt8: return "uint8";
    case DataType::UInt16: return "uint16";
    case DataType::UInt32: return "uint32";
    case DataType::UInt64: return "uint64";
    case DataType::Bool: return "bool";
    case DataType::Complex64: return "complex64";
    case DataType::Complex128: return "complex128";
    case DataType::String: return "object";
    // Bit patterns / unpacked elements in an integer array of their width.
    case DataType::BFloat16: return "uint16";
    case DataType::Float8E4M3FN:
    case DataType::Float8E4M3FNUZ:
    case DataType::Float8E5M2:
    case DataType::Float8E5M2FNUZ:
    case DataType::Float8E8M0:
    case DataType::Float4E2M1:
    case DataType::UInt4:
    case DataType::UInt2: return "uint8";
    case DataType::Int4:
    case DataType::Int2: return "int8";
    case DataType::Undefined: break;
  }
  return nullptr;
}

// The DataType whose numpy dtype holds `t` (t itself for the types numpy has).
DataType storage_type(DataType t) {
  switch (t) {
    case DataType::BFloat16: return DataType::UInt16;
    case DataType::Float8E4M3FN:
    case DataType::Float8E4M3FNUZ:
    case DataType::Float8E5M2:
    case DataType::Float8E5M2FNUZ:
    case DataType::Float8E8M0:
    case DataType::Float4E2M1:
    case DataType::UInt4:
    case DataType::UInt2: return DataType::UInt8;
    case DataType::Int4:
    case DataType::Int2: return DataType::Int8;
    default: return t;
  }
}

// Created on first use (with the GIL held) and kept for the life of the process.
PyObject* g_dtypes[kMaxDataType + 1] = {};
PyObject* g_ascontiguousarray = nullptr;
PyObject* g_asarray = nullptr;

PyObject* numpy_function(PyObject*& slot, const char* name) {
  if (!slot) slot = py::object(py::module_::import("numpy").attr(name)).release().ptr();
  return slot;
}

const npy::PyArrayDescr_Proxy* descr(const py::dtype& d) { return npy::array_descriptor_proxy(d.ptr()); }

bool usable_in_place(const py::array& a) {
  const int flags = a.flags();
  return (flags & npy::npy_api::NPY_ARRAY_C_CONTIGUOUS_) && (flags & npy::npy_api::NPY_ARRAY_ALIGNED_) &&
         descr(a.dtype())->byteorder != '>';
}

Shape shape_of(const py::array& a) {
  Shape s(static_cast<size_t>(a.ndim()));
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<int64_t>(a.shape(static_cast<py::ssize_t>(i)));
  return s;
}

std::string role_name(const TensorDesc& desc, const char* role) { return std::string(role) + " '" + desc.name + "'"; }

std::string numpy_type_text(const py::dtype& d) { return py::str(static_cast<const py::handle&>(d)).cast<std::string>(); }

// A string tensor copied from an array of str / bytes / objects.
InputArray string_input(const py::handle& value, const TensorDesc& desc) {
  py::array a = py::reinterpret_steal<py::array>(PyObject_CallFunctionObjArgs(numpy_function(g_asarray, "asarray"),
                                                                               value.ptr(), nullptr));
  if (!a) throw py::error_already_set();
  const char kind = descr(a.dtype())->kind;
  if (kind != 'U' && kind != 'S' && kind != 'O') {
    invalid(role_name(desc, "input") + " holds strings, the array " + numpy_type_text(a.dtype()));
  }
  Tensor t = unwrap(Tensor::create(DataType::String, shape_of(a)));
  py::list items = a.attr("ravel")().attr("tolist")();
  std::string* out = t.strings();
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle item = items[i];
    if (PyUnicode_Check(item.ptr())) {
      Py_ssize_t size = 0;
      const char* s = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
      if (!s) throw py::error_already_set();
      out[i].assign(s, static_cast<size_t>(size));
    } else if (PyBytes_Check(item.ptr())) {
      out[i].assign(PyBytes_AS_STRING(item.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(item.ptr())));
    } else {
      invalid(role_name(desc, "input") + " holds strings, element " + std::to_string(i) + " is a " +
              std::string(py::str(item.get_type().attr("__name__"))));
    }
  }
  return {std::move(t), std::move(a)};
}

}  // namespace

py::object numpy_dtype(DataType t) {
  const int i = static_cast<int>(t);
  if (i <= 0 || i > kMaxDataType || !numpy_name(t)) return py::none();
  if (!g_dtypes[i]) g_dtypes[i] = py::dtype(numpy_name(t)).release().ptr();
  return py::reinterpret_borrow<py::object>(g_dtypes[i]);
}

DataType dtype_of_numpy(const py::dtype& dtype) {
  const npy::PyArrayDescr_Proxy* d = descr(dtype);
  const int size = static_cast<int>(d->elsize);
  switch (d->kind) {
    case 'f': return size == 2 ? DataType::Float16 : size == 4 ? DataType::Float : size == 8 ? DataType::Double : DataType::Undefined;
    case 'i':
      return size == 1 ? DataType::Int8 : size == 2 ? DataType::Int16 : size == 4 ? DataType::Int32
             : size == 8 ? DataType::Int64 : DataType::Undefined;
    case 'u':
      return size == 1 ? DataType::UInt8 : size == 2 ? DataType::UInt16 : size == 4 ? DataType::UInt32
             : size == 8 ? DataType::UInt64 : DataType::Undefined;
    case 'b': return size == 1 ? DataType::Bool : DataType::Undefined;
    case 'c': return size == 8 ? DataType::Complex64 : size == 16 ? DataType::Complex128 : DataType::Undefined;
    case 'U':
    case 'S':
    case 'O': return DataType::String;
    default: return DataType::Undefined;
  }
}

std::string dtype_text(DataType t) { return std::string(dtype_name(t)); }

InputArray input_array(const py::handle& value, const TensorDesc& desc, ArrayUse use) {
  if (value.is_none()) invalid(role_name(desc, "input") + " is None, not an array");
  DataType type = desc.dtype;
  const bool is_array = py::isinstance<py::array>(value);
  if (type == DataType::Undefined) {
    // An input of unknown element type takes the array's (a non-array: numpy's guess).
    if (!is_array && use == ArrayUse::Copy) {
      PyObject* converted = PyObject_CallFunctionObjArgs(numpy_function(g_asarray, "asarray"), value.ptr(), nullptr);
      if (!converted) throw py::error_already_set();
      return input_array(py::reinterpret_steal<py::object>(converted), desc, use);
    }
    if (is_array) type = dtype_of_numpy(py::reinterpret_borrow<py::array>(value).dtype());
  }
  if (type == DataType::String) {
    if (use == ArrayUse::ZeroCopy) {
      invalid(role_name(desc, "input") + " holds strings, which cannot be bound without a copy; pass it to run()");
    }
    return string_input(value, desc);
  }
  py::object want = numpy_dtype(type);
  if (want.is_none()) invalid(role_name(desc, "input") + " has element type " + dtype_text(type) + ", which numpy cannot hold");

  py::array a;
  if (is_array) {
    a = py::reinterpret_borrow<py::array>(value);
    const DataType given = dtype_of_numpy(a.dtype());
    if (given != storage_type(type)) {
      invalid(role_name(desc, "input") + " has element type " + dtype_text(type) + " (numpy " +
              std::string(numpy_name(type)) + "), the array " + numpy_type_text(a.dtype()) + "; convert it with .astype(numpy." +
              numpy_name(type) + ")");
    }
    if (!usable_in_place(a)) {
      if (use == ArrayUse::ZeroCopy) {
        invalid(role_name(desc, "input") +
                ": bind() reads the array in place, so it must be C-contiguous, aligned and in native byte order; "
                "pass numpy.ascontiguousarray(array)");
      }
      PyObject* copy = PyObject_CallFunctionObjArgs(numpy_function(g_ascontiguousarray, "ascontiguousarray"), a.ptr(),
                                                    want.ptr(), nullptr);
      if (!copy) throw py::error_already_set();
      a = py::reinterpret_steal<py::array>(copy);
    }
  } else {
    if (use == ArrayUse::ZeroCopy) {
      invalid(role_name(desc, "input") + ": bind() needs a numpy array, not a " +
              std::string(py::str(value.get_type().attr("__name__"))));
    }
    PyObject* converted = PyObject_CallFunctionObjArgs(numpy_function(g_asarray, "asarray"), value.ptr(), want.ptr(), nullptr);
    if (!converted) {
      py::error_already_set e;
      invalid(role_name(desc, "input") + ": cannot convert the value to numpy." + numpy_name(type) + ": " + e.what());
    }
    a = py::reinterpret_steal<py::array>(converted);
    if (!usable_in_place(a)) {
      PyObject* copy = PyObject_CallFunctionObjArgs(numpy_function(g_ascontiguousarray, "ascontiguousarray"), a.ptr(),
                                                    want.ptr(), nullptr);
      if (!copy) throw py::error_already_set();
      a = py::reinterpret_steal<py::array>(copy);
    }
  }
  Tensor t = Tensor::wrap(type, shape_of(a), const_cast<void*>(a.data()));
  return {std::move(t), std::move(a)};
}

InputArray output_array(const py::handle& value, const TensorDesc& desc) {
  if (!py::isinstance<py::array>(value)) {
    invalid(role_name(desc, "output") + ": bind() needs a numpy array, not a " +
            std::string(py::str(value.get_type().attr("__name__"))));
  }
  py::array a = py::reinterpret_borrow<py::array>(value);
  DataType type = desc.dtype == DataType::Undefined ? dtype_of_numpy(a.dtype()) : desc.dtype;
  if (type == DataType::String) invalid(role_name(desc, "output") + " holds strings, which cannot be bound");
  if (dtype_of_numpy(a.dtype()) != storage_type(type) || numpy_dtype(type).is_none()) {
    invalid(role_name(desc, "output") + " has element type " + dtype_text(type) + ", the array " + numpy_type_text(a.dtype()));
  }
  if (!usable_in_place(a)) {
    invalid(role_name(desc, "output") +
            ": a bound output is written in place, so the array must be C-contiguous, aligned and in native byte order");
  }
  if (!a.writeable()) invalid(role_name(desc, "output") + ": the array is read-only");
  Tensor t = Tensor::wrap(type, shape_of(a), a.mutable_data());
  return {std::move(t), std::move(a)};
}

py::object tensor_to_numpy(const Tensor& t) {
  if (!t.defined()) return py::none();
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  if (t.dtype() == DataType::String) {
    py::list items(static_cast<size_t>(t.numel()));
    const std::string* s = t.strings();
    for (int64_t i = 0; i < t.numel(); ++i) {
      PyObject* item = PyUnicode_DecodeUTF8(s[i].data(), static_cast<Py_ssize_t>(s[i].size()), "surrogateescape");
      if (!item) throw py::error_already_set();
      PyList_SET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i), item);
    }
    py::module_ np = py::module_::import("numpy");
    py::object flat = np.attr("empty")(t.numel(), "dtype"_a = "object");
    if (t.numel() > 0) flat[py::slice(0, t.numel(), 1)] = items;
    return flat.attr("reshape")(py::tuple(py::cast(shape)));
  }
  py::object dtype = numpy_dtype(t.dtype());
  if (dtype.is_none()) throw StatusError{unsupported("element type " + dtype_text(t.dtype()) + " has no numpy equivalent")};
  if (t.numel() == 0 || !t.raw()) return py::array(py::reinterpret_borrow<py::dtype>(dtype), shape);
  py::capsule owner(new Tensor(t), [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(py::reinterpret_borrow<py::dtype>(dtype), shape, t.raw(), owner);
}

py::object datum_to_python(const Datum& d) {
  if (d.is_none()) return py::none();
  if (d.is_sequence()) {
    py::list items;
    for (const Tensor& t : d.sequence) items.append(tensor_to_numpy(t));
    return items;
  }
  return tensor_to_numpy(d.tensor);
}

py::object describe(const TensorDesc& d) { return py::cast(d); }

ByteView::ByteView(const py::handle& value, const char* what) {
  if (value.is_none()) invalid(std::string("argument '") + what + "' is None, not bytes");
  if (PyUnicode_Check(value.ptr())) invalid(std::string("argument '") + what + "' is a str, not bytes");
  if (PyObject_GetBuffer(value.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) {
    PyErr_Clear();
    view_ = Py_buffer{};
    invalid(std::string("argument '") + what + "' must be bytes-like (bytes, bytearray, memoryview), not " +
            std::string(py::str(value.get_type().attr("__name__"))));
  }
}

ByteView::~ByteView() {
  if (view_.obj) PyBuffer_Release(&view_);
}

std::string path_arg(const py::handle& value, const char* what) {
  if (value.is_none()) invalid(std::string("argument '") + what + "' is None, not a path");
  PyObject* fs = PyOS_FSPath(value.ptr());
  if (!fs) {
    PyErr_Clear();
    invalid(std::string("argument '") + what + "' must be a str or os.PathLike, not " +
            std::string(py::str(value.get_type().attr("__name__"))));
  }
  py::object path = py::reinterpret_steal<py::object>(fs);
  std::string s;
  if (PyBytes_Check(path.ptr())) {
    s.assign(PyBytes_AS_STRING(path.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(path.ptr())));
  } else {
    // The file-system encoding (UTF-8 with surrogateescape on Linux) gives back the OS's bytes.
    PyObject* encoded = PyUnicode_EncodeFSDefault(path.ptr());
    if (!encoded) throw py::error_already_set();
    s.assign(PyBytes_AS_STRING(encoded), static_cast<size_t>(PyBytes_GET_SIZE(encoded)));
    Py_DECREF(encoded);
  }
  if (s.empty()) invalid(std::string("argument '") + what + "' is an empty path");
  if (s.find('\0') != std::string::npos) invalid(std::string("argument '") + what + "' contains a NUL character");
  return s;
}

}  // namespace hone::python
