#include "pmbench/dataset/make_gt.hpp"

#include <hdf5.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <utility>

#include "parallel.hpp"
#include "pmbench/error.hpp"
#include "pmbench/sha256.hpp"

namespace fs = std::filesystem;

namespace pmbench::dataset {
namespace {

using nlohmann::json;

constexpr std::size_t kPlanBlock = 64;  // sequences per parallel planning block

/// What pass 1 learns about one sequence.
struct SequenceResult {
  std::string error;  // unreadable / malformed: the Error message
  std::vector<ClipPlan> clips;
  std::vector<SkipEntry> skipped;
};

const char* hand_label(int h) { return io::kHandNames[static_cast<std::size_t>(h)]; }

SequenceResult plan_sequence(const DatasetLayout& layout, const Protocol& p, const SequenceRef& seq) {
  SequenceResult r;
  const std::string rel = DatasetLayout::annotation_relpath(seq);
  try {
    // Messages name the file relative to the root: they go into the manifest, which must not
    // depend on where the dataset lives.
    std::string bytes;
    try {
      bytes = read_file_bytes(layout.path(rel));
    } catch (const Error&) {
      PMBENCH_FAIL(Io, rel, ": cannot read the annotation file");
    }
    const std::string digest = sha256_hex(bytes);
    const Annotation a = parse_annotation(bytes, rel);
    const std::size_t frames = a.num_frames();
    const std::size_t window = p.source_window_frames(a.fps);
    if (p.require_audio) {
      std::error_code ec;
      if (!fs::is_regular_file(layout.audio_path(seq), ec)) {
        r.skipped.push_back({rel, "audio file missing: " + DatasetLayout::audio_relpath(seq)});
        return r;
      }
    }
    if (frames < window) {
      std::ostringstream why;
      why << "shorter than one window: " << frames << " frames at " << a.fps << " fps < " << window << " ("
          << p.window_seconds << " s)";
      r.skipped.push_back({rel, why.str()});
      return r;
    }
    for (std::size_t begin : window_starts(p, seq, frames, window)) {
      ClipPlan c;
      c.seq = seq;
      c.source = rel;
      c.sha256 = digest;
      c.source_fps = a.fps;
      c.source_frames = frames;
      c.begin = begin;
      c.end = begin + window;
      c.start_frame = a.start_frame;
      for (int h = 0; h < io::kNumHands; ++h) {
        c.undetected[static_cast<std::size_t>(h)] =
            undetected_frames(a, static_cast<io::Hand>(h), begin, window);
      }
      if (p.max_undetected) {
        std::ostringstream why;
        for (int h = 0; h < io::kNumHands; ++h) {
          const std::size_t n = c.undetected[static_cast<std::size_t>(h)];
          if (n > *p.max_undetected) {
            why << (why.tellp() > 0 ? "; " : "") << hand_label(h) << " hand undetected on " << n << " of "
                << window << " frames (max " << *p.max_undetected << ")";
          }
        }
        if (why.tellp() > 0) {
          r.skipped.push_back({rel + "@" + std::to_string(begin), "window excluded: " + why.str()});
          continue;
        }
      }
      r.clips.push_back(std::move(c));
    }
  } catch (const Error& e) {
    r.error = e.what();
  }
  return r;
}

void write_manifest_dataset(const std::string& path, const std::string& text) {
  herr_t status = -1;
  hid_t file = -1, type = -1, space = -1, dset = -1;
  H5E_BEGIN_TRY {
    file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (file >= 0) {
      type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, text.size());
      H5Tset_cset(type, H5T_CSET_UTF8);
      H5Tset_strpad(type, H5T_STR_NULLPAD);
      space = H5Screate(H5S_SCALAR);
      dset = H5Dcreate2(file, kManifestDataset, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (dset >= 0) status = H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
    }
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (file >= 0 && H5Fclose(file) < 0) status = -1;
  }
  H5E_END_TRY;
  PMBENCH_CHECK(file >= 0 && status >= 0, Io, path, ": cannot write the /", kManifestDataset, " dataset");
}

template <class Scalar>
std::vector<io::ClipMotion<Scalar>> convert(std::vector<io::ClipMotion<double>>& in) {
  if constexpr (std::is_same_v<Scalar, double>) {
    return std::move(in);
  } else {
    std::vector<io::ClipMotion<Scalar>> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      for (int h = 0; h < io::kNumHands; ++h) {
        out[i].hands[static_cast<std::size_t>(h)].pose =
            in[i].hands[static_cast<std::size_t>(h)].pose.template cast<Scalar>();
        out[i].hands[static_cast<std::size_t>(h)].trans =
            in[i].hands[static_cast<std::size_t>(h)].trans.template cast<Scalar>();
      }
    }
    return out;
  }
}

}  // namespace

