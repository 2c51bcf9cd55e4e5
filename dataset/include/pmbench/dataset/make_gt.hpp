// `pmbench make-gt`: a ground-truth file (format v1, /gt + /clip_id) and its manifest from a
// dataset split under a frozen protocol. Two passes, both parallel and deterministic:
//   plan    every selected sequence is read once: sha256, frame count, windows, visibility
//   write   clips are extracted block by block (bounded memory) and written in plan order.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pmbench/dataset/annotation.hpp"
#include "pmbench/dataset/layout.hpp"
#include "pmbench/dataset/protocol.hpp"
#include "pmbench/io/motion_file.hpp"

namespace pmbench::dataset {

/// Version of the manifest layout (key "manifest_version").
inline constexpr int kManifestVersion = 1;
/// HDF5 dataset holding the manifest JSON (a scalar string); root attributes `protocol` and
/// `manifest_sha256` (sha256 of those exact bytes) identify it.
inline constexpr const char* kManifestDataset = "manifest";

/// One ground-truth clip: a window of a sequence.
struct ClipPlan {
  SequenceRef seq;
  std::string source;             ///< annotation path relative to the data root
  std::string sha256;             ///< of the annotation file's bytes
  double source_fps = 0;          ///< fps of the sequence
  std::size_t source_frames = 0;  ///< frames of the sequence
  std::size_t begin = 0;          ///< first source frame of the window
  std::size_t end = 0;            ///< one past the last source frame of the window
  long long start_frame = 0;      ///< the sequence's first video frame (annotation start_frame)
  std::array<std::size_t, io::kNumHands> undetected{};  ///< source frames with flag == 0, per hand
  /// "<up>/<bv>/<stem>@<begin>".
  std::string clip_id() const { return seq.id() + "@" + std::to_string(begin); }
};

/// A sequence or window left out of the file, and why.
struct SkipEntry {
  std::string source;  ///< annotation path relative to the root (or a directory / split line)
  std::string reason;
};

struct GtPlan {
  Protocol protocol;
  Split split = Split::Test;
  std::size_t videos_in_split = 0;  ///< entries of the split file
  std::size_t videos_selected = 0;  ///< after the uploader filter
  std::size_t sequences = 0;        ///< annotation files of the selected videos
  std::vector<ClipPlan> clips;      ///< in file order
  std::vector<SkipEntry> skipped;   ///< in visiting order
  /// Clips with at least one undetected frame (either hand).
  std::size_t clips_with_undetected() const;
};

struct PlanOptions {
  unsigned threads = 0;       ///< worker threads; 0 = all cores
  bool skip_invalid = false;  ///< skip unreadable / malformed annotations (listed) instead of failing
  /// Called from the calling thread: (sequences done, sequences total).
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Pass 1. Visits the split's selected videos in sorted order and their sequences in sorted
/// order. Throws Error naming the file for the first (in that order) unreadable or malformed
/// annotation unless skip_invalid. Sequences shorter than one window, without audio (when the
/// protocol requires it) and windows over max_undetected are always skipped and listed.
GtPlan plan_ground_truth(const DatasetLayout& layout, Split split, const Protocol& protocol,
                         const PlanOptions& options = {});

/// The manifest (keys sorted, clips in file order): manifest_version, protocol (label), base
/// protocol parameters, split, seed, counts, clips [{clip_id, source, sha256, source_fps,
/// source_frames, begin, end, start_frame, undetected {right, left}}], skipped [{source, reason}].
/// Never contains the data root, the time or the pmbench version: equal inputs give equal bytes.
nlohmann::json manifest_json(const GtPlan& plan);
/// manifest_json(plan).dump(1) + "\n": the exact bytes stored and hashed.
std::string manifest_text(const GtPlan& plan);

/// The 240-frame (window_frames) motion of one planned clip: source frames [begin, end), adjust
/// applied, betas dropped, resampled to protocol.fps when the source fps differs.
io::ClipMotion<double> extract_clip(const Annotation& a, const ClipPlan& clip, const Protocol& protocol);

struct MakeGtOptions {
  std::string data_root;  ///< dataset root (holds annotation/, audio/, midi/, *.txt)
  Split split = Split::Test;
  std::string out;                           ///< output .h5, written atomically
  Protocol protocol;                         ///< default: pm10m-v1
  Precision precision = Precision::Float32;  ///< stored precision (the official arrays are float32)
  unsigned threads = 0;                      ///< worker threads; 0 = all cores
  bool skip_invalid = false;                 ///< see PlanOptions
  std::size_t block_clips = 256;             ///< clips extracted and written per block (bounds memory)
  /// Called from the calling thread: (stage "plan" or "write", done, total).
  std::function<void(const char*, std::size_t, std::size_t)> progress;
};

struct MakeGtResult {
  GtPlan plan;
  std::string manifest;         ///< exact bytes stored in /manifest
  std::string manifest_sha256;  ///< root attribute manifest_sha256
  std::string protocol_label;   ///< root attribute protocol
};

/// Plans, then writes `out`: /gt/{right,left}_{pose,trans} [C, window_frames, 48 / 3], /clip_id,
/// /manifest, root attributes protocol, manifest_sha256, split. Throws Error(InvalidInput) when no
/// clip is selected.
MakeGtResult make_gt(const MakeGtOptions& options);

/// A few lines for people: counts, and every skipped sequence / window with its reason.
std::string summary_text(const MakeGtResult& result);

/// Reads /manifest of a ground-truth file written by make_gt; nullopt when it has none.
std::optional<std::string> read_manifest(const std::string& h5_path);

/// The plan a manifest describes (protocol parameters, split, counts, clips in file order, skips),
/// e.g. to load the audio / MIDI of every clip of a ground-truth file for a baseline:
/// `plan_from_manifest(*read_manifest("gt.h5"))`. Throws Error(InvalidInput) when the text is not
/// a version-1 manifest. manifest_text(plan_from_manifest(m)) == m for manifests written by make_gt.
GtPlan plan_from_manifest(const std::string& manifest);

}  // namespace pmbench::dataset
