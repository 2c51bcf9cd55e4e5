// The one error type of pmbench and its check macro (after faiss' FaissAssert.h).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace pmbench {

/// What went wrong, so that bindings can map errors to ValueError / OSError and the CLI to
/// distinct exit codes.
enum class ErrorKind {
  InvalidInput,  ///< well-formed request, bad data or arguments (Python: ValueError)
  Io,            ///< a file could not be opened, read or written (Python: OSError)
  Internal,      ///< a broken invariant inside pmbench
};

/// Every pmbench failure. what() is one line that names the file, dataset, clip and problem
/// where they are known.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

namespace detail {
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

}  // namespace pmbench

/// PMBENCH_CHECK(cond, kind, parts...): throw pmbench::Error(kind, concat(parts...)) unless cond.
#define PMBENCH_CHECK(cond, kind, ...)                                                                       \
  do {                                                                                                       \
    if (!(cond)) throw ::pmbench::Error(::pmbench::ErrorKind::kind, ::pmbench::detail::concat(__VA_ARGS__)); \
  } while (0)

/// PMBENCH_FAIL(kind, parts...): throw unconditionally.
#define PMBENCH_FAIL(kind, ...) \
  throw ::pmbench::Error(::pmbench::ErrorKind::kind, ::pmbench::detail::concat(__VA_ARGS__))
