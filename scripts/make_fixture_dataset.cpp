// pmbench_make_fixture: writes a small PianoMotion10M-like dataset in exactly the released layout
// (docs/dataset.md) for the tests and for trying `pmbench make-gt` / `pmbench inspect`.
//
//   pmbench_make_fixture --out DIR [--bulk N]
//
// Everything is synthesized and deterministic (same bytes on every run): smooth hand motion,
// one MIDI file per video (two tracks, a tempo change, running status, sustain pedal), and per
// sequence an mp3 (44.1 kHz stereo, libmp3lame) of decaying sine "piano" notes matching the MIDI.
// Odd cases, all in test.txt:
//   1467634/BV1fixA30   30 fps: seq_0000 normal, seq_0001 undetected spans (left 40..99, right 10..14),
//                       seq_0002 only 200 frames (shorter than 8 s)
//   1467634/BV1fixA24   24 fps (resampled to 30)
//   1467634/BV1fixA60   60 fps (resampled to 30)
//   66685747/BV1fixB30  seq_0000 normal, seq_0001 without its mp3, seq_0002 malformed (truncated) JSON
//   2084102325/BV1fixC30  an uploader outside the official filter (750 frames: 3 windows with --all-windows)
// valid.txt holds two clean videos. With --bulk N, train.txt lists N extra clean 30 fps sequences
// (50 per video; their mp3 is one short shared placeholder) for timing make-gt.
// fixture_truth.json (outside the released layout) records the synthesized notes in seconds.
#include <lame/lame.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kDivision = 480;                     // ticks per quarter note
constexpr int kTempoChangeTick = 480 * 8;          // 120 bpm before, 80 bpm after
constexpr int kTempo1 = 500000, kTempo2 = 750000;  // microseconds per quarter note

struct Note {
  int pitch, velocity;
  long on_tick, off_tick;
  double onset, offset;  // seconds
};

double tick_seconds(long tick) {
  if (tick <= kTempoChangeTick) return tick * (kTempo1 / 1e6) / kDivision;
  return kTempoChangeTick * (kTempo1 / 1e6) / kDivision +
         (tick - kTempoChangeTick) * (kTempo2 / 1e6) / kDivision;
}

struct Sequence {
  int frames;
  long start_frame;
  bool audio = true;
  bool malformed = false;
  int undetected_left[2] = {0, 0};  // [begin, end) frames with flag 0
  int undetected_right[2] = {0, 0};
};

struct Video {
  std::string up, bv;
  double fps;
  std::vector<double> adjust;
  std::vector<Sequence> seqs;
};

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "make_fixture: cannot write " << p << "\n";
    std::exit(1);
  }
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string seq_stem(const Video& v, std::size_t i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "_seq_%04zu", i);
  return v.bv + buf;
}

std::string annotation_json(const Video& v, const Sequence& s, std::size_t index, unsigned salt) {
  std::ostringstream o;
  o << "{\"up\": \"" << v.up << "\", \"bv\": \"" << v.bv << "\", \"frame_num\": " << 100000
    << ", \"fps\": " << num(v.fps) << ", \"fx\": 1234.5, \"height\": 1080, \"width\": 1920, \"adjust\": ["
    << num(v.adjust[0]) << ", " << num(v.adjust[1]) << ", " << num(v.adjust[2])
    << "], \"start_frame\": " << s.start_frame << ", \"end_frame\": " << s.start_frame + s.frames - 1;
  const double phase = 0.37 * (salt + 1) + 0.11 * static_cast<double>(index);
  for (int hand = 0; hand < 2; ++hand) {  // 0 = right, 1 = left
    o << ", \"" << (hand == 0 ? "right" : "left") << "\": [";
    const int* und = hand == 0 ? s.undetected_right : s.undetected_left;
    for (int t = 0; t < s.frames; ++t) {
      o << (t ? ", [" : "[");
      const bool detected = !(t >= und[0] && t < und[1]);
      o << (detected ? "1" : "0");
      const double sign = hand == 0 ? 1.0 : -1.0;
      o << ", " << num(sign * 0.12 + 0.05 * std::sin(0.021 * t + phase));
      o << ", " << num(0.03 * std::cos(0.017 * t + phase));
      o << ", " << num(0.6 + 0.02 * std::sin(0.013 * t + 2 * phase));
      for (int j = 0; j < 48; ++j) {
        o << ", " << num(0.4 * std::sin(0.05 * (t + 1) * (1 + j % 7) / 7.0 + 0.1 * j + phase + hand));
      }
      for (int j = 0; j < 10; ++j) o << ", " << num(0.01 * (j + 1) * sign);
      o << "]";
    }
    o << "]";
  }
  o << "}\n";
  return o.str();
}

