// Shoal Status values as the Python exceptions a Python program expects: OSError with the errno
// (so FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError, NotADirectoryError,
// ... by Python's own mapping) and the message naming the path and the cause; shoal.Unavailable
// (a ConnectionError) when no master or worker answered.
#pragma once

#include <pybind11/pybind11.h>

#include "common/status.h"

namespace shoal::python {

// Defines shoal._native.Unavailable in `module`. Once, at import.
void registerErrors(pybind11::module_& module);

// Raises `st` (not OK) as a Python exception.
[[noreturn]] void raise(const Status& st);

template <typename T>
T unwrap(Result<T> r) {
  if (!r) raise(r.error());
  return std::move(*r);
}

inline void check(const Status& st) {
  if (!st) raise(st);
}

}  // namespace shoal::python
