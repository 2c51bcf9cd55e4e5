#include "pmbench/dataset/annotation.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "pmbench/dataset/sha256.hpp"
#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

using nlohmann::json;

const json& require_key(const json& doc, const char* key, const std::string& name) {
  auto it = doc.find(key);
  PMBENCH_CHECK(it != doc.end(), InvalidInput, name, ": missing key '", key, "'");
  return *it;
}

double number_field(const json& doc, const char* key, const std::string& name) {
  const json& v = require_key(doc, key, name);
  PMBENCH_CHECK(v.is_number(), InvalidInput, name, ": key '", key, "' is not a number (", v.type_name(), ")");
  return v.get<double>();
}

long long integer_field(const json& doc, const char* key, const std::string& name) {
  const double d = number_field(doc, key, name);
  PMBENCH_CHECK(std::isfinite(d) && d == std::floor(d), InvalidInput, name, ": key '", key,
                "' is not an integer (", d, ")");
  return static_cast<long long>(d);
}

std::string string_field(const json& doc, const char* key, const std::string& name) {
  const json& v = require_key(doc, key, name);
  if (v.is_number_integer()) return std::to_string(v.get<long long>());  // uploader ids may be numbers
  PMBENCH_CHECK(v.is_string(), InvalidInput, name, ": key '", key, "' is not a string (", v.type_name(), ")");
  return v.get<std::string>();
}

MatrixRM<double> frames_field(const json& doc, const char* key, const std::string& name) {
  const json& v = require_key(doc, key, name);
  PMBENCH_CHECK(v.is_array(), InvalidInput, name, ": key '", key, "' is not a list of frames");
  MatrixRM<double> out(static_cast<Eigen::Index>(v.size()), kFrameValues);
  Eigen::Index t = 0;
  for (const json& frame : v) {
    PMBENCH_CHECK(frame.is_array() && frame.size() == static_cast<std::size_t>(kFrameValues), InvalidInput, name,
                  ": ", key, "[", t, "] is not a list of ", kFrameValues, " numbers");
    Eigen::Index j = 0;
    for (const json& x : frame) {
      PMBENCH_CHECK(x.is_number(), InvalidInput, name, ": ", key, "[", t, "][", j, "] is not a number (",
                    x.type_name(), ")");
      const double d = x.get<double>();
      out(t, j) = d;
      ++j;
    }
    ++t;
  }
  return out;
}

}  // namespace

Annotation parse_annotation(const std::string& text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    PMBENCH_FAIL(InvalidInput, name, ": malformed JSON at byte ", e.byte, " (", e.what(), ")");
  }
  PMBENCH_CHECK(doc.is_object(), InvalidInput, name, ": the annotation is not a JSON object");

  Annotation a;
  a.path = name;
  a.up = string_field(doc, "up", name);
  a.bv = string_field(doc, "bv", name);
  a.frame_num = integer_field(doc, "frame_num", name);
  a.fps = number_field(doc, "fps", name);
  PMBENCH_CHECK(std::isfinite(a.fps) && a.fps > 0, InvalidInput, name, ": fps must be positive (", a.fps, ")");
  a.fx = number_field(doc, "fx", name);
  a.height = integer_field(doc, "height", name);
  a.width = integer_field(doc, "width", name);
  const json& adjust = require_key(doc, "adjust", name);
  PMBENCH_CHECK(adjust.is_array() && adjust.size() == 3, InvalidInput, name, ": 'adjust' is not a list of 3 numbers");
  for (std::size_t i = 0; i < 3; ++i) {
    PMBENCH_CHECK(adjust[i].is_number(), InvalidInput, name, ": adjust[", i, "] is not a number");
    a.adjust[i] = adjust[i].get<double>();
  }
  a.start_frame = integer_field(doc, "start_frame", name);
  a.end_frame = integer_field(doc, "end_frame", name);
  a.frames[static_cast<int>(io::Hand::Right)] = frames_field(doc, "right", name);
  a.frames[static_cast<int>(io::Hand::Left)] = frames_field(doc, "left", name);
  PMBENCH_CHECK(a.frames[0].rows() == a.frames[1].rows(), InvalidInput, name, ": 'right' has ", a.frames[0].rows(),
                " frames but 'left' has ", a.frames[1].rows());
  return a;
}

Annotation read_annotation(const std::string& path) { return parse_annotation(read_file_bytes(path), path); }

io::HandMotion<double> hand_motion(const Annotation& a, io::Hand hand, std::size_t begin, std::size_t count,
                                   bool apply_adjust) {
  PMBENCH_CHECK(begin + count <= a.num_frames(), InvalidInput, a.path, ": frames [", begin, ", ", begin + count,
                ") are outside the sequence of ", a.num_frames(), " frames");
  const MatrixRM<double>& f = a.frames[static_cast<int>(hand)];
  const auto b = static_cast<Eigen::Index>(begin);
  const auto n = static_cast<Eigen::Index>(count);
  io::HandMotion<double> m;
  m.pose = f.block(b, kPoseColumn, n, kPoseDims);
  m.trans = f.block(b, kTransColumn, n, kTransDims);
  if (apply_adjust) {
    m.trans.col(1).array() += a.adjust[1];
    m.trans.col(2).array() += a.adjust[2];
  }
  return m;
}

std::size_t undetected_frames(const Annotation& a, io::Hand hand, std::size_t begin, std::size_t count) {
  PMBENCH_CHECK(begin + count <= a.num_frames(), InvalidInput, a.path, ": frames [", begin, ", ", begin + count,
                ") are outside the sequence of ", a.num_frames(), " frames");
  const MatrixRM<double>& f = a.frames[static_cast<int>(hand)];
  std::size_t n = 0;
  for (std::size_t t = begin; t < begin + count; ++t) {
    if (f(static_cast<Eigen::Index>(t), kFlagColumn) == 0.0) ++n;
  }
  return n;
}

MatrixRM<double> resample_linear(const MatrixRM<double>& in, std::size_t out_rows) {
  PMBENCH_CHECK(in.rows() > 0, InvalidInput, "resample_linear: empty input");
  const auto in_rows = static_cast<std::size_t>(in.rows());
  if (out_rows == in_rows) return in;
  MatrixRM<double> out(static_cast<Eigen::Index>(out_rows), in.cols());
  const double scale = static_cast<double>(in_rows) / static_cast<double>(out_rows);
  for (std::size_t i = 0; i < out_rows; ++i) {
    double x = (static_cast<double>(i) + 0.5) * scale - 0.5;
    if (x < 0) x = 0;
    const auto i0 = static_cast<std::size_t>(x);
    const std::size_t i1 = i0 + 1 < in_rows ? i0 + 1 : in_rows - 1;
    const double w = x - static_cast<double>(i0);
    out.row(static_cast<Eigen::Index>(i)) =
        (1.0 - w) * in.row(static_cast<Eigen::Index>(i0)) + w * in.row(static_cast<Eigen::Index>(i1));
  }
  return out;
}

}  // namespace pmbench::dataset