std::size_t GtPlan::clips_with_undetected() const {
  std::size_t n = 0;
  for (const ClipPlan& c : clips) n += (c.undetected[0] > 0 || c.undetected[1] > 0) ? 1 : 0;
  return n;
}

GtPlan plan_ground_truth(const DatasetLayout& layout, Split split, const Protocol& protocol,
                         const PlanOptions& options) {
  GtPlan plan;
  plan.protocol = protocol;
  plan.split = split;
  (void)protocol.label();  // validates the base name
  const std::vector<VideoEntry> videos = layout.read_split(split);
  plan.videos_in_split = videos.size();
  std::vector<SequenceRef> sequences;
  for (const VideoEntry& v : videos) {
    if (!uploader_selected(protocol, v.up)) continue;
    ++plan.videos_selected;
    try {
      std::vector<SequenceRef> s = layout.list_sequences(v);
      if (s.empty()) plan.skipped.push_back({"annotation/" + v.up + "/" + v.bv, "no annotation files"});
      sequences.insert(sequences.end(), s.begin(), s.end());
    } catch (const Error& e) {
      if (!options.skip_invalid) {
        PMBENCH_FAIL(InvalidInput, e.what(), " (", split_name(split), ".txt line ", v.line, ")");
      }
      plan.skipped.push_back({"annotation/" + v.up + "/" + v.bv, "no annotation directory"});
    }
  }
  plan.sequences = sequences.size();

  std::vector<SequenceResult> results(kPlanBlock);
  for (std::size_t first = 0; first < sequences.size(); first += kPlanBlock) {
    const std::size_t count = std::min(kPlanBlock, sequences.size() - first);
    detail::parallel_for(count, options.threads, [&](std::size_t i) {
      results[i] = plan_sequence(layout, protocol, sequences[first + i]);
    });
    for (std::size_t i = 0; i < count; ++i) {
      SequenceResult& r = results[i];
      if (!r.error.empty()) {
        PMBENCH_CHECK(options.skip_invalid, InvalidInput, layout.root(), "/", r.error);
        const std::string rel = DatasetLayout::annotation_relpath(sequences[first + i]);
        const bool named = r.error.compare(0, rel.size() + 2, rel + ": ") == 0;  // the source names the file
        plan.skipped.push_back({rel, "invalid: " + (named ? r.error.substr(rel.size() + 2) : r.error)});
        continue;
      }
      for (ClipPlan& c : r.clips) plan.clips.push_back(std::move(c));
      for (SkipEntry& s : r.skipped) plan.skipped.push_back(std::move(s));
    }
    if (options.progress) options.progress(first + count, sequences.size());
  }
  return plan;
}