// ---- MIDI -------------------------------------------------------------------------------------

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xff));
}
void put_vlq(std::string& s, std::uint32_t v) {
  unsigned char buf[5];
  int n = 0;
  buf[n++] = v & 0x7f;
  while (v >>= 7) buf[n++] = static_cast<unsigned char>((v & 0x7f) | 0x80);
  while (n--) s.push_back(static_cast<char>(buf[n]));
}

struct Event {
  long tick;
  int order;          // at equal ticks: offs (0) before pedal (1) before ons (2)
  std::string bytes;  // status + data
};

std::string track_chunk(const std::string& body) {
  std::string s = "MTrk";
  put_u32(s, static_cast<std::uint32_t>(body.size()));
  return s + body;
}

std::vector<Note> make_notes(double seconds, unsigned salt) {
  std::vector<Note> notes;
  for (int i = 0;; ++i) {
    Note n;
    n.on_tick = 330L * i + 17;
    n.off_tick = n.on_tick + 250 + 40 * (i % 3);
    n.pitch = 21 + static_cast<int>((i * 7 + salt * 5) % 88);
    n.velocity = 30 + (i * 13) % 90;
    n.onset = tick_seconds(n.on_tick);
    n.offset = tick_seconds(n.off_tick);
    if (n.onset >= seconds) break;
    notes.push_back(n);
  }
  return notes;
}

std::string midi_file(const std::vector<Note>& notes, long pedal_on, long pedal_off) {
  std::string s = "MThd";
  put_u32(s, 6);
  put_u16(s, 1);  // format 1
  put_u16(s, 2);  // tracks
  put_u16(s, kDivision);
  // Track 0: tempo map and time signature.
  std::string t0;
  put_vlq(t0, 0);
  t0 += std::string("\xff\x58\x04\x04\x02\x18\x08", 7);
  put_vlq(t0, 0);
  t0 += std::string("\xff\x51\x03", 3);
  t0.push_back(static_cast<char>((kTempo1 >> 16) & 0xff));
  t0.push_back(static_cast<char>((kTempo1 >> 8) & 0xff));
  t0.push_back(static_cast<char>(kTempo1 & 0xff));
  put_vlq(t0, kTempoChangeTick);
  t0 += std::string("\xff\x51\x03", 3);
  t0.push_back(static_cast<char>((kTempo2 >> 16) & 0xff));
  t0.push_back(static_cast<char>((kTempo2 >> 8) & 0xff));
  t0.push_back(static_cast<char>(kTempo2 & 0xff));
  put_vlq(t0, 0);
  t0 += std::string("\xff\x2f\x00", 3);
  // Track 1: piano. Note-offs alternate between 0x80 and note-on velocity 0 (running status).
  std::vector<Event> ev;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const Note& n = notes[i];
    ev.push_back({n.on_tick, 2, {'\x90', static_cast<char>(n.pitch), static_cast<char>(n.velocity)}});
    if (i % 2) {
      ev.push_back({n.off_tick, 0, {'\x80', static_cast<char>(n.pitch), '\x40'}});
    } else {
      ev.push_back({n.off_tick, 0, {'\x90', static_cast<char>(n.pitch), '\x00'}});
    }
  }
  ev.push_back({pedal_on, 1, {'\xb0', '\x40', '\x7f'}});
  ev.push_back({pedal_off, 1, {'\xb0', '\x40', '\x00'}});
  std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.order < b.order;
  });
  std::string t1;
  put_vlq(t1, 0);
  t1 += std::string("\xff\x03\x05Piano", 8);
  put_vlq(t1, 0);
  t1 += std::string("\xc0\x00", 2);
  long last = 0;
  char status = 0;
  for (const Event& e : ev) {
    put_vlq(t1, static_cast<std::uint32_t>(e.tick - last));
    last = e.tick;
    if (e.bytes[0] == status) {
      t1 += e.bytes.substr(1);  // running status
    } else {
      t1 += e.bytes;
      status = e.bytes[0];
    }
  }
  put_vlq(t1, 0);
  t1 += std::string("\xff\x2f\x00", 3);
  return s + track_chunk(t0) + track_chunk(t1);
}

// ---- audio ------------------------------------------------------------------------------------

