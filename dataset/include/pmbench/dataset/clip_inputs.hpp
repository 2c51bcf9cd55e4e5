// Model inputs of a planned ground-truth clip: the 16 kHz mono audio span and the 30 fps piano
// roll that match its window (what the baselines consume). Loaded one clip at a time.
#pragma once

#include <cstddef>
#include <vector>

#include "pmbench/dataset/audio.hpp"
#include "pmbench/dataset/layout.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/dataset/midi.hpp"

namespace pmbench::dataset {

/// The window's audio: window_seconds * rate samples (128,000 for pm10m-v1) starting at
/// begin / source_fps seconds into the sequence's mp3 (the mp3 starts with the sequence).
/// Samples past the end of the file are zeros; `padded` receives their count.
std::vector<float> clip_audio(const DatasetLayout& layout, const ClipPlan& clip, const Protocol& protocol,
                              int rate = kModelSampleRate, std::size_t* padded = nullptr);

/// The window's piano roll from the video's MIDI: window_frames() frames at protocol.fps,
/// starting at video time (start_frame + begin) / source_fps.
PianoRoll clip_piano_roll(const Midi& video_midi, const ClipPlan& clip, const Protocol& protocol,
                          bool extend_by_pedal = false);

}  // namespace pmbench::dataset
