#include "pmbench/dataset/clip_inputs.hpp"

#include "pmbench/error.hpp"

namespace pmbench::dataset {

std::vector<float> clip_audio(const DatasetLayout& layout, const ClipPlan& clip, const Protocol& protocol,
                              int rate, std::size_t* padded) {
  PMBENCH_CHECK(clip.source_fps > 0, InvalidInput, clip.clip_id(), ": clip without a source fps");
  const MonoAudio audio = load_audio_mono(layout.audio_path(clip.seq), rate);
  return cut_audio(audio, static_cast<double>(clip.begin) / clip.source_fps, protocol.window_seconds, padded);
}

PianoRoll clip_piano_roll(const Midi& video_midi, const ClipPlan& clip, const Protocol& protocol,
                          bool extend_by_pedal) {
  PMBENCH_CHECK(clip.source_fps > 0, InvalidInput, clip.clip_id(), ": clip without a source fps");
  return piano_roll(video_midi, window_start_seconds(clip.start_frame, clip.begin, clip.source_fps),
                    protocol.window_frames(), protocol.fps, extend_by_pedal);
}

}  // namespace pmbench::dataset
