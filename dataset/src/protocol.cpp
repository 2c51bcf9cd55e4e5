#include "pmbench/dataset/protocol.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "pmbench/error.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {

const char* window_mode_name(WindowMode mode) {
  return mode == WindowMode::OneRandom ? "one-random" : "all-non-overlapping";
}

WindowMode parse_window_mode(const std::string& name) {
  if (name == "one-random") return WindowMode::OneRandom;
  if (name == "all-non-overlapping") return WindowMode::AllNonOverlapping;
  PMBENCH_FAIL(InvalidInput, "unknown window mode '", name, "' (expected one-random or all-non-overlapping)");
}

std::size_t Protocol::source_window_frames(double source_fps) const {
  const double frames = window_seconds * source_fps;
  PMBENCH_CHECK(std::isfinite(frames) && frames >= 1 && frames == std::floor(frames), InvalidInput, "a ",
                window_seconds, " s window at ", source_fps, " fps is not a whole number of frames");
  return static_cast<std::size_t>(frames);
}

std::vector<std::string> protocol_names() { return {kDefaultProtocol}; }

Protocol protocol_by_name(const std::string& name) {
  if (name == kDefaultProtocol) return Protocol{};
  std::ostringstream names;
  for (const std::string& n : protocol_names()) names << " " << n;
  PMBENCH_FAIL(InvalidInput, "unknown protocol '", name, "' (known:", names.str(), ")");
}

std::string Protocol::label() const {
  const Protocol base = protocol_by_name(name);
  std::ostringstream out;
  out << name;
  if (uploaders != base.uploaders) {
    out << "+uploaders=";
    if (uploaders.empty()) out << "all";
    for (std::size_t i = 0; i < uploaders.size(); ++i) out << (i ? "," : "") << uploaders[i];
  }
  if (window_seconds != base.window_seconds) out << "+window_seconds=" << window_seconds;
  if (fps != base.fps) out << "+fps=" << fps;
  if (seed != base.seed) out << "+seed=" << seed;
  if (windows != base.windows) out << "+windows=" << window_mode_name(windows);
  if (max_undetected != base.max_undetected) {
    out << "+max_undetected=";
    if (max_undetected)
      out << *max_undetected;
    else
      out << "keep";
  }
  if (require_audio != base.require_audio) out << "+require_audio=" << (require_audio ? "yes" : "no");
  if (apply_adjust != base.apply_adjust) out << "+adjust=" << (apply_adjust ? "yes" : "no");
  return out.str();
}

bool uploader_selected(const Protocol& p, const std::string& up) {
  return p.uploaders.empty() || std::find(p.uploaders.begin(), p.uploaders.end(), up) != p.uploaders.end();
}

std::uint64_t sequence_seed(std::uint64_t seed, const SequenceRef& seq) {
  const std::string digest = sha256_hex(std::to_string(seed) + ":" + seq.id());
  std::uint64_t v = 0;
  for (int i = 0; i < 16; ++i) {  // 16 hex digits = the first 8 bytes, big-endian
    const char c = digest[static_cast<std::size_t>(i)];
    v = (v << 4) | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return v;
}

std::uint64_t uniform_below(std::uint64_t seed64, std::uint64_t n) {
  PMBENCH_CHECK(n > 0, Internal, "uniform_below: empty range");
  std::mt19937_64 gen(seed64);
  // 2^64 mod n, computed without 128-bit arithmetic: (2^64 - n) mod n.
  const std::uint64_t rem = (0 - n) % n;
  const std::uint64_t limit = 0 - rem;  // 2^64 - rem (wraps to 0 when rem == 0: every word accepted)
  for (;;) {
    const std::uint64_t w = gen();
    if (rem == 0 || w < limit) return w % n;
  }
}

std::vector<std::size_t> window_starts(const Protocol& p, const SequenceRef& seq, std::size_t source_frames,
                                       std::size_t window) {
  std::vector<std::size_t> starts;
  if (window == 0 || source_frames < window) return starts;
  if (p.windows == WindowMode::OneRandom) {
    const std::uint64_t choices = source_frames - window + 1;
    starts.push_back(static_cast<std::size_t>(uniform_below(sequence_seed(p.seed, seq), choices)));
  } else {
    for (std::size_t b = 0; b + window <= source_frames; b += window) starts.push_back(b);
  }
  return starts;
}

}  // namespace pmbench::dataset
