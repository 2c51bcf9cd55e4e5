#include "pmbench/dataset/inspect.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pmbench/dataset/annotation.hpp"
#include "pmbench/dataset/audio.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/dataset/midi.hpp"
#include "pmbench/error.hpp"
#include "pmbench/io/motion_file.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {
namespace {

std::string head_bytes(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  PMBENCH_CHECK(in, Io, path, ": cannot open (", std::strerror(errno), ")");
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::string inspect_hdf5(const std::string& path) {
  std::ostringstream out;
  io::MotionFile file(path);
  out << path << ": pmbench motion file (HDF5)\n";
  for (const char* group : {io::kPredGroup, io::kGtGroup}) {
    if (!file.has_group(group)) continue;
    const io::GroupShape s = file.group_shape(group);
    out << "  /" << group << ": " << s.clips << " clips x " << s.frames
        << " frames (pose 48, trans 3 per hand)\n";
  }
  if (file.has_clip_ids()) {
    const std::vector<std::string> ids = file.clip_ids();
    out << "  /clip_id: " << ids.size() << " ids";
    for (std::size_t i = 0; i < std::min<std::size_t>(3, ids.size()); ++i) out << (i ? ", " : ": ") << ids[i];
    out << (ids.size() > 3 ? ", ...\n" : "\n");
  }
  for (const char* attr : {"protocol", "split", "manifest_sha256"}) {
    if (auto v = file.root_attribute(attr)) out << "  " << attr << ": " << *v << "\n";
  }
  if (const std::optional<std::string> manifest = read_manifest(path)) {
    const std::string digest = sha256_hex(*manifest);
    const std::optional<std::string> recorded = file.root_attribute("manifest_sha256");
    out << "  /manifest: " << manifest->size() << " bytes, sha256 "
        << (recorded ? (*recorded == digest ? "matches" : "DOES NOT MATCH manifest_sha256") : digest) << "\n";
    try {
      const nlohmann::json m = nlohmann::json::parse(*manifest);
      if (m.contains("counts")) out << "  counts: " << m["counts"].dump() << "\n";
      if (m.contains("seed")) out << "  seed: " << m["seed"].dump() << "\n";
      if (m.contains("skipped")) {
        for (const auto& s : m["skipped"]) {
          out << "  skipped " << s.value("source", "?") << ": " << s.value("reason", "?") << "\n";
        }
      }
    } catch (const nlohmann::json::exception& e) {
      out << "  /manifest is not valid JSON (" << e.what() << ")\n";
    }
  }
  return out.str();
}

std::string inspect_annotation(const std::string& path) {
  const Annotation a = read_annotation(path);
  std::ostringstream out;
  out << path << ": PianoMotion10M annotation\n";
  out << "  up " << a.up << ", bv " << a.bv << ", fps " << a.fps << ", " << a.num_frames() << " frames ("
      << std::fixed << std::setprecision(2) << a.num_frames() / a.fps << " s)\n";
  out.unsetf(std::ios::fixed);
  out << "  video frames " << a.start_frame << ".." << a.end_frame << " of " << a.frame_num << ", " << a.width
      << "x" << a.height << ", fx " << a.fx << "\n";
  out << "  adjust [" << a.adjust[0] << ", " << a.adjust[1] << ", " << a.adjust[2] << "]\n";
  for (int h = 0; h < io::kNumHands; ++h) {
    const std::size_t und = undetected_frames(a, static_cast<io::Hand>(h), 0, a.num_frames());
    out << "  " << io::kHandNames[static_cast<std::size_t>(h)] << " hand: undetected on " << und << " of "
        << a.num_frames() << " frames\n";
  }
  return out.str();
}

std::string inspect_mp3(const std::string& path) {
  const AudioInfo info = probe_audio(path);
  std::ostringstream out;
  out << path << ": mp3 audio\n";
  out << "  " << info.rate << " Hz, " << info.channels << (info.channels == 1 ? " channel, " : " channels, ")
      << info.frames << " samples per channel (" << std::fixed << std::setprecision(3) << info.seconds()
      << " s)\n";
  return out.str();
}

std::string inspect_midi(const std::string& path) {
  const Midi m = read_midi(path);
  std::ostringstream out;
  out << path << ": MIDI format " << m.format << ", " << m.tracks << " tracks, division " << m.division
      << "\n";
  out << "  " << m.notes.size() << " notes, " << m.sustain.size() << " sustain-pedal spans, "
      << m.tempo_map.size() << " tempo segments, " << std::fixed << std::setprecision(3) << m.duration
      << " s\n";
  if (!m.notes.empty()) {
    const auto [lo, hi] =
        std::minmax_element(m.notes.begin(), m.notes.end(),
                            [](const MidiNote& a, const MidiNote& b) { return a.pitch < b.pitch; });
    out << "  pitch " << lo->pitch << ".." << hi->pitch << ", first onset " << m.notes.front().onset
        << " s\n";
  }
  for (const TempoChange& t : m.tempo_map) {
    out << "  tempo " << std::setprecision(2) << 60e6 / t.us_per_quarter << " bpm from "
        << std::setprecision(3) << t.seconds << " s\n";
  }
  return out.str();
}

}  // namespace

FileKind detect_file_kind(const std::string& path) {
  const std::string head = head_bytes(path, 8);
  if (head.size() >= 8 && head.compare(0, 8, "\x89HDF\r\n\x1a\n", 8) == 0) return FileKind::Hdf5;
  if (head.size() >= 4 && head.compare(0, 4, "MThd") == 0) return FileKind::Midi;
  const auto first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '{') return FileKind::Annotation;
  if (ends_with(path, ".json")) return FileKind::Annotation;
  if (ends_with(path, ".mp3") || head.compare(0, 3, "ID3") == 0) return FileKind::Mp3;
  PMBENCH_FAIL(InvalidInput, path, ": unknown file kind (expected .h5, annotation .json, .mp3 or MIDI)");
}

std::string inspect_file(const std::string& path) {
  switch (detect_file_kind(path)) {
    case FileKind::Hdf5:
      return inspect_hdf5(path);
    case FileKind::Annotation:
      return inspect_annotation(path);
    case FileKind::Mp3:
      return inspect_mp3(path);
    case FileKind::Midi:
      return inspect_midi(path);
  }
  PMBENCH_FAIL(Internal, path, ": unhandled file kind");
}

}  // namespace pmbench::dataset