std::string encode_mp3(const std::vector<short>& interleaved, int rate) {
  lame_global_flags* gf = lame_init();
  lame_set_in_samplerate(gf, rate);
  lame_set_out_samplerate(gf, rate);
  lame_set_num_channels(gf, 2);
  lame_set_brate(gf, 64);
  lame_set_quality(gf, 7);
  lame_set_bWriteVbrTag(gf, 1);  // LAME/Info tag: decoders trim the encoder delay (exact length)
  if (lame_init_params(gf) < 0) {
    std::cerr << "make_fixture: lame_init_params failed\n";
    std::exit(1);
  }
  const int frames = static_cast<int>(interleaved.size() / 2);
  std::vector<unsigned char> buf(static_cast<std::size_t>(1.25 * frames + 7200) + 16384);
  std::string out;
  const int chunk = 8192;
  for (int i = 0; i < frames; i += chunk) {
    const int n = std::min(chunk, frames - i);
    const int got = lame_encode_buffer_interleaved(gf, const_cast<short*>(interleaved.data()) + 2 * i, n,
                                                   buf.data(), static_cast<int>(buf.size()));
    if (got < 0) {
      std::cerr << "make_fixture: lame encoding failed\n";
      std::exit(1);
    }
    out.append(reinterpret_cast<char*>(buf.data()), static_cast<std::size_t>(got));
  }
  const int got = lame_encode_flush(gf, buf.data(), static_cast<int>(buf.size()));
  if (got > 0) out.append(reinterpret_cast<char*>(buf.data()), static_cast<std::size_t>(got));
  const std::size_t tag = lame_get_lametag_frame(gf, buf.data(), buf.size());
  if (tag > 0 && tag <= out.size()) std::memcpy(out.data(), buf.data(), tag);
  lame_close(gf);
  return out;
}

