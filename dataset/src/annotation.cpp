#include "pmbench/dataset/annotation.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <system_error>
#include <vector>

#include "pmbench/error.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {
namespace {

// A strict JSON scanner specialised for annotation files (several MB of numbers each): frames go
// straight into matrices, numbers through std::from_chars. About 10x faster than a DOM parse.
// Accepts Python's json.dump extensions NaN, Infinity and -Infinity, which json.load reads.
enum class ValueType { Number, String, Bool, Null, Array, Object };

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::Number:
      return "number";
    case ValueType::String:
      return "string";
    case ValueType::Bool:
      return "boolean";
    case ValueType::Null:
      return "null";
    case ValueType::Array:
      return "array";
    case ValueType::Object:
      return "object";
  }
  return "?";
}

/// A scalar header value (arrays and objects are skipped, only their type is kept).
struct Scalar {
  ValueType type = ValueType::Null;
  double number = 0;
  bool integer = false;  ///< number written without fraction or exponent
  std::string text;
};

class Scanner {
 public:
  Scanner(const std::string& text, const std::string& name)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), name_(name) {}

  [[noreturn]] void fail(const char* expected) const {
    PMBENCH_FAIL(InvalidInput, name_, ": malformed JSON at byte ", p_ - begin_, " (expected ", expected, ")");
  }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  /// Next non-space character (0 at the end).
  char peek() {
    ws();
    return p_ < end_ ? *p_ : '\0';
  }
  void expect(char c, const char* what) {
    if (peek() != c) fail(what);
    ++p_;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }

  std::string string() {
    expect('"', "a string");
    std::string out;
    for (;;) {
      if (p_ >= end_) fail("the end of a string");
      const char c = *p_++;
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("no control character in a string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (p_ >= end_) fail("an escape");
      const char e = *p_++;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') fail("a low surrogate");
            p_ += 2;
            const unsigned lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) fail("a low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --p_;
          fail("a valid escape");
      }
    }
  }

  /// Parses a number (JSON grammar, plus NaN / Infinity / -Infinity) if one starts here.
  bool number(double& out, bool* integer = nullptr) {
    ws();
    const char* s = p_;
    if (match("NaN")) return out = std::numeric_limits<double>::quiet_NaN(), set(integer, false), true;
    if (match("Infinity")) return out = std::numeric_limits<double>::infinity(), set(integer, false), true;
    if (match("-Infinity")) return out = -std::numeric_limits<double>::infinity(), set(integer, false), true;
    const char* q = s;
    if (q < end_ && *q == '-') ++q;
    if (q >= end_ || !(*q >= '0' && *q <= '9')) return false;
    if (*q == '0') {
      ++q;
    } else {
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    bool is_int = true;
    if (q < end_ && *q == '.') {
      is_int = false;
      ++q;
      if (q >= end_ || !(*q >= '0' && *q <= '9')) {
        p_ = q;
        fail("a digit");
      }
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      is_int = false;
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (q >= end_ || !(*q >= '0' && *q <= '9')) {
        p_ = q;
        fail("a digit");
      }
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    const auto res = std::from_chars(s, q, out);
    if (res.ec == std::errc::result_out_of_range) {
      out = (*s == '-' ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();  // like strtod
    } else if (res.ec != std::errc() || res.ptr != q) {
      fail("a number");
    }
    set(integer, is_int);
    p_ = q;
    return true;
  }

  /// Any value: scalars are returned, arrays and objects skipped (type only).
  Scalar value() {
    Scalar v;
    const char c = peek();
    if (c == '"') {
      v.type = ValueType::String;
      v.text = string();
    } else if (c == '{' || c == '[') {
      v.type = c == '{' ? ValueType::Object : ValueType::Array;
      skip_container();
    } else if (match("true") || match("false")) {
      v.type = ValueType::Bool;
    } else if (match("null")) {
      v.type = ValueType::Null;
    } else if (number(v.number, &v.integer)) {
      v.type = ValueType::Number;
    } else {
      fail("a value");
    }
    return v;
  }

  /// After the first element of a list or object: ',' (true, more) or the closing bracket (false).
  bool next(char close) {
    const char c = peek();
    if (c == ',') {
      ++p_;
      return true;
    }
    if (c == close) {
      ++p_;
      return false;
    }
    fail(close == ']' ? "',' or ']'" : "',' or '}'");
  }
  /// After an opening bracket: true when the container is empty (and consumes the close).
  bool empty(char close) {
    if (peek() == close) {
      ++p_;
      return true;
    }
    return false;
  }

 private:
  static void set(bool* flag, bool v) {
    if (flag) *flag = v;
  }
  bool match(const char* word) {
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }
  unsigned hex4() {
    if (end_ - p_ < 4) fail("4 hex digits");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else {
        --p_;
        fail("a hex digit");
      }
    }
    return v;
  }
  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  void skip_container() {
    const char open = peek();
    ++p_;
    const char close = open == '{' ? '}' : ']';
    if (empty(close)) return;
    do {
      if (open == '{') {
        string();
        expect(':', "':'");
      }
      value();
    } while (next(close));
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  const std::string& name_;
};

/// Reads a list of frames of kFrameValues numbers into a [T, 62] matrix.
MatrixRM<double> parse_frames(Scanner& in, const std::string& key, const std::string& name) {
  std::vector<double> values;
  std::size_t t = 0;
  if (in.peek() != '[') {
    const Scalar v = in.value();
    PMBENCH_FAIL(InvalidInput, name, ": key '", key, "' is not a list of frames (", type_name(v.type), ")");
  }
  in.expect('[', "'['");
  if (!in.empty(']')) {
    do {
      PMBENCH_CHECK(in.peek() == '[', InvalidInput, name, ": ", key, "[", t, "] is not a list of ",
                    kFrameValues, " numbers");
      in.expect('[', "'['");
      int j = 0;
      if (!in.empty(']')) {
        do {
          double x = 0;
          if (!in.number(x)) {
            const Scalar v = in.value();
            PMBENCH_FAIL(InvalidInput, name, ": ", key, "[", t, "][", j, "] is not a number (",
                         type_name(v.type), ")");
          }
          PMBENCH_CHECK(j < kFrameValues, InvalidInput, name, ": ", key, "[", t, "] is not a list of ",
                        kFrameValues, " numbers");
          values.push_back(x);
          ++j;
        } while (in.next(']'));
      }
      PMBENCH_CHECK(j == kFrameValues, InvalidInput, name, ": ", key, "[", t, "] is not a list of ",
                    kFrameValues, " numbers");
      ++t;
    } while (in.next(']'));
  }
  MatrixRM<double> out(static_cast<Eigen::Index>(t), kFrameValues);
  if (t > 0) std::copy(values.begin(), values.end(), out.data());
  return out;
}

const Scalar& require(const std::map<std::string, Scalar>& header, const char* key, const std::string& name) {
  auto it = header.find(key);
  PMBENCH_CHECK(it != header.end(), InvalidInput, name, ": missing key '", key, "'");
  return it->second;
}

double number_field(const std::map<std::string, Scalar>& h, const char* key, const std::string& name) {
  const Scalar& v = require(h, key, name);
  PMBENCH_CHECK(v.type == ValueType::Number, InvalidInput, name, ": key '", key, "' is not a number (",
                type_name(v.type), ")");
  return v.number;
}

long long integer_field(const std::map<std::string, Scalar>& h, const char* key, const std::string& name) {
  const double d = number_field(h, key, name);
  PMBENCH_CHECK(std::isfinite(d) && d == std::floor(d), InvalidInput, name, ": key '", key,
                "' is not an integer (", d, ")");
  return static_cast<long long>(d);
}

std::string string_field(const std::map<std::string, Scalar>& h, const char* key, const std::string& name) {
  const Scalar& v = require(h, key, name);
  if (v.type == ValueType::Number && v.integer) return std::to_string(static_cast<long long>(v.number));
  PMBENCH_CHECK(v.type == ValueType::String, InvalidInput, name, ": key '", key, "' is not a string (",
                type_name(v.type), ")");
  return v.text;
}

}  // namespace

Annotation parse_annotation(const std::string& text, const std::string& name) {
  Scanner in(text, name);
  if (in.peek() != '{') {
    if (in.at_end()) in.fail("a JSON object");
    in.value();  // a malformed value reports where; a valid one is the wrong type
    PMBENCH_FAIL(InvalidInput, name, ": the annotation is not a JSON object");
  }
  in.expect('{', "'{'");
  std::map<std::string, Scalar> header;
  std::optional<MatrixRM<double>> hands[io::kNumHands];
  std::optional<std::array<double, 3>> adjust;
  std::optional<std::string> adjust_error;
  if (!in.empty('}')) {
    do {
      const std::string key = in.string();
      in.expect(':', "':'");
      if (key == "right" || key == "left") {
        hands[key == "right" ? 0 : 1] = parse_frames(in, key, name);
      } else if (key == "adjust" && in.peek() == '[') {
        in.expect('[', "'['");
        std::array<double, 3> a{};
        std::size_t n = 0;
        if (!in.empty(']')) {
          do {
            double x = 0;
            if (!in.number(x)) {
              const Scalar v = in.value();
              if (!adjust_error) adjust_error = "adjust[" + std::to_string(n) + "] is not a number";
              (void)v;
            } else if (n < 3) {
              a[n] = x;
            }
            ++n;
          } while (in.next(']'));
        }
        if (n != 3 && !adjust_error) adjust_error = "'adjust' is not a list of 3 numbers";
        adjust = a;
      } else {
        header[key] = in.value();
      }
    } while (in.next('}'));
  }
  if (!in.at_end()) in.fail("the end of the file");

  Annotation a;
  a.path = name;
  a.up = string_field(header, "up", name);
  a.bv = string_field(header, "bv", name);
  a.frame_num = integer_field(header, "frame_num", name);
  a.fps = number_field(header, "fps", name);
  PMBENCH_CHECK(std::isfinite(a.fps) && a.fps > 0, InvalidInput, name, ": fps must be positive (", a.fps,
                ")");
  a.fx = number_field(header, "fx", name);
  a.height = integer_field(header, "height", name);
  a.width = integer_field(header, "width", name);
  if (!adjust) {
    PMBENCH_CHECK(header.count("adjust"), InvalidInput, name, ": missing key 'adjust'");
    PMBENCH_FAIL(InvalidInput, name, ": 'adjust' is not a list of 3 numbers");
  }
  PMBENCH_CHECK(!adjust_error, InvalidInput, name, ": ", adjust_error.value_or(""));
  a.adjust = *adjust;
  a.start_frame = integer_field(header, "start_frame", name);
  a.end_frame = integer_field(header, "end_frame", name);
  for (int h = 0; h < io::kNumHands; ++h) {
    PMBENCH_CHECK(hands[h].has_value(), InvalidInput, name, ": missing key '", h == 0 ? "right" : "left",
                  "'");
    a.frames[static_cast<std::size_t>(h)] = std::move(*hands[h]);
  }
  PMBENCH_CHECK(a.frames[0].rows() == a.frames[1].rows(), InvalidInput, name, ": 'right' has ",
                a.frames[0].rows(), " frames but 'left' has ", a.frames[1].rows());
  return a;
}

Annotation read_annotation(const std::string& path) { return parse_annotation(read_file_bytes(path), path); }

io::HandMotion<double> hand_motion(const Annotation& a, io::Hand hand, std::size_t begin, std::size_t count,
                                   bool apply_adjust) {
  PMBENCH_CHECK(begin + count <= a.num_frames(), InvalidInput, a.path, ": frames [", begin, ", ",
                begin + count, ") are outside the sequence of ", a.num_frames(), " frames");
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
  PMBENCH_CHECK(begin + count <= a.num_frames(), InvalidInput, a.path, ": frames [", begin, ", ",
                begin + count, ") are outside the sequence of ", a.num_frames(), " frames");
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
