// Four generated clips scored as a prediction set through an installed pmbench::core: arrays in
// memory -> ArrayClipSource -> pmbench::score -> the CLI's table.
#include <cstdio>
#include <vector>

#include "motion.hpp"
#include "pmbench/clip_source.hpp"
#include "pmbench/error.hpp"
#include "pmbench/report.hpp"
#include "pmbench/score.hpp"

namespace {

// [C,T,D] buffer of generated clips; `noisy` adds the prediction's noise.
std::vector<float> clips(int count, int frames, int dims, unsigned seed, bool noisy) {
  std::vector<float> out;
  for (int c = 0; c < count; ++c) {
    auto m = demo::random_walk(frames, dims, seed + 10 * c);
    if (noisy) m = demo::with_noise(m, seed + 10 * c + 5);
    out.insert(out.end(), m.data(), m.data() + m.size());
  }
  return out;
}

pmbench::ArrayView3<float> view(const std::vector<float>& data, int count, int frames, int dims) {
  pmbench::ArrayView3<float> v;
  v.data = data.data();
  v.shape[0] = count;
  v.shape[1] = frames;
  v.shape[2] = dims;
  v.strides[0] = static_cast<std::ptrdiff_t>(frames) * dims;
  v.strides[1] = dims;
  v.strides[2] = 1;
  return v;
}

}  // namespace

int main() {
  const int count = 4, frames = 120, pose = pmbench::kPoseDim, trans = pmbench::kTransDim;
  std::vector<float> arrays[2][4];  // [gt, pred][right_pose, left_pose, right_trans, left_trans]
  for (int side = 0; side < 2; ++side) {
    for (int k = 0; k < 4; ++k)
      arrays[side][k] = clips(count, frames, k < 2 ? pose : trans, 100 * k, side == 1);
  }
  auto source = [&](int side, const char* name) {
    return pmbench::ArrayClipSource<float>(
        name, view(arrays[side][0], count, frames, pose), view(arrays[side][1], count, frames, pose),
        view(arrays[side][2], count, frames, trans), view(arrays[side][3], count, frames, trans));
  };
  try {
    const auto gt = source(0, "gt");
    const auto pred = source(1, "pred");
    pmbench::ScoreOptions options;
    options.threads = 1;
    const pmbench::ScoreReport report = pmbench::score(pred, gt, options);
    std::fputs(pmbench::render_report(report, pmbench::ReportFormat::Table).c_str(), stdout);
    return report.undefined().empty() ? 0 : 1;
  } catch (const pmbench::Error& e) {
    std::fprintf(stderr, "score_demo: error: %s\n", e.what());
    return 1;
  }
}