json manifest_json(const GtPlan& plan) {
  const Protocol& p = plan.protocol;
  json m;
  m["manifest_version"] = kManifestVersion;
  m["protocol"] = p.label();
  json params;
  params["base"] = p.name;
  params["uploaders"] = p.uploaders.empty() ? json("all") : json(p.uploaders);
  params["window_seconds"] = p.window_seconds;
  params["fps"] = p.fps;
  params["window_frames"] = p.window_frames();
  params["seed"] = p.seed;
  params["windows"] = window_mode_name(p.windows);
  params["max_undetected"] = p.max_undetected ? json(*p.max_undetected) : json("keep");
  params["require_audio"] = p.require_audio;
  params["adjust"] = p.apply_adjust;
  params["resampling"] = "linear, align_corners=false";
  params["window_draw"] =
      "uniform_below(sha256(seed:up/bv/stem)[0:8] big-endian, frames - window + 1), mt19937_64";
  m["parameters"] = params;
  m["split"] = split_name(plan.split);
  m["seed"] = p.seed;
  json counts;
  counts["videos_in_split"] = plan.videos_in_split;
  counts["videos_selected"] = plan.videos_selected;
  counts["sequences"] = plan.sequences;
  counts["clips"] = plan.clips.size();
  counts["skipped"] = plan.skipped.size();
  counts["clips_with_undetected"] = plan.clips_with_undetected();
  m["counts"] = counts;
  json clips = json::array();
  for (const ClipPlan& c : plan.clips) {
    json j;
    j["clip_id"] = c.clip_id();
    j["source"] = c.source;
    j["sha256"] = c.sha256;
    j["source_fps"] = c.source_fps;
    j["source_frames"] = c.source_frames;
    j["begin"] = c.begin;
    j["end"] = c.end;
    j["start_frame"] = c.start_frame;
    j["undetected"] = {{"right", c.undetected[0]}, {"left", c.undetected[1]}};
    clips.push_back(std::move(j));
  }
  m["clips"] = std::move(clips);
  json skipped = json::array();
  for (const SkipEntry& s : plan.skipped) skipped.push_back({{"source", s.source}, {"reason", s.reason}});
  m["skipped"] = std::move(skipped);
  return m;
}

std::string manifest_text(const GtPlan& plan) { return manifest_json(plan).dump(1) + "\n"; }

io::ClipMotion<double> extract_clip(const Annotation& a, const ClipPlan& clip, const Protocol& protocol) {
  const std::size_t out_frames = protocol.window_frames();
  io::ClipMotion<double> m;
  for (int h = 0; h < io::kNumHands; ++h) {
    io::HandMotion<double> hm =
        hand_motion(a, static_cast<io::Hand>(h), clip.begin, clip.end - clip.begin, protocol.apply_adjust);
    if (hm.pose.rows() != static_cast<Eigen::Index>(out_frames)) {
      hm.pose = resample_linear(hm.pose, out_frames);
      hm.trans = resample_linear(hm.trans, out_frames);
    }
    m.hands[static_cast<std::size_t>(h)] = std::move(hm);
  }
  return m;
}

