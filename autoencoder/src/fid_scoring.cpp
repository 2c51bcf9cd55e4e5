// FID / F_dist through the motion auto-encoder: windows -> features (MotionEncoder) -> statistics
// -> Frechet distance (pmbench::metrics, no LibTorch here).
#include "pmbench/autoencoder/fid_scoring.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "pmbench/autoencoder/encoder.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/feature_frechet.hpp"

namespace pmbench::autoencoder {
namespace {

constexpr const char* kWindowConsecutive = "consecutive";
/// The official code raises when the diagonal of sqrtm has an imaginary part above this.
constexpr double kOfficialImagTolerance = 1e-3;
constexpr double kRetryEps = 1e-6;

/// Features of every window of every clip of `source`, filled block by block.
class FeatureCollector {
 public:
  FeatureCollector(const ClipSource& source, std::size_t windows_per_clip)
      : source_(source),
        per_clip_(windows_per_clip),
        features_(static_cast<Eigen::Index>(source.clips() * windows_per_clip), kFeatureDim) {}

  void encode_block(const MotionEncoder& encoder, std::size_t first, std::size_t count, int batch_size) {
    source_.read(first, count, clips_);
    const std::size_t n = count * per_clip_;
    std::size_t done = 0;
    while (done < n) {
      const std::size_t rows = std::min<std::size_t>(n - done, static_cast<std::size_t>(batch_size));
      batch_.resize(static_cast<Eigen::Index>(rows),
                    static_cast<Eigen::Index>(kWindowSize));  // no-op if same
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t w = done + r;
        pack_window(clips_[w / per_clip_], (w % per_clip_) * kFrames,
                    batch_.row(static_cast<Eigen::Index>(r)).data());
      }
      const MatrixRM<float> out = encoder.encode(batch_);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t w = done + r;
        const std::size_t clip = first + w / per_clip_;
        PMBENCH_CHECK(out.row(static_cast<Eigen::Index>(r)).allFinite(), InvalidInput, source_.describe(),
                      ": clip ", clip, " window ", w % per_clip_,
                      ": encoder features are not finite (NaN/Inf in the poses?)");
        features_.row(static_cast<Eigen::Index>(first * per_clip_ + w)) =
            out.row(static_cast<Eigen::Index>(r));
      }
      done += rows;
    }
  }

  const MatrixRM<float>& features() const { return features_; }

 private:
  const ClipSource& source_;
  std::size_t per_clip_;
  MatrixRM<float> features_;
  MatrixRM<float> batch_;
  std::vector<io::ClipMotion<float>> clips_;
};

}  // namespace

std::size_t windows_per_clip(std::size_t frames, const std::string& fid_window, const std::string& where) {
  if (fid_window.empty()) {
    PMBENCH_CHECK(frames == static_cast<std::size_t>(kFrames), InvalidInput, where, ": clips have ", frames,
                  " frames; the encoder needs exactly ", kFrames,
                  " per window; cut longer clips into consecutive windows (score: --fid-window consecutive, "
                  "train-encoder: --window consecutive)");
    return 1;
  }
  PMBENCH_CHECK(fid_window == kWindowConsecutive, InvalidInput, "unknown FID window mode '", fid_window,
                "' (expected '' or 'consecutive')");
  return frames / static_cast<std::size_t>(kFrames);
}

void pack_window(const io::ClipMotion<float>& clip, std::size_t start, float* row) {
  const auto& right = clip[io::Hand::Right].pose;
  const auto& left = clip[io::Hand::Left].pose;
  const auto half = static_cast<Eigen::Index>(kPoseDim / 2);
  PMBENCH_CHECK(right.cols() == half && left.cols() == half &&
                    right.rows() >= static_cast<Eigen::Index>(start + kFrames) && left.rows() == right.rows(),
                InvalidInput, "pack_window: clip poses [", right.rows(), ",", right.cols(), "] / [",
                left.rows(), ",", left.cols(), "] do not hold frames ", start, "..", start + kFrames);
  for (int t = 0; t < kFrames; ++t) {
    const auto frame = static_cast<Eigen::Index>(start) + t;
    std::memcpy(row + t * kPoseDim, right.row(frame).data(), sizeof(float) * half);
    std::memcpy(row + t * kPoseDim + half, left.row(frame).data(), sizeof(float) * half);
  }
}

