// pmbench.score: every metric on every clip of a prediction set, from files or numpy arrays,
// returning the CLI's JSON report as Python objects.
#include "pmbench/score.hpp"

#include <mutex>
#include <optional>

#include "bindings.hpp"
#include "pmbench/error.hpp"
#include "pmbench/io/motion_file.hpp"
#ifdef PMBENCH_PYTHON_HAVE_ENCODER
#include "pmbench/autoencoder/fid_scoring.hpp"
#endif

namespace pmbench::python {
namespace {

/// nlohmann::json -> dict / list / str / int / float / bool / None.
py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : j) out.append(to_python(item));
      return std::move(out);
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, value] : j.items()) out[py::str(key)] = to_python(value);
      return std::move(out);
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  PMBENCH_FAIL(Internal, "pmbench.score: unexpected JSON value in the report");
}

/// A source seen through a row map: clip i is clip rows[i] of `base` (gt put in pred's order).
class ReorderedClipSource final : public ClipSource {
 public:
  ReorderedClipSource(const ClipSource& base, std::vector<std::size_t> rows)
      : base_(base), rows_(std::move(rows)) {}
  std::size_t clips() const override { return rows_.size(); }
  std::size_t frames() const override { return base_.frames(); }
  std::vector<std::string> clip_ids() const override {
    const std::vector<std::string> ids = base_.clip_ids();
    std::vector<std::string> out;
    if (ids.empty()) return out;
    for (std::size_t row : rows_) out.push_back(ids[row]);
    return out;
  }
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<float>>& out) const override {
    read_impl(first, count, out);
  }
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<double>>& out) const override {
    read_impl(first, count, out);
  }
  std::string describe() const override { return base_.describe(); }

 private:
  template <class Scalar>
  void read_impl(std::size_t first, std::size_t count, std::vector<io::ClipMotion<Scalar>>& out) const {
    out.resize(count);
    std::vector<io::ClipMotion<Scalar>> one;
    for (std::size_t i = 0; i < count; ++i) {
      base_.read(rows_.at(first + i), 1, one);
      out[i] = std::move(one.front());
    }
  }
  const ClipSource& base_;
  std::vector<std::size_t> rows_;
};

/// A ClipSource whose reads hold the module's HDF5 mutex (files are read with the GIL released).
class SerializedClipSource final : public ClipSource {
 public:
  explicit SerializedClipSource(std::unique_ptr<ClipSource> base) : base_(std::move(base)) {}
  std::size_t clips() const override { return base_->clips(); }
  std::size_t frames() const override { return base_->frames(); }
  std::vector<std::string> clip_ids() const override {
    const std::lock_guard<std::mutex> lock(hdf5_mutex());
    return base_->clip_ids();
  }
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<float>>& out) const override {
    const std::lock_guard<std::mutex> lock(hdf5_mutex());
    base_->read(first, count, out);
  }
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<double>>& out) const override {
    const std::lock_guard<std::mutex> lock(hdf5_mutex());
    base_->read(first, count, out);
  }
  std::string describe() const override { return base_->describe(); }

 private:
  std::unique_ptr<ClipSource> base_;
};

/// One side as given from Python: a file path, or a dict of arrays (held; built with the GIL).
struct SideInput {
  bool is_file = false;
  std::string path;
  std::optional<ArraySet> arrays;
  std::unique_ptr<ClipSource> array_source;
};

SideInput parse_side(const py::handle& obj, const char* role) {
  SideInput in;
  in.is_file = as_path(obj, &in.path);
  if (!in.is_file) {
    in.arrays.emplace(ArraySet::from_dict(obj, role, /*allow_clip_id=*/true));
    in.array_source = in.arrays->source();
  }
  return in;
}

/// One side opened for scoring; no Python objects, so it lives while the GIL is released.
/// Its file is opened and closed under the HDF5 mutex.
struct Side {
  LockedMotionFile file;
  std::unique_ptr<ClipSource> source;     ///< a file group (serialized reads)
  const ClipSource* arrays = nullptr;     ///< or the SideInput's arrays
  std::unique_ptr<ClipSource> reordered;  ///< gt arrays put in pred's clip order
  std::string name;                       ///< for messages, as the CLI names files: 'path'
  const ClipSource& base() const { return source ? *source : *arrays; }
  const ClipSource& get() const { return reordered ? *reordered : base(); }
};

