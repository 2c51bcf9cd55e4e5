// A one-line progress bar on stderr, shown only on a terminal and never when quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace pmbench {

class ProgressBar {
 public:
  /// Enabled when `quiet` is false and stderr is a terminal.
  ProgressBar(std::string label, bool quiet);
  ~ProgressBar();
  void update(std::size_t done, std::size_t total);
  /// Clears the line.
  void finish();
  bool enabled() const { return enabled_; }

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace pmbench