nlohmann::json score_fid(const ClipSource& pred, const ClipSource& gt, const FidScoringOptions& options) {
  PMBENCH_CHECK(pred.clips() == gt.clips(), InvalidInput, "FID: ", pred.describe(), " has ", pred.clips(),
                " clips but ", gt.describe(), " has ", gt.clips());
  PMBENCH_CHECK(pred.frames() == gt.frames(), InvalidInput, "FID: ", pred.describe(), " has ", pred.frames(),
                " frames per clip but ", gt.describe(), " has ", gt.frames());
  PMBENCH_CHECK(options.batch_size > 0, InvalidInput, "FID: batch size must be positive, got ",
                options.batch_size);
  const std::size_t per_clip = windows_per_clip(pred.frames(), options.fid_window, pred.describe());
  PMBENCH_CHECK(per_clip > 0, InvalidInput, pred.describe(), ": clips have ", pred.frames(),
                " frames, fewer than the ", kFrames, " of one encoder window");
  const std::size_t n_windows = pred.clips() * per_clip;
  PMBENCH_CHECK(n_windows >= 2, InvalidInput, "FID: needs at least 2 windows, got ", n_windows);

  const MotionEncoder encoder(options.encoder_path, options.device);
  FeatureCollector pred_features(pred, per_clip);
  FeatureCollector gt_features(gt, per_clip);
  const std::size_t block = std::max<std::size_t>(1, static_cast<std::size_t>(options.batch_size) / per_clip);
  for (std::size_t first = 0; first < pred.clips(); first += block) {
    const std::size_t count = std::min(block, pred.clips() - first);
    pred_features.encode_block(encoder, first, count, options.batch_size);
    gt_features.encode_block(encoder, first, count, options.batch_size);
    if (options.progress) options.progress(first + count, pred.clips());
  }

  const FeatureStatistics pred_stats = feature_statistics(pred_features.features());
  const FeatureStatistics gt_stats = feature_statistics(gt_features.features());
  const FrechetResult fid = frechet_distance(pred_stats, gt_stats, kRetryEps);
  const double f_dist = mean_paired_l1_distance(pred_features.features(), gt_features.features());

  const EncoderInfo& info = encoder.info();
  nlohmann::json warnings = nlohmann::json::array();
  const char* unit = per_clip == 1 && options.fid_window.empty() ? "clips" : "windows";
  if (n_windows <= static_cast<std::size_t>(kFeatureDim)) {
    std::ostringstream w;
    w << "FID over " << n_windows << " " << unit << " <= " << kFeatureDim
      << " feature dimensions: covariance rank-deficient, not comparable to published numbers";
    warnings.push_back(w.str());
  }
  if (fid.conditioning.eps_retry_used) {
    warnings.push_back(
        "sqrtm(s1 s2) was not finite: retried with 1e-6 added to both covariance diagonals "
        "(as the official code does)");
  }
  if (fid.conditioning.max_imag_diagonal > kOfficialImagTolerance) {
    std::ostringstream w;
    w << "sqrtm(s1 s2) has imaginary diagonal components up to " << fid.conditioning.max_imag_diagonal
      << " (> 1e-3): the official code raises here and reports FID = 1e10; the real part is reported";
    warnings.push_back(w.str());
  }
  if (info.trained_by_pmbench) {
    warnings.push_back(
        "encoder trained by pmbench train-encoder, not the official weights: FID and F_dist are "
        "not comparable to published numbers");
  }
  if (per_clip > 1 || pred.frames() != static_cast<std::size_t>(kFrames)) {
    std::ostringstream w;
    w << "fid_window consecutive: " << per_clip << " window(s) of " << kFrames << " frames per clip of "
      << pred.frames() << " frames (remainder dropped); the official protocol uses one 240-frame clip";
    warnings.push_back(w.str());
  }

  nlohmann::json encoder_json = {{"path", info.path},
                                 {"sha256", info.sha256},
                                 {"format", info.format},
                                 {"pose_dim", info.pose_dim},
                                 {"frames", info.frames}};
  if (!info.source_sha256.empty()) encoder_json["source_sha256"] = info.source_sha256;
  if (!info.note.empty()) encoder_json["note"] = info.note;
  return nlohmann::json{
      {kKeyFid, fid.value},
      {kKeyFeatureDistance, f_dist},
      {"encoder", encoder_json},
      {"fid_window", options.fid_window.empty() ? "clip" : options.fid_window},
      {"fid_conditioning",
       {{"n_clips", pred.clips()},
        {"n_windows", n_windows},
        {"feature_dim", kFeatureDim},
        {"min_eigenvalue",
         {{"pred", fid.conditioning.min_eigenvalue_first}, {"gt", fid.conditioning.min_eigenvalue_second}}},
        {"min_eigenvalue_of", "each feature covariance (pred, gt)"},
        {"eps_retry_used", fid.conditioning.eps_retry_used},
        {"max_imag_diagonal", fid.conditioning.max_imag_diagonal}}},
      {"warnings", warnings}};
}

}  // namespace pmbench::autoencoder
