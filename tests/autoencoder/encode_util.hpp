// Encoder features of the first 240-frame window of every clip of a source, for the tests.
#pragma once

#include <vector>

#include "pmbench/autoencoder/encoder.hpp"
#include "pmbench/clip_source.hpp"

namespace pmbench::test {

inline MatrixRM<float> encode_first_windows(const autoencoder::MotionEncoder& encoder,
                                            const ClipSource& source) {
  std::vector<io::ClipMotion<float>> clips;
  source.read(0, source.clips(), clips);
  MatrixRM<float> windows(static_cast<Eigen::Index>(clips.size()),
                          static_cast<Eigen::Index>(autoencoder::kWindowSize));
  for (std::size_t i = 0; i < clips.size(); ++i) {
    autoencoder::pack_window(clips[i], 0, windows.row(static_cast<Eigen::Index>(i)).data());
  }
  return encoder.encode(windows);
}

}  // namespace pmbench::test
