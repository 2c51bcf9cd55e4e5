#include "pmbench/dataset/audio.hpp"

#include <mpg123.h>
#include <soxr.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>

#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

struct HandleDeleter {
  void operator()(mpg123_handle* h) const {
    mpg123_close(h);
    mpg123_delete(h);
  }
};
using Handle = std::unique_ptr<mpg123_handle, HandleDeleter>;

/// Opens `path` for decoding to interleaved float32 at the file's own rate and channel count.
Handle open_mp3(const std::string& path, long* rate, int* channels) {
  static std::once_flag init;
  std::call_once(init, [] { mpg123_init(); });  // a no-op since mpg123 1.27, required before
  std::error_code ec;
  PMBENCH_CHECK(std::filesystem::is_regular_file(path, ec), Io, path, ": no such audio file");
  int err = MPG123_OK;
  Handle h(mpg123_new(nullptr, &err));
  PMBENCH_CHECK(h && err == MPG123_OK, Internal, path, ": mpg123_new failed (", mpg123_plain_strerror(err),
                ")");
  mpg123_param(h.get(), MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_GAPLESS, 0.0);
  mpg123_format_none(h.get());
  const long* rates = nullptr;
  std::size_t n_rates = 0;
  mpg123_rates(&rates, &n_rates);
  for (std::size_t i = 0; i < n_rates; ++i) {
    mpg123_format(h.get(), rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
  }
  PMBENCH_CHECK(mpg123_open(h.get(), path.c_str()) == MPG123_OK, InvalidInput, path, ": cannot open as mp3 (",
                mpg123_strerror(h.get()), ")");
  int encoding = 0;
  PMBENCH_CHECK(mpg123_getformat(h.get(), rate, channels, &encoding) == MPG123_OK, InvalidInput, path,
                ": not a decodable mp3 (", mpg123_strerror(h.get()), ")");
  PMBENCH_CHECK(encoding == MPG123_ENC_FLOAT_32 && (*channels == 1 || *channels == 2), InvalidInput, path,
                ": unsupported mp3 output format (", *channels, " channels)");
  mpg123_format_none(h.get());  // keep the format fixed for the rest of the stream
  mpg123_format(h.get(), *rate, *channels, MPG123_ENC_FLOAT_32);
  return h;
}

}  // namespace

AudioInfo probe_audio(const std::string& path) {
  AudioInfo info;
  Handle h = open_mp3(path, &info.rate, &info.channels);
  PMBENCH_CHECK(mpg123_scan(h.get()) == MPG123_OK, InvalidInput, path, ": cannot scan the mp3 (",
                mpg123_strerror(h.get()), ")");
  const off_t length = mpg123_length(h.get());
  PMBENCH_CHECK(length >= 0, InvalidInput, path, ": unknown mp3 length");
  info.frames = static_cast<std::int64_t>(length);
  return info;
}

MonoAudio load_audio_mono(const std::string& path, int rate) {
  PMBENCH_CHECK(rate > 0, InvalidInput, "load_audio_mono: rate must be positive");
  long in_rate = 0;
  int channels = 0;
  Handle h = open_mp3(path, &in_rate, &channels);
  std::vector<float> mono;
  std::vector<float> buffer(16384);
  for (;;) {
    std::size_t done = 0;
    const int err = mpg123_read(h.get(), reinterpret_cast<unsigned char*>(buffer.data()),
                                buffer.size() * sizeof(float), &done);
    const std::size_t n = done / sizeof(float);
    for (std::size_t i = 0; i + static_cast<std::size_t>(channels) <= n;
         i += static_cast<std::size_t>(channels)) {
      mono.push_back(channels == 1 ? buffer[i] : 0.5f * (buffer[i] + buffer[i + 1]));
    }
    if (err == MPG123_DONE) break;
    if (err == MPG123_NEW_FORMAT) continue;
    PMBENCH_CHECK(err == MPG123_OK, InvalidInput, path, ": mp3 decoding failed after ", mono.size(),
                  " samples (", mpg123_strerror(h.get()), ")");
  }
  PMBENCH_CHECK(!mono.empty(), InvalidInput, path, ": the mp3 decodes to no samples");

  MonoAudio out;
  out.rate = rate;
  if (in_rate == rate) {
    out.samples = std::move(mono);
    return out;
  }
  const double ratio = static_cast<double>(rate) / static_cast<double>(in_rate);
  out.samples.resize(static_cast<std::size_t>(std::llround(static_cast<double>(mono.size()) * ratio)));
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  std::size_t idone = 0, odone = 0;
  const soxr_error_t error =
      soxr_oneshot(static_cast<double>(in_rate), static_cast<double>(rate), 1, mono.data(), mono.size(),
                   &idone, out.samples.data(), out.samples.size(), &odone, &io, &quality, nullptr);
  PMBENCH_CHECK(!error, Internal, path, ": soxr resampling failed (", error, ")");
  out.samples.resize(odone);
  return out;
}

std::vector<float> cut_audio(const MonoAudio& audio, double begin_seconds, double seconds,
                             std::size_t* padded) {
  PMBENCH_CHECK(seconds >= 0, InvalidInput, "cut_audio: negative length");
  const long long n = std::llround(seconds * audio.rate);
  const long long first = std::llround(begin_seconds * audio.rate);
  std::vector<float> out(static_cast<std::size_t>(n), 0.0f);
  std::size_t filled = 0;
  const long long size = static_cast<long long>(audio.samples.size());
  for (long long i = 0; i < n; ++i) {
    const long long src = first + i;
    if (src >= 0 && src < size) {
      out[static_cast<std::size_t>(i)] = audio.samples[static_cast<std::size_t>(src)];
      ++filled;
    }
  }
  if (padded) *padded = static_cast<std::size_t>(n) - filled;
  return out;
}

}  // namespace pmbench::dataset