/// Stereo 44.1 kHz audio of the notes sounding in [t0, t0 + seconds).
std::vector<short> synthesize(const std::vector<Note>& notes, double t0, double seconds, int rate) {
  const std::size_t n = static_cast<std::size_t>(std::llround(seconds * rate));
  std::vector<double> mix(n, 0.0);
  for (const Note& note : notes) {
    const double f = 440.0 * std::pow(2.0, (note.pitch - 69) / 12.0);
    const double end = note.offset + 0.3;
    if (end <= t0 || note.onset >= t0 + seconds) continue;
    const long first = std::max(0L, static_cast<long>(std::ceil((note.onset - t0) * rate)));
    const long last = std::min(static_cast<long>(n), static_cast<long>(std::ceil((end - t0) * rate)));
    for (long i = first; i < last; ++i) {
      const double dt = t0 + static_cast<double>(i) / rate - note.onset;
      const double release =
          (dt > note.offset - note.onset) ? std::exp(-12 * (dt - (note.offset - note.onset))) : 1.0;
      mix[static_cast<std::size_t>(i)] +=
          0.25 * note.velocity / 127.0 * std::exp(-3 * dt) * release * std::sin(2 * kPi * f * dt);
    }
  }
  std::vector<short> out(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = std::clamp(mix[i], -1.0, 1.0) * 32000.0;
    out[2 * i] = static_cast<short>(std::lround(v));
    out[2 * i + 1] = static_cast<short>(std::lround(0.8 * v));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir;
  long bulk = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (a == "--bulk" && i + 1 < argc) {
      bulk = std::atol(argv[++i]);
    } else {
      std::cerr << "usage: pmbench_make_fixture --out DIR [--bulk N]\n";
      return 2;
    }
  }
  if (out_dir.empty() || bulk < 0) {
    std::cerr << "usage: pmbench_make_fixture --out DIR [--bulk N]\n";
    return 2;
  }
  const fs::path root(out_dir);
  constexpr int kRate = 44100;

  std::vector<Video> videos;
  {
    Video a{"1467634", "BV1fixA30", 30, {0.0, 0.05, -0.1}, {}};
    a.seqs.push_back({300, 0});
    Sequence und{270, 400};
    und.undetected_left[0] = 40;
    und.undetected_left[1] = 100;
    und.undetected_right[0] = 10;
    und.undetected_right[1] = 15;
    a.seqs.push_back(und);
    a.seqs.push_back({200, 800});
    videos.push_back(a);
    Video a24{"1467634", "BV1fixA24", 24, {0.0, -0.02, 0.03}, {}};
    a24.seqs.push_back({240, 24});
    videos.push_back(a24);
    Video a60{"1467634", "BV1fixA60", 60, {0.1, 0.01, 0.02}, {}};
    a60.seqs.push_back({540, 120});
    videos.push_back(a60);
    Video b{"66685747", "BV1fixB30", 30, {0.0, 0.0, 0.2}, {}};
    b.seqs.push_back({330, 30});
    Sequence noaudio{300, 500};
    noaudio.audio = false;
    b.seqs.push_back(noaudio);
    Sequence bad{260, 900};
    bad.malformed = true;
    b.seqs.push_back(bad);
    videos.push_back(b);
    Video c{"2084102325", "BV1fixC30", 30, {0.0, 0.01, 0.01}, {}};
    c.seqs.push_back({750, 0});
    videos.push_back(c);
    Video va{"1467634", "BV1fixV30", 30, {0.0, 0.02, 0.04}, {}};
    va.seqs.push_back({280, 60});
    va.seqs.push_back({245, 400});
    videos.push_back(va);
    Video vb{"66685747", "BV1fixW30", 30, {0.0, -0.03, 0.01}, {}};
    vb.seqs.push_back({300, 0});
    videos.push_back(vb);
  }
  const std::size_t n_fixed = videos.size();
  for (long i = 0; i < bulk; i += 50) {
    char bv[32];
    std::snprintf(bv, sizeof bv, "BV1bulk%05ld", i / 50);
    Video v{"1467634", bv, 30, {0.0, 0.01, 0.0}, {}};
    for (long k = i; k < std::min(bulk, i + 50); ++k) v.seqs.push_back({300, 330 * (k - i)});
    videos.push_back(v);
  }

  std::ostringstream truth;
  truth << "{\"videos\": [";
  std::string placeholder_mp3;
  for (std::size_t vi = 0; vi < videos.size(); ++vi) {
    const Video& v = videos[vi];
    const bool is_bulk = vi >= n_fixed;
    double video_seconds = 0;
    for (const Sequence& s : v.seqs)
      video_seconds = std::max(video_seconds, (s.start_frame + s.frames) / v.fps);
    const std::vector<Note> notes = make_notes(video_seconds + 1.0, static_cast<unsigned>(vi));
    const long pedal_on = 480 * 2, pedal_off = 480 * 10;
    if (!is_bulk) {
      write_text(root / "midi" / v.up / (v.bv + ".mid"), midi_file(notes, pedal_on, pedal_off));
    }
    truth << (vi ? ", " : "") << "{\"up\": \"" << v.up << "\", \"bv\": \"" << v.bv
          << "\", \"fps\": " << num(v.fps) << ", \"pedal\": [[" << num(tick_seconds(pedal_on)) << ", "
          << num(tick_seconds(pedal_off)) << "]]"
          << ", \"notes\": [";
    if (!is_bulk) {
      for (std::size_t k = 0; k < notes.size(); ++k) {
        const Note& n = notes[k];
        truth << (k ? ", " : "") << "[" << n.pitch << ", " << n.velocity << ", " << num(n.onset) << ", "
              << num(n.offset) << "]";
      }
    }
    truth << "], \"sequences\": [";
    for (std::size_t si = 0; si < v.seqs.size(); ++si) {
      const Sequence& s = v.seqs[si];
      const std::string stem = seq_stem(v, si);
      std::string json = annotation_json(v, s, si, static_cast<unsigned>(vi));
      if (s.malformed) json = json.substr(0, json.size() / 2);
      write_text(root / "annotation" / v.up / v.bv / (stem + ".json"), json);
      const double t0 = s.start_frame / v.fps, seconds = s.frames / v.fps;
      if (s.audio && !is_bulk) {
        const std::vector<short> pcm = synthesize(notes, t0, seconds, kRate);
        write_text(root / "audio" / v.up / v.bv / (stem + ".mp3"), encode_mp3(pcm, kRate));
      } else if (s.audio) {
        if (placeholder_mp3.empty()) placeholder_mp3 = encode_mp3(synthesize(notes, 0, 0.25, kRate), kRate);
        write_text(root / "audio" / v.up / v.bv / (stem + ".mp3"), placeholder_mp3);
      }
      truth << (si ? ", " : "") << "{\"stem\": \"" << stem << "\", \"frames\": " << s.frames
            << ", \"start_frame\": " << s.start_frame << ", \"audio\": " << (s.audio ? "true" : "false")
            << ", \"malformed\": " << (s.malformed ? "true" : "false") << "}";
    }
    truth << "]}";
  }
  truth << "]}\n";
  write_text(root / "fixture_truth.json", truth.str());

  // Split files, deliberately not sorted (readers sort).
  write_text(root / "test.txt",
             "66685747 BV1fixB30\n1467634 BV1fixA60\n2084102325 BV1fixC30\n1467634 BV1fixA30\n\n1467634 "
             "BV1fixA24\n");
  write_text(root / "valid.txt", "66685747 BV1fixW30\r\n1467634 BV1fixV30\r\n");
  std::string train;
  for (std::size_t vi = n_fixed; vi < videos.size(); ++vi)
    train += videos[vi].up + " " + videos[vi].bv + "\n";
  write_text(root / "train.txt", train);
  return 0;
}
