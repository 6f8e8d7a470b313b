#include "py_errors.h"

#include <cerrno>

#include "common/errno_status.h"

namespace py = pybind11;

namespace shoal::python {
namespace {

PyObject* unavailable_type = nullptr;  // set once at import, under the GIL

}  // namespace

void registerErrors(py::module_& module) {
  static py::exception<std::runtime_error> unavailable(module, "Unavailable", PyExc_ConnectionError);
  unavailable_type = unavailable.ptr();
}

void raise(const Status& st) {
  // Called with the GIL held (every binding call re-acquires it before it raises).
  const std::string message = st.toString();
  if (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kDeadlineExceeded) {
    PyErr_SetString(unavailable_type, message.c_str());
    throw py::error_already_set();
  }
  // POSIX's EPERM is what link(2) says where links are not kept; to Python it would read as a
  // permission problem, which it is not.
  int err = st.code() == StatusCode::kNotSupported ? EOPNOTSUPP : statusErrno(st);
  py::object args = py::make_tuple(err, message);
  PyErr_SetObject(PyExc_OSError, args.ptr());
  throw py::error_already_set();
}

}  // namespace shoal::python
