#include "pmbench/dataset/layout.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include "pmbench/error.hpp"

namespace fs = std::filesystem;

namespace pmbench::dataset {

const char* split_name(Split split) {
  switch (split) {
    case Split::Train:
      return "train";
    case Split::Valid:
      return "valid";
    case Split::Test:
      return "test";
  }
  return "?";
}

Split parse_split(const std::string& name) {
  if (name == "train") return Split::Train;
  if (name == "valid") return Split::Valid;
  if (name == "test") return Split::Test;
  PMBENCH_FAIL(InvalidInput, "unknown split '", name, "' (expected train, valid or test)");
}

DatasetLayout::DatasetLayout(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  PMBENCH_CHECK(!root_.empty(), InvalidInput, "dataset root is empty");
}

std::string DatasetLayout::split_path(Split split) const {
  return path(std::string(split_name(split)) + ".txt");
}

std::vector<VideoEntry> DatasetLayout::read_split(Split split) const {
  const std::string file = split_path(split);
  std::ifstream in(file);
  PMBENCH_CHECK(in, Io, file, ": cannot open the split file");
  std::vector<VideoEntry> entries;
  std::set<std::pair<std::string, std::string>> seen;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    VideoEntry e;
    std::string extra;
    if (!(fields >> e.up)) continue;  // blank line
    PMBENCH_CHECK(fields >> e.bv && !(fields >> extra), InvalidInput, file, ":", number,
                  ": expected '<up> <bv>', got '", line, "'");
    for (const std::string* part : {&e.up, &e.bv}) {
      PMBENCH_CHECK(part->find('/') == std::string::npos && *part != "." && *part != "..", InvalidInput, file,
                    ":", number, ": '", *part, "' is not a valid directory name");
    }
    PMBENCH_CHECK(seen.emplace(e.up, e.bv).second, InvalidInput, file, ":", number, ": duplicate entry '",
                  e.up, " ", e.bv, "'");
    e.line = number;
    entries.push_back(std::move(e));
  }
  PMBENCH_CHECK(!in.bad(), Io, file, ": read failed");
  std::sort(entries.begin(), entries.end(), [](const VideoEntry& a, const VideoEntry& b) {
    return std::tie(a.up, a.bv) < std::tie(b.up, b.bv);
  });
  return entries;
}

std::vector<SequenceRef> DatasetLayout::list_sequences(const VideoEntry& video) const {
  const fs::path dir = fs::path(root_) / "annotation" / video.up / video.bv;
  std::error_code ec;
  PMBENCH_CHECK(fs::is_directory(dir, ec), Io, dir.string(), ": no such annotation directory");
  std::vector<SequenceRef> out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    out.push_back(SequenceRef{video.up, video.bv, p.stem().string()});
  }
  PMBENCH_CHECK(!ec, Io, dir.string(), ": cannot list (", ec.message(), ")");
  std::sort(out.begin(), out.end(),
            [](const SequenceRef& a, const SequenceRef& b) { return a.stem < b.stem; });
  return out;
}

std::string DatasetLayout::annotation_relpath(const SequenceRef& s) {
  return "annotation/" + s.up + "/" + s.bv + "/" + s.stem + ".json";
}

std::string DatasetLayout::audio_relpath(const SequenceRef& s) {
  return "audio/" + s.up + "/" + s.bv + "/" + s.stem + ".mp3";
}

std::string DatasetLayout::midi_relpath(const std::string& up, const std::string& bv) {
  return "midi/" + up + "/" + bv + ".mid";
}

std::string DatasetLayout::path(const std::string& relpath) const { return root_ + "/" + relpath; }

}  // namespace pmbench::dataset
