// FGD, WGD, PD and Smooth of one generated clip, through an installed pmbench::metrics.
#include <cstdio>

#include "motion.hpp"
#include "pmbench/metrics/per_hand.hpp"

int main() {
  const int frames = 240;
  const auto gt_pose = demo::random_walk(frames, pmbench::kPoseDim, 1);
  const auto gt_trans = demo::random_walk(frames, pmbench::kTransDim, 2);
  const auto pred_pose = demo::with_noise(gt_pose, 3);
  const auto pred_trans = demo::with_noise(gt_trans, 4);

  const pmbench::MetricResult results[] = {
      pmbench::frechet_gesture_distance<float>(gt_pose, pred_pose),
      pmbench::wasserstein_gesture_distance<float>(gt_pose, pred_pose),
      pmbench::position_distance<float>(gt_trans, pred_trans),
      pmbench::smoothness_difference<float>(gt_pose, pred_pose),
  };
  int undefined = 0;
  for (int m = 0; m < pmbench::kNumHandMetrics; ++m) {
    const auto& name = pmbench::kHandMetricNames[m];
    if (results[m].defined()) {
      std::printf("%-6.*s %.6g\n", static_cast<int>(name.size()), name.data(), results[m].value);
    } else {
      std::printf("%-6.*s undefined: %s\n", static_cast<int>(name.size()), name.data(),
                  results[m].undefined_reason.c_str());
      ++undefined;
    }
  }
  return undefined == 0 ? 0 : 1;
}
