// Shared declarations of the Python module `_hone` (bindings/python): the error mapping, the
// numpy <-> Tensor conversions, the wrapper objects that Python holds, and one register_*
// function per file. The wrappers own C++ objects (no exceptions cross the core: every
// Status becomes a hone.Error subclass here, at the edge).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hone/engine.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::python {

namespace py = pybind11;

// ---------------------------------------------------------------------------------------------
// Errors (errors.cpp)

/// A failed Status on its way to Python: translated into the hone.Error subclass of its code.
struct StatusError {
  Status status;
};

/// Throws StatusError when `s` is not OK.
inline void check(const Status& s) {
  if (!s.is_ok()) throw StatusError{s};
}
/// The value of `r`, or throws its Status.
template <class T>
T unwrap(Result<T> r) {
  if (!r.is_ok()) throw StatusError{r.status()};
  return std::move(r).value();
}
/// Throws InvalidArgument with `message`.
[[noreturn]] inline void invalid(std::string message) { throw StatusError{invalid_argument(std::move(message))}; }

/// Creates hone.Error and its subclasses in `m` and registers the translator.
void register_errors(py::module_& m);

// ---------------------------------------------------------------------------------------------
// Arrays (arrays.cpp)

/// The numpy dtype holding `t`'s in-memory elements: float32 for float, ..., uint16 for
/// bfloat16 (bit patterns), uint8 for the float8/float4 family (bit patterns), int8/uint8 for
/// the sub-byte integers (stored unpacked), object for strings. None for Undefined.
py::object numpy_dtype(DataType t);
/// The Hone element type of a numpy dtype (native or not), Undefined when there is none.
DataType dtype_of_numpy(const py::dtype& dtype);
/// The ONNX spelling of `t` ("float", "int64", ...).
std::string dtype_text(DataType t);

/// How an input array is taken.
enum class ArrayUse {
  Copy,      // run(): a non-contiguous, misaligned or byte-swapped array is copied
  ZeroCopy,  // bind(): such arrays are refused (InvalidArgument), so the binding is the array
};

/// A Tensor over (or copied from) a numpy array, with the array that owns the memory.
struct InputArray {
  Tensor tensor;
  py::object keep;  // the array the tensor points into (the caller's, or the copy)
};

/// Converts `value` (an ndarray, or anything np.asarray takes) for input `desc`: the array's
/// dtype must be numpy_dtype(desc.dtype) (no silent casts: InvalidArgument otherwise; a non-
/// array value is converted to that dtype). Strings are always copied; ZeroCopy refuses them.
/// The tensor does not own the memory: keep `keep` alive while it is used.
InputArray input_array(const py::handle& value, const TensorDesc& desc, ArrayUse use);

/// A writable array for output `desc` to be bound (C-contiguous, aligned, native, of the
/// output's dtype), InvalidArgument otherwise.
InputArray output_array(const py::handle& value, const TensorDesc& desc);

/// A numpy array over `t`'s storage (no copy; the array's base is a capsule holding a copy of
/// the Tensor, which keeps the storage alive). Strings become an object array of str (copied).
py::object tensor_to_numpy(const Tensor& t);
/// A Datum as Python: a tensor as tensor_to_numpy, a sequence as a list, an empty optional as None.
py::object datum_to_python(const Datum& d);

/// A TensorDesc as hone.TensorDesc.
py::object describe(const TensorDesc& d);

/// The bytes of a bytes-like argument (bytes, bytearray, memoryview, a C-contiguous array),
/// held while the view lives (destroy it with the GIL held). InvalidArgument naming `what`
/// for None or an object without a contiguous buffer.
class ByteView {
 public:
  ByteView(const py::handle& value, const char* what);
  ~ByteView();
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  const uint8_t* data() const { return static_cast<const uint8_t*>(view_.buf); }
  size_t size() const { return static_cast<size_t>(view_.len); }

 private:
  Py_buffer view_{};
};

/// os.fspath(value) for a path argument; InvalidArgument naming `what` for None or a non-path.
std::string path_arg(const py::handle& value, const char* what);

// ---------------------------------------------------------------------------------------------
// Wrapped objects

/// hone.Network: an imported model. Keeps where it came from, so that a second build can
/// import it again (build_plan consumes the graph).
struct PyNetwork {
  std::unique_ptr<ir::Graph> graph;            // until a build takes it
  std::string path;                            // from_file
  std::shared_ptr<const std::string> bytes;    // from_bytes / builtin
  std::filesystem::path base_dir;
  std::vector<TensorDesc> inputs, outputs;
  std::vector<std::pair<std::string, std::string>> metadata;
  bool closed = false;

  /// What a build needs: the imported graph, or how to import the model again.
  struct Source {
    std::unique_ptr<ir::Graph> graph;
    std::string path;
    std::shared_ptr<const std::string> bytes;
    std::filesystem::path base_dir;
    /// The graph (imported again when a build already consumed it). Call without the GIL.
    Result<std::unique_ptr<ir::Graph>> take();
  };
  /// Takes the graph (call with the GIL held: Python threads may share the network).
  /// InvalidArgument when the network is closed.
  Source source();
};

/// hone.Engine: a shared immutable engine.
struct PyEngine {
  std::shared_ptr<const Engine> engine;  // null once closed
  const Engine& get() const;
};

class PyContext;

/// Registration, one per file.
void register_network(py::module_& m);
void register_builder(py::module_& m);
void register_engine(py::module_& m);
void register_profiler(py::module_& m);
void register_context(py::module_& m);
void register_vision(py::module_& m);

/// Waits for the asynchronous runs of every live context (called at interpreter exit, so no
/// worker thread calls into Python while it finalizes).
void wait_all_contexts();

}  // namespace hone::python