std::unique_ptr<ClipSource> file_source(const io::MotionFile& file, const char* group,
                                        std::vector<std::size_t> rows = {}) {
  const std::lock_guard<std::mutex> lock(hdf5_mutex());
  return std::make_unique<SerializedClipSource>(
      std::make_unique<FileClipSource>(file, group, std::move(rows)));
}

/// Opens a file (checking its group as the CLI does) or takes the arrays.
void open_side(const SideInput& in, const char* group, Side& side) {
  if (in.is_file) {
    const io::MotionFile& file = side.file.open(in.path);
    {
      const std::lock_guard<std::mutex> lock(hdf5_mutex());
      PMBENCH_CHECK(file.has_group(group), InvalidInput, "'", file.path(), "': group /", group,
                    " is missing");
      file.group_shape(group);  // validates the four datasets up front
    }
    side.source = file_source(file, group);
    side.name = "'" + file.path() + "'";
  } else {
    side.arrays = in.array_source.get();
    side.name = in.arrays->name();
  }
}

Precision parse_precision(const std::string& name) {
  if (name == "float32") return Precision::Float32;
  if (name == "float64") return Precision::Float64;
  PMBENCH_FAIL(InvalidInput, "pmbench.score: precision must be \"float32\" or \"float64\", got \"", name,
               "\"");
}