MakeGtResult make_gt(const MakeGtOptions& options) {
  PMBENCH_CHECK(!options.out.empty(), InvalidInput, "make-gt: no output path");
  PMBENCH_CHECK(options.block_clips > 0, InvalidInput, "make-gt: block_clips must be positive");
  {  // fail before the planning pass, not after it
    const fs::path parent = fs::path(options.out).parent_path();
    std::error_code ec;
    PMBENCH_CHECK(parent.empty() || fs::is_directory(parent, ec), Io, options.out,
                  ": the output directory does not exist");
  }
  const DatasetLayout layout(options.data_root);
  PlanOptions plan_options;
  plan_options.threads = options.threads;
  plan_options.skip_invalid = options.skip_invalid;
  if (options.progress) {
    plan_options.progress = [&](std::size_t d, std::size_t t) { options.progress("plan", d, t); };
  }
  MakeGtResult result;
  result.plan = plan_ground_truth(layout, options.split, options.protocol, plan_options);
  const GtPlan& plan = result.plan;
  const Protocol& p = plan.protocol;
  PMBENCH_CHECK(!plan.clips.empty(), InvalidInput, options.data_root, ": split '", split_name(options.split),
                "' gives no clip under protocol ", p.label(), " (", plan.videos_selected, " of ",
                plan.videos_in_split, " videos selected, ", plan.sequences, " sequences, ",
                plan.skipped.size(), " skipped)");
  result.manifest = manifest_text(plan);
  result.manifest_sha256 = sha256_hex(result.manifest);
  result.protocol_label = p.label();

  const std::string tmp = options.out + ".make-gt.partial";
  std::error_code ec;
  fs::remove(tmp, ec);
  try {
    io::MotionFileWriter writer(tmp, options.precision);
    writer.create_group(io::kGtGroup, io::GroupShape{plan.clips.size(), p.window_frames()});
    std::vector<std::string> ids;
    ids.reserve(plan.clips.size());
    for (const ClipPlan& c : plan.clips) ids.push_back(c.clip_id());

    for (std::size_t first = 0; first < plan.clips.size(); first += options.block_clips) {
      const std::size_t count = std::min(options.block_clips, plan.clips.size() - first);
      // Clips of the same sequence are adjacent: parse each source once per block.
      std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) within the block
      for (std::size_t i = 0; i < count; ++i) {
        if (i == 0 || plan.clips[first + i].source != plan.clips[first + i - 1].source)
          groups.push_back({i, i});
        groups.back().second = i + 1;
      }
      std::vector<io::ClipMotion<double>> block(count);
      detail::parallel_for(groups.size(), options.threads, [&](std::size_t g) {
        const ClipPlan& head = plan.clips[first + groups[g].first];
        const std::string path = layout.path(head.source);
        const std::string bytes = read_file_bytes(path);
        PMBENCH_CHECK(sha256_hex(bytes) == head.sha256, Io, path, ": changed while make-gt was running");
        const Annotation a = parse_annotation(bytes, path);
        for (std::size_t i = groups[g].first; i < groups[g].second; ++i) {
          block[i] = extract_clip(a, plan.clips[first + i], p);
        }
      });
      if (options.precision == Precision::Float32) {
        writer.write_clips(io::kGtGroup, first, convert<float>(block));
      } else {
        writer.write_clips(io::kGtGroup, first, block);
      }
      if (options.progress) options.progress("write", first + count, plan.clips.size());
    }
    writer.write_clip_ids(ids);
    writer.set_root_attribute("protocol", result.protocol_label);
    writer.set_root_attribute("manifest_sha256", result.manifest_sha256);
    writer.set_root_attribute("split", split_name(options.split));
    writer.commit();
    write_manifest_dataset(tmp, result.manifest);
    fs::rename(tmp, options.out, ec);
    PMBENCH_CHECK(!ec, Io, options.out, ": cannot move the finished file into place (", ec.message(), ")");
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  return result;
}

std::string summary_text(const MakeGtResult& result) {
  const GtPlan& plan = result.plan;
  std::ostringstream out;
  out << "protocol " << result.protocol_label << ", split " << split_name(plan.split) << "\n";
  out << "videos: " << plan.videos_selected << " selected of " << plan.videos_in_split << " in the split\n";
  out << "sequences: " << plan.sequences << ", clips written: " << plan.clips.size() << " of "
      << plan.protocol.window_frames() << " frames, with undetected frames: " << plan.clips_with_undetected()
      << "\n";
  out << "skipped: " << plan.skipped.size() << "\n";
  for (const SkipEntry& s : plan.skipped) out << "  " << s.source << ": " << s.reason << "\n";
  out << "manifest_sha256: " << result.manifest_sha256 << "\n";
  return out.str();
}

std::optional<std::string> read_manifest(const std::string& h5_path) {
  std::optional<std::string> out;
  bool ok = false;
  hid_t file = -1, dset = -1, type = -1;
  H5E_BEGIN_TRY {
    file = H5Fopen(h5_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
      if (H5Lexists(file, kManifestDataset, H5P_DEFAULT) <= 0) {
        ok = true;
      } else if ((dset = H5Dopen2(file, kManifestDataset, H5P_DEFAULT)) >= 0 &&
                 (type = H5Dget_type(dset)) >= 0 && H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
          char* s = nullptr;
          hid_t mem = H5Tcopy(H5T_C_S1);
          H5Tset_size(mem, H5T_VARIABLE);
          if (H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0 && s) {
            out = std::string(s);
            H5free_memory(s);
            ok = true;
          }
          H5Tclose(mem);
        } else {
          const std::size_t size = H5Tget_size(type);
          std::string s(size, '\0');
          if (H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data()) >= 0) {
            while (!s.empty() && s.back() == '\0') s.pop_back();
            out = std::move(s);
            ok = true;
          }
        }
      }
    }
    if (type >= 0) H5Tclose(type);
    if (dset >= 0) H5Dclose(dset);
    if (file >= 0) H5Fclose(file);
  }
  H5E_END_TRY;
  PMBENCH_CHECK(file >= 0, Io, h5_path, ": cannot open as HDF5");
  PMBENCH_CHECK(ok, InvalidInput, h5_path, ": /", kManifestDataset, " is not a readable string dataset");
  return out;
}

