// PianoMotion10M annotation files: annotation/<up>/<bv>/<bv>_seq_NNNN.json (docs/dataset.md).
// Header `up, bv, frame_num, fps, fx, height, width, adjust[3], start_frame, end_frame`, and per hand
// (`left`, `right`) a list of frames of 62 floats [flag, tx, ty, tz, pose48, betas10].
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "pmbench/io/motion_file.hpp"
#include "pmbench/metrics/types.hpp"

namespace pmbench::dataset {

inline constexpr int kFrameValues = 62;  ///< values per annotated frame
inline constexpr int kFlagColumn = 0;    ///< 1 = hand detected, 0 = undetected
inline constexpr int kTransColumn = 1;   ///< tx, ty, tz
inline constexpr int kPoseColumn = 4;    ///< 48 MANO axis-angle values
inline constexpr int kBetaColumn = 52;   ///< 10 MANO shape values (dropped by the official loader)
inline constexpr int kPoseDims = 48;
inline constexpr int kTransDims = 3;

/// One annotation file, parsed and checked.
struct Annotation {
  std::string path;                ///< where it was read from (for messages)
  std::string up;                  ///< uploader id
  std::string bv;                  ///< video id
  long long frame_num = 0;         ///< frames of the whole video (not of this sequence)
  double fps = 0;                  ///< frame rate of the sequence
  double fx = 0;                   ///< focal length
  long long height = 0;            ///< video height in pixels
  long long width = 0;             ///< video width in pixels
  std::array<double, 3> adjust{};  ///< adjust[1:3] is added to (ty, tz) by the official loader
  long long start_frame = 0;       ///< first video frame of this sequence
  long long end_frame = 0;         ///< last video frame of this sequence (as annotated)
  /// Raw frames [T, 62] per hand, indexed by io::Hand (right = 0, left = 1).
  std::array<MatrixRM<double>, io::kNumHands> frames;

  /// Frames of the sequence (the length of the `left` / `right` lists).
  std::size_t num_frames() const { return static_cast<std::size_t>(frames[0].rows()); }
};

/// Parses annotation JSON text; `name` is used in messages. Throws Error(InvalidInput) naming the
/// file and the offending key / frame for malformed JSON, missing or mistyped header fields,
/// frames that are not 62 numbers, or left/right lists of different lengths.
Annotation parse_annotation(const std::string& text, const std::string& name);

/// Reads and parses an annotation file (Error(Io) when it cannot be read).
Annotation read_annotation(const std::string& path);

/// Frames [begin, begin + count) of one hand with the official conventions: betas dropped,
/// and with `apply_adjust`, adjust[1] / adjust[2] added to ty / tz. No resampling.
io::HandMotion<double> hand_motion(const Annotation& a, io::Hand hand, std::size_t begin, std::size_t count,
                                   bool apply_adjust = true);

/// Frames in [begin, begin + count) where the hand was undetected (flag == 0).
std::size_t undetected_frames(const Annotation& a, io::Hand hand, std::size_t begin, std::size_t count);

/// Linear resampling of the rows of `in` to `out_rows` rows, exactly as the official loader's
/// torch.nn.functional.interpolate(mode='linear', align_corners=False): output row i samples the
/// input at x = max(0, (i + 0.5) * in_rows / out_rows - 0.5), between rows floor(x) and
/// min(floor(x) + 1, in_rows - 1). Computed in double.
MatrixRM<double> resample_linear(const MatrixRM<double>& in, std::size_t out_rows);

}  // namespace pmbench::dataset