py::object score(const py::object& pred, const py::object& gt, const std::string& precision,
                 const py::object& encoder, const py::object& threads, const py::object& fid_window,
                 const std::string& device) {
  ScoreOptions options;
  options.precision = parse_precision(precision);
  if (!threads.is_none()) {
    if (!py::isinstance<py::int_>(threads) || py::isinstance<py::bool_>(threads)) {
      throw py::type_error("pmbench.score: threads must be an int or None");
    }
    const long n = threads.cast<long>();
    PMBENCH_CHECK(n >= 0, InvalidInput, "pmbench.score: threads must be >= 0 (0 = all cores), got ", n);
    options.threads = static_cast<unsigned>(n);
  }
  // The encoder's options, checked whether or not an encoder is given (as the CLI's).
  std::string window;
  if (!fid_window.is_none()) {
    if (!py::isinstance<py::str>(fid_window))
      throw py::type_error("pmbench.score: fid_window must be a str or None");
    window = fid_window.cast<std::string>();
    PMBENCH_CHECK(
        window == "consecutive", InvalidInput,
        "pmbench.score: fid_window must be None (clips of exactly 240 frames, the official setting) or "
        "\"consecutive\", got \"",
        window, "\"");
  }
  PMBENCH_CHECK(device == "cpu" || device == "cuda", InvalidInput,
                "pmbench.score: device must be \"cpu\" or \"cuda\", got \"", device, "\"");
  std::string encoder_path;
  if (!encoder.is_none()) {
#ifdef PMBENCH_PYTHON_HAVE_ENCODER
    if (!as_path(encoder, &encoder_path)) throw py::type_error("pmbench.score: encoder must be a path");
#else
    PMBENCH_FAIL(
        InvalidInput,
        "pmbench.score: encoder= (FID through the motion auto-encoder) is not available: this module "
        "was built without LibTorch (configure with -DPMBENCH_PYTHON_WITH_ENCODER=ON); use "
        "`pmbench score --encoder` instead");
#endif
  }

  const SideInput pred_in = parse_side(pred, "pred");
  const bool separate = !gt.is_none();
  const SideInput gt_in = separate ? parse_side(gt, "gt") : SideInput{};

  nlohmann::json report;
  {
    // Files are opened, read and closed, and metrics computed, with the GIL released.
    py::gil_scoped_release nogil;
    // The CLI's pairing: gt from the pred file's /gt unless given; clips paired by clip id when
    // both sides have ids (and gt is separate), else by position.
    Side p, g;
    open_side(pred_in, io::kPredGroup, p);
    if (separate) {
      open_side(gt_in, io::kGtGroup, g);
      if (p.file && g.file) {
        const std::lock_guard<std::mutex> lock(hdf5_mutex());
        check_same_protocol(*p.file, *g.file);
      }
    } else {
      PMBENCH_CHECK(
          p.file, InvalidInput,
          "pmbench.score: gt= is required when pred is a dict of arrays (pass a dict or a file path)");
      {
        const std::lock_guard<std::mutex> lock(hdf5_mutex());
        PMBENCH_CHECK(
            p.file->has_group(io::kGtGroup), InvalidInput, "'", p.file->path(),
            "': group /gt is missing (pass gt= to take the ground truth from another file or arrays)");
        p.file->group_shape(io::kGtGroup);
      }
      g.source = file_source(*p.file, io::kGtGroup);
      g.name = p.name;
    }
    std::vector<std::size_t> gt_rows;
    if (separate) {
      const std::vector<std::string> pred_ids = p.base().clip_ids();
      const std::vector<std::string> gt_ids = g.base().clip_ids();
      if (!pred_ids.empty() && !gt_ids.empty()) gt_rows = match_clip_ids(pred_ids, gt_ids, p.name, g.name);
    }
    if (gt_rows.empty()) {
      const std::string pred_where = p.file ? p.name + " /pred" : p.name;
      const std::string gt_where = g.file || !separate ? g.name + " /gt" : g.name;
      PMBENCH_CHECK(p.base().clips() == g.base().clips(), InvalidInput, pred_where, " has ", p.base().clips(),
                    " clips but the ground truth ", gt_where, " has ", g.base().clips());
    } else if (g.file) {
      g.source = file_source(*g.file, io::kGtGroup, std::move(gt_rows));
    } else {
      g.reordered = std::make_unique<ReorderedClipSource>(g.base(), std::move(gt_rows));
    }

    ScoreReport r = pmbench::score(p.get(), g.get(), options);
#ifdef PMBENCH_PYTHON_HAVE_ENCODER
    if (!encoder_path.empty()) {
      autoencoder::FidScoringOptions fid;
      fid.encoder_path = encoder_path;
      fid.fid_window = window;
      fid.device = device;
      const nlohmann::json fid_report = autoencoder::score_fid(p.get(), g.get(), fid);
      for (const auto& [key, value] : fid_report.items()) r.extra[key] = value;
    }
#endif
    report = r.to_json();
  }
  return to_python(report);
}

}  // namespace

void bind_score(py::module_& m) {
  using namespace pybind11::literals;
  m.def("score", &score, "pred"_a, "gt"_a = py::none(), "precision"_a = "float32", "encoder"_a = py::none(),
        "threads"_a = py::none(), "fid_window"_a = py::none(), "device"_a = "cpu",
        R"doc(Scores every per-hand metric on every clip, as `pmbench score` does; returns its JSON report.

pred, gt: a path (str or os.PathLike) of a format-v1 HDF5 file (pred reads its /pred group, gt
its /gt group), or a dict {"right_pose": [C,T,48], "left_pose": [C,T,48], "right_trans": [C,T,3],
"left_trans": [C,T,3], optional "clip_id": list of C str} of float32/float64 arrays (any strides,
read in place). gt=None: the /gt group of the pred file. When both sides have clip ids, gt is
matched to pred by id; otherwise clip i is compared with clip i.
precision: "float32" (the official run) or "float64".
threads: worker threads, None or 0 = all cores (results do not depend on it).
encoder: FID through the motion auto-encoder; only in modules built with LibTorch.
fid_window: None (every clip exactly 240 frames, the official setting) or "consecutive" (each clip
cut into consecutive 240-frame windows), as `pmbench score --fid-window`.
device: the encoder's device, "cpu" or "cuda".
Raises ValueError (bad input), OSError (unreadable file), TypeError (wrong argument type).)doc");
}

}  // namespace pmbench::python