GtPlan plan_from_manifest(const std::string& manifest) {
  json m;
  try {
    m = json::parse(manifest);
  } catch (const json::exception& e) {
    PMBENCH_FAIL(InvalidInput, "manifest: not valid JSON (", e.what(), ")");
  }
  PMBENCH_CHECK(m.is_object() && m.value("manifest_version", 0) == kManifestVersion, InvalidInput,
                "manifest: not a version-", kManifestVersion, " pmbench manifest");
  try {
    GtPlan plan;
    const json& params = m.at("parameters");
    Protocol& p = plan.protocol;
    p = protocol_by_name(params.at("base").get<std::string>());
    const json& ups = params.at("uploaders");
    p.uploaders = ups.is_string() ? std::vector<std::string>{} : ups.get<std::vector<std::string>>();
    p.window_seconds = params.at("window_seconds").get<int>();
    p.fps = params.at("fps").get<int>();
    p.seed = params.at("seed").get<std::uint64_t>();
    p.windows = parse_window_mode(params.at("windows").get<std::string>());
    const json& max_und = params.at("max_undetected");
    p.max_undetected =
        max_und.is_string() ? std::nullopt : std::optional<std::size_t>(max_und.get<std::size_t>());
    p.require_audio = params.at("require_audio").get<bool>();
    p.apply_adjust = params.at("adjust").get<bool>();
    plan.split = parse_split(m.at("split").get<std::string>());
    const json& counts = m.at("counts");
    plan.videos_in_split = counts.at("videos_in_split").get<std::size_t>();
    plan.videos_selected = counts.at("videos_selected").get<std::size_t>();
    plan.sequences = counts.at("sequences").get<std::size_t>();
    for (const json& j : m.at("clips")) {
      ClipPlan c;
      const std::string id = j.at("clip_id").get<std::string>();
      const std::size_t at = id.rfind('@');
      const std::size_t s1 = id.find('/');
      const std::size_t s2 = s1 == std::string::npos ? s1 : id.find('/', s1 + 1);
      PMBENCH_CHECK(at != std::string::npos && s2 != std::string::npos && s2 < at, InvalidInput,
                    "manifest: clip id '", id, "' is not <up>/<bv>/<stem>@<begin>");
      c.seq = SequenceRef{id.substr(0, s1), id.substr(s1 + 1, s2 - s1 - 1), id.substr(s2 + 1, at - s2 - 1)};
      c.source = j.at("source").get<std::string>();
      c.sha256 = j.at("sha256").get<std::string>();
      c.source_fps = j.at("source_fps").get<double>();
      c.source_frames = j.at("source_frames").get<std::size_t>();
      c.begin = j.at("begin").get<std::size_t>();
      c.end = j.at("end").get<std::size_t>();
      c.start_frame = j.at("start_frame").get<long long>();
      c.undetected[0] = j.at("undetected").at("right").get<std::size_t>();
      c.undetected[1] = j.at("undetected").at("left").get<std::size_t>();
      PMBENCH_CHECK(c.clip_id() == id, InvalidInput, "manifest: clip id '", id, "' does not match its begin ",
                    c.begin);
      plan.clips.push_back(std::move(c));
    }
    for (const json& j : m.at("skipped")) {
      plan.skipped.push_back({j.at("source").get<std::string>(), j.at("reason").get<std::string>()});
    }
    return plan;
  } catch (const json::exception& e) {
    PMBENCH_FAIL(InvalidInput, "manifest: missing or mistyped field (", e.what(), ")");
  }
}

}  // namespace pmbench::dataset
