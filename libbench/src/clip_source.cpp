#include "pmbench/clip_source.hpp"

#include <algorithm>
#include <unordered_map>

#include "pmbench/error.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench {

FileClipSource::FileClipSource(const io::MotionFile& file, std::string group, std::vector<std::size_t> rows)
    : file_(file), group_(std::move(group)), rows_(std::move(rows)), shape_(file.group_shape(group_)) {
  for (std::size_t r : rows_) {
    PMBENCH_CHECK(r < shape_.clips, Internal, describe(), ": row ", r, " out of range");
  }
}

std::size_t FileClipSource::clips() const { return rows_.empty() ? shape_.clips : rows_.size(); }

std::vector<std::string> FileClipSource::clip_ids() const {
  if (!file_.has_clip_ids()) return {};
  std::vector<std::string> ids = file_.clip_ids();
  PMBENCH_CHECK(ids.size() == shape_.clips, InvalidInput, "'", file_.path(), "' dataset /clip_id: has ",
                ids.size(), " ids but /", group_, " has ", shape_.clips, " clips");
  if (rows_.empty()) return ids;
  std::vector<std::string> ordered;
  ordered.reserve(rows_.size());
  for (std::size_t r : rows_) ordered.push_back(ids[r]);
  return ordered;
}

std::string FileClipSource::describe() const { return "'" + file_.path() + "' /" + group_; }

template <class Scalar>
void FileClipSource::read_impl(std::size_t first, std::size_t count,
                               std::vector<io::ClipMotion<Scalar>>& out) const {
  if (rows_.empty()) {
    file_.read_clips<Scalar>(group_, first, count, out);
    return;
  }
  // Rows of a re-ordered source are read in runs of consecutive file rows.
  out.resize(count);
  std::vector<io::ClipMotion<Scalar>> run;
  std::size_t i = 0;
  while (i < count) {
    std::size_t j = i + 1;
    while (j < count && rows_[first + j] == rows_[first + j - 1] + 1) ++j;
    file_.read_clips<Scalar>(group_, rows_[first + i], j - i, run);
    std::move(run.begin(), run.end(), out.begin() + static_cast<std::ptrdiff_t>(i));
    i = j;
  }
}

void FileClipSource::read(std::size_t first, std::size_t count,
                          std::vector<io::ClipMotion<float>>& out) const {
  read_impl(first, count, out);
}
void FileClipSource::read(std::size_t first, std::size_t count,
                          std::vector<io::ClipMotion<double>>& out) const {
  read_impl(first, count, out);
}

template <class Scalar>
ArrayClipSource<Scalar>::ArrayClipSource(std::string name, ArrayView3<Scalar> right_pose,
                                         ArrayView3<Scalar> left_pose, ArrayView3<Scalar> right_trans,
                                         ArrayView3<Scalar> left_trans, std::vector<std::string> clip_ids)
    : name_(std::move(name)),
      pose_{right_pose, left_pose},
      trans_{right_trans, left_trans},
      ids_(std::move(clip_ids)) {
  const std::pair<const char*, const ArrayView3<Scalar>*> arrays[] = {{"right_pose", &pose_[0]},
                                                                      {"left_pose", &pose_[1]},
                                                                      {"right_trans", &trans_[0]},
                                                                      {"left_trans", &trans_[1]}};
  for (const auto& [label, view] : arrays) {
    const std::size_t dim = std::string(label).find("pose") != std::string::npos ? kPoseDim : kTransDim;
    PMBENCH_CHECK(view->data != nullptr, InvalidInput, name_, " ", label, ": missing array");
    PMBENCH_CHECK(view->shape[2] == dim, InvalidInput, name_, " ", label, ": expected shape [C,T,", dim,
                  "], got [", view->shape[0], ",", view->shape[1], ",", view->shape[2], "]");
    PMBENCH_CHECK(view->shape[0] > 0, InvalidInput, name_, " ", label, ": has no clips (C = 0)");
    PMBENCH_CHECK(view->shape[1] > 0, InvalidInput, name_, " ", label, ": has no frames (T = 0)");
    PMBENCH_CHECK(view->shape[0] == pose_[0].shape[0], InvalidInput, name_, " ", label, ": has ",
                  view->shape[0], " clips but right_pose has ", pose_[0].shape[0]);
    PMBENCH_CHECK(view->shape[1] == pose_[0].shape[1], InvalidInput, name_, " ", label, ": has ",
                  view->shape[1], " frames but right_pose has ", pose_[0].shape[1]);
  }
  PMBENCH_CHECK(ids_.empty() || ids_.size() == pose_[0].shape[0], InvalidInput, name_, " clip_id: has ",
                ids_.size(), " ids for ", pose_[0].shape[0], " clips");
}

