// MIDI of a video (midi/<up>/<bv>.mid): notes with onset / offset / pitch / velocity, sustain
// pedal (CC64) and the tempo map, and a 30 fps piano roll aligned with the annotation frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pmbench/metrics/types.hpp"

namespace pmbench::dataset {

inline constexpr int kPianoKeys = 88;
inline constexpr int kLowestKey = 21;  ///< MIDI pitch of A0, roll column 0

struct MidiNote {
  int pitch = 0;     ///< MIDI pitch 0..127
  int velocity = 0;  ///< onset velocity 1..127
  int channel = 0;
  double onset = 0;   ///< seconds from the start of the file
  double offset = 0;  ///< seconds; notes never released end at the last event of the file
};

/// A span of seconds with the sustain pedal down (CC64 >= 64).
struct PedalSpan {
  int channel = 0;
  double onset = 0;
  double offset = 0;
};

struct TempoChange {
  std::int64_t tick = 0;
  double seconds = 0;  ///< time of the change
  std::uint32_t us_per_quarter = 500000;
};

struct Midi {
  std::string path;
  int format = 0;
  int tracks = 0;
  int division = 0;  ///< ticks per quarter note; for SMPTE timing, minus the frames per second
  std::vector<TempoChange> tempo_map;  ///< always starts at tick 0 (120 bpm unless the file says otherwise)
  std::vector<MidiNote> notes;         ///< sorted by (onset, pitch)
  std::vector<PedalSpan> sustain;      ///< sorted by onset
  double duration = 0;                 ///< seconds of the last event
};

/// Parses a standard MIDI file (format 0 or 1; running status, meta and sysex events). Throws
/// Error(InvalidInput) naming the file, track and byte offset for a malformed file.
Midi parse_midi(const std::string& bytes, const std::string& name);
Midi read_midi(const std::string& path);

/// Frame-aligned rolls of a time span: frame f covers the instant start_seconds + f / fps.
struct PianoRoll {
  double fps = 30;
  double start_seconds = 0;
  MatrixRM<float> onset;     ///< [frames, 88]: 1 on the frame nearest a note's onset
  MatrixRM<float> velocity;  ///< [frames, 88]: velocity / 127 while the note sounds, else 0
  std::vector<float> pedal;  ///< [frames]: 1 while the sustain pedal is down
};

/// Note onset t lands on frame round((t - start_seconds) * fps) (half up); a note sounds on frames
/// [round(onset), max(round(offset), round(onset) + 1)). With `extend_by_pedal`, a release while the
/// pedal is down is moved to the pedal release (or the next onset of that pitch, if earlier).
PianoRoll piano_roll(const Midi& midi, double start_seconds, std::size_t frames, double fps = 30,
                     bool extend_by_pedal = false);

/// Video time of a window: (start_frame + begin) / fps, the sequence's offset in the video plus
/// the window's first source frame.
inline double window_start_seconds(long long start_frame, std::size_t begin, double source_fps) {
  return (static_cast<double>(start_frame) + static_cast<double>(begin)) / source_fps;
}

}  // namespace pmbench::dataset
