// Frozen evaluation protocols: which sequences of a split become ground-truth clips, and which
// window of each (docs/dataset.md, "Protocol pm10m-v1"). A protocol is a value; its label and the
// manifest hash identify a ground-truth file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pmbench/dataset/layout.hpp"

namespace pmbench::dataset {

/// Name of the default protocol.
inline constexpr const char* kDefaultProtocol = "pm10m-v1";

enum class WindowMode {
  OneRandom,          ///< one window per sequence, start drawn from the seeded generator (official)
  AllNonOverlapping,  ///< windows at 0, W, 2W, ... while they fit
};
const char* window_mode_name(WindowMode mode);  ///< "one-random", "all-non-overlapping"
WindowMode parse_window_mode(const std::string& name);

struct Protocol {
  std::string name = kDefaultProtocol;  ///< base protocol name
  /// Uploaders kept (the official evaluation's up_list); empty = all uploaders.
  std::vector<std::string> uploaders = {"1467634", "66685747"};
  int window_seconds = 8;     ///< clip length in seconds (official train_sec)
  int fps = 30;               ///< output frame rate; sequences at other rates are resampled
  std::uint64_t seed = 2014;  ///< seed of the window draw
  WindowMode windows = WindowMode::OneRandom;
  /// Drop windows where a hand is undetected (flag == 0) on more than this many source frames;
  /// nullopt = keep them all (official) and only count them.
  std::optional<std::size_t> max_undetected;
  /// Skip sequences whose audio file is missing (a model cannot be run on them).
  bool require_audio = true;
  bool apply_adjust = true;  ///< add adjust[1:3] to (ty, tz) (official --adjust)

  /// Output frames per clip: window_seconds * fps (240 for pm10m-v1).
  std::size_t window_frames() const {
    return static_cast<std::size_t>(window_seconds) * static_cast<std::size_t>(fps);
  }
  /// Source frames covered by a window of a sequence at `source_fps`: window_seconds * source_fps;
  /// throws Error(InvalidInput) when that is not a whole number of frames.
  std::size_t source_window_frames(double source_fps) const;
  /// The name, plus "+key=value" for every field that differs from the named protocol's
  /// defaults, e.g. "pm10m-v1+seed=7+uploaders=all". Written as the `protocol` attribute.
  std::string label() const;
};

/// The protocol registered under `name` (only "pm10m-v1" for now); throws Error listing the names.
Protocol protocol_by_name(const std::string& name);
std::vector<std::string> protocol_names();

/// True when `up` passes the uploader filter.
bool uploader_selected(const Protocol& p, const std::string& up);

/// Per-sequence seed of the window draw: the first 8 bytes (big-endian) of
/// sha256("<seed>:<up>/<bv>/<stem>"). Independent of which other sequences exist.
std::uint64_t sequence_seed(std::uint64_t seed, const SequenceRef& seq);

/// A uniform integer in [0, n) from std::mt19937_64 seeded with `seed64`: draw 64-bit words w until
/// w < 2^64 - (2^64 mod n) and return w mod n (rejection sampling; identical on every platform).
std::uint64_t uniform_below(std::uint64_t seed64, std::uint64_t n);

/// Window starts (in source frames) for a sequence of `source_frames` frames whose window covers
/// `window` source frames. Empty when the sequence is shorter than one window.
std::vector<std::size_t> window_starts(const Protocol& p, const SequenceRef& seq, std::size_t source_frames,
                                       std::size_t window);

}  // namespace pmbench::dataset
