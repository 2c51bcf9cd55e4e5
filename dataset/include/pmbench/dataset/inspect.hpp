// `pmbench inspect FILE`: a short human-readable summary of an .h5 (format v1 / ground truth),
// an annotation .json, an .mp3 or a MIDI file.
#pragma once

#include <string>

namespace pmbench::dataset {

enum class FileKind { Hdf5, Annotation, Mp3, Midi };

/// By content where possible (HDF5 signature, "MThd", "{"), else by extension (.mp3).
/// Throws Error(InvalidInput) naming the file when the kind is not recognised.
FileKind detect_file_kind(const std::string& path);

/// The summary (several lines, ends with a newline). Throws Error naming the file on bad input.
std::string inspect_file(const std::string& path);

}  // namespace pmbench::dataset
