// Audio of a sequence (audio/<up>/<bv>/<stem>.mp3) for the baselines: decoded with libmpg123,
// mixed to mono, resampled with libsoxr (high quality) to 16 kHz, and cut to a window. One file
// at a time: nothing here keeps more than one sequence's audio in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pmbench::dataset {

inline constexpr int kModelSampleRate = 16000;  ///< what the official loader feeds the models

struct AudioInfo {
  long rate = 0;  ///< sample rate of the file
  int channels = 0;
  std::int64_t frames = 0;  ///< samples per channel (after gapless trimming when the file says how)
  double seconds() const { return rate > 0 ? static_cast<double>(frames) / static_cast<double>(rate) : 0.0; }
};

/// Format and exact length of an mp3 (scans the frames, does not keep the audio). Throws
/// Error(Io) for a missing file and Error(InvalidInput) naming the file when it cannot be decoded.
AudioInfo probe_audio(const std::string& path);

/// Mono samples at `rate` Hz.
struct MonoAudio {
  int rate = kModelSampleRate;
  std::vector<float> samples;
  double seconds() const { return static_cast<double>(samples.size()) / rate; }
};

/// Decodes a whole mp3, mixes the channels to mono (mean) and resamples to `rate` with soxr (HQ).
MonoAudio load_audio_mono(const std::string& path, int rate = kModelSampleRate);

/// Exactly round(seconds * rate) samples starting at sample round(begin_seconds * rate); the
/// part outside the audio is zeros. `padded` (optional) receives how many samples were zero-filled.
std::vector<float> cut_audio(const MonoAudio& audio, double begin_seconds, double seconds,
                             std::size_t* padded = nullptr);

}  // namespace pmbench::dataset