template <class Scalar>
template <class Out>
void ArrayClipSource<Scalar>::read_impl(std::size_t first, std::size_t count,
                                        std::vector<io::ClipMotion<Out>>& out) const {
  PMBENCH_CHECK(first + count <= clips(), InvalidInput, name_, ": clips [", first, ", ", first + count,
                ") out of range");
  out.resize(count);
  auto copy = [](const ArrayView3<Scalar>& v, std::size_t clip, MatrixRM<Out>& target) {
    target.resize(static_cast<Eigen::Index>(v.shape[1]), static_cast<Eigen::Index>(v.shape[2]));
    const Scalar* base = v.data + static_cast<std::ptrdiff_t>(clip) * v.strides[0];
    for (std::size_t t = 0; t < v.shape[1]; ++t) {
      for (std::size_t d = 0; d < v.shape[2]; ++d) {
        target(t, d) = static_cast<Out>(base[static_cast<std::ptrdiff_t>(t) * v.strides[1] +
                                             static_cast<std::ptrdiff_t>(d) * v.strides[2]]);
      }
    }
  };
  for (std::size_t c = 0; c < count; ++c) {
    for (int h = 0; h < io::kNumHands; ++h) {
      copy(pose_[h], first + c, out[c].hands[h].pose);
      copy(trans_[h], first + c, out[c].hands[h].trans);
    }
  }
}

template <class Scalar>
void ArrayClipSource<Scalar>::read(std::size_t first, std::size_t count,
                                   std::vector<io::ClipMotion<float>>& out) const {
  read_impl(first, count, out);
}
template <class Scalar>
void ArrayClipSource<Scalar>::read(std::size_t first, std::size_t count,
                                   std::vector<io::ClipMotion<double>>& out) const {
  read_impl(first, count, out);
}

template class ArrayClipSource<float>;
template class ArrayClipSource<double>;

namespace {
std::string list_some(const std::vector<std::string>& items) {
  std::string out;
  const std::size_t shown = std::min<std::size_t>(items.size(), 5);
  for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + ("'" + items[i] + "'");
  if (items.size() > shown) out += ", ... (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::vector<std::string> duplicates_of(const std::vector<std::string>& ids) {
  std::unordered_map<std::string, int> seen;
  std::vector<std::string> dup;
  for (const auto& id : ids) {
    if (++seen[id] == 2) dup.push_back(id);
  }
  return dup;
}
}  // namespace

std::vector<std::size_t> match_clip_ids(const std::vector<std::string>& pred_ids,
                                        const std::vector<std::string>& gt_ids, const std::string& pred_name,
                                        const std::string& gt_name) {
  const auto pred_dup = duplicates_of(pred_ids);
  PMBENCH_CHECK(pred_dup.empty(), InvalidInput, pred_name, " dataset /clip_id: duplicate ids ",
                list_some(pred_dup));
  const auto gt_dup = duplicates_of(gt_ids);
  PMBENCH_CHECK(gt_dup.empty(), InvalidInput, gt_name, " dataset /clip_id: duplicate ids ",
                list_some(gt_dup));
  std::unordered_map<std::string, std::size_t> gt_row;
  for (std::size_t i = 0; i < gt_ids.size(); ++i) gt_row.emplace(gt_ids[i], i);
  std::vector<std::size_t> rows;
  std::vector<std::string> missing;
  for (const auto& id : pred_ids) {
    const auto it = gt_row.find(id);
    if (it == gt_row.end()) {
      missing.push_back(id);
    } else {
      rows.push_back(it->second);
    }
  }
  PMBENCH_CHECK(missing.empty(), InvalidInput, pred_name, " dataset /clip_id: ids not in the ground truth ",
                gt_name, ": ", list_some(missing));
  if (pred_ids.size() != gt_ids.size()) {
    std::unordered_map<std::string, int> in_pred;
    for (const auto& id : pred_ids) in_pred[id] = 1;
    std::vector<std::string> absent;
    for (const auto& id : gt_ids) {
      if (!in_pred.count(id)) absent.push_back(id);
    }
    PMBENCH_FAIL(InvalidInput, pred_name, " dataset /clip_id: no predictions for ground-truth clips ",
                 list_some(absent), " of ", gt_name);
  }
  return rows;
}

void check_same_protocol(const io::MotionFile& pred, const io::MotionFile& gt) {
  for (const char* key : {"protocol", "manifest_sha256"}) {
    const auto p = pred.root_attribute(key);
    const auto g = gt.root_attribute(key);
    if (p && g && *p != *g) {
      PMBENCH_FAIL(InvalidInput, "'", pred.path(), "' was made for ", key, " '", *p,
                   "' but the ground truth '", gt.path(), "' has ", key, " '", *g, "'");
    }
  }
}

}  // namespace pmbench
