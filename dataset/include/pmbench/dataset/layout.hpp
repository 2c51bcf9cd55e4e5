// The released PianoMotion10M directory layout (docs/dataset.md):
//   annotation/<up>/<bv>/<bv>_seq_NNNN.json   audio/<up>/<bv>/<bv>_seq_NNNN.mp3   midi/<up>/<bv>.mid
//   train.txt / valid.txt / test.txt          lines "<up> <bv>"
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pmbench::dataset {

enum class Split { Train, Valid, Test };

/// "train", "valid", "test".
const char* split_name(Split split);
/// Parses a split name; throws Error(InvalidInput) listing the valid names otherwise.
Split parse_split(const std::string& name);

/// One line of a split file.
struct VideoEntry {
  std::string up;        ///< uploader id
  std::string bv;        ///< video id
  std::size_t line = 0;  ///< 1-based line in the split file (for messages)
};

/// One annotated sequence: annotation/<up>/<bv>/<stem>.json.
struct SequenceRef {
  std::string up;
  std::string bv;
  std::string stem;  ///< file name without extension, e.g. "BV1f34y1i7U1_seq_0000"
  /// "<up>/<bv>/<stem>": the sequence part of a clip id.
  std::string id() const { return up + "/" + bv + "/" + stem; }
};

/// Paths of a dataset rooted at `root`. Listing is deterministic: split entries sorted by
/// (up, bv), sequences by file name (byte order).
class DatasetLayout {
 public:
  explicit DatasetLayout(std::string root);
  const std::string& root() const { return root_; }

  std::string split_path(Split split) const;
  /// The entries of a split file, sorted by (up, bv). Throws Error naming the file and line for
  /// a missing file, a line that is not "<up> <bv>", or a duplicate entry. Blank lines are skipped.
  std::vector<VideoEntry> read_split(Split split) const;
  /// The *.json files of annotation/<up>/<bv>/, sorted by name. Throws Error(Io) naming the
  /// directory when it does not exist.
  std::vector<SequenceRef> list_sequences(const VideoEntry& video) const;

  /// Paths relative to the root (as recorded in manifests) and absolute ones.
  static std::string annotation_relpath(const SequenceRef& s);
  static std::string audio_relpath(const SequenceRef& s);
  static std::string midi_relpath(const std::string& up, const std::string& bv);
  std::string path(const std::string& relpath) const;
  std::string annotation_path(const SequenceRef& s) const { return path(annotation_relpath(s)); }
  std::string audio_path(const SequenceRef& s) const { return path(audio_relpath(s)); }
  std::string midi_path(const std::string& up, const std::string& bv) const {
    return path(midi_relpath(up, bv));
  }

 private:
  std::string root_;
};

}  // namespace pmbench::dataset
