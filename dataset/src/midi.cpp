#include "pmbench/dataset/midi.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <tuple>
#include <utility>

#include "pmbench/error.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {
namespace {

/// Big-endian reader over a byte range that names the file and offset in its errors.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& name) : b_(bytes), name_(name) {}
  std::size_t pos() const { return pos_; }
  std::size_t left() const { return b_.size() - pos_; }
  void need(std::size_t n, const char* what) const {
    PMBENCH_CHECK(left() >= n, InvalidInput, name_, ": truncated MIDI file (", what, " at byte ", pos_, ")");
  }
  unsigned u8(const char* what) {
    need(1, what);
    return static_cast<unsigned char>(b_[pos_++]);
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    return v;
  }
  std::uint32_t u16(const char* what) {
    need(2, what);
    std::uint32_t v = static_cast<unsigned char>(b_[pos_]);
    v = (v << 8) | static_cast<unsigned char>(b_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t vlq(const char* what) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned c = u8(what);
      v = (v << 7) | (c & 0x7f);
      if (!(c & 0x80)) return v;
    }
    PMBENCH_FAIL(InvalidInput, name_, ": variable-length quantity longer than 4 bytes (", what, " at byte ",
                 pos_, ")");
  }
  std::string bytes(std::size_t n, const char* what) {
    need(n, what);
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(std::size_t n, const char* what) {
    need(n, what);
    pos_ += n;
  }

 private:
  const std::string& b_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

enum class Kind { NoteOn, NoteOff, Pedal, Tempo };

struct RawEvent {
  std::int64_t tick;
  int track;
  std::size_t seq;  // order within the file, for a stable merge
  Kind kind;
  int channel;
  int a;  // pitch / pedal value / -
  int b;  // velocity
  std::uint32_t tempo;
};

}  // namespace

Midi parse_midi(const std::string& data, const std::string& name) {
  Reader r(data, name);
  Midi m;
  m.path = name;
  PMBENCH_CHECK(r.left() >= 4 && data.compare(0, 4, "MThd") == 0, InvalidInput, name,
                ": not a MIDI file (no MThd header)");
  r.skip(4, "header");
  const std::uint32_t header_len = r.u32("header length");
  PMBENCH_CHECK(header_len >= 6, InvalidInput, name, ": MThd header of ", header_len, " bytes (expected 6)");
  m.format = static_cast<int>(r.u16("format"));
  const int declared_tracks = static_cast<int>(r.u16("track count"));
  const std::uint32_t division = r.u16("division");
  r.skip(header_len - 6, "header");
  PMBENCH_CHECK(m.format <= 2, InvalidInput, name, ": unknown MIDI format ", m.format);
  double smpte_seconds_per_tick = 0;
  if (division & 0x8000) {
    const int fps = -static_cast<int>(static_cast<std::int8_t>(division >> 8));
    const int ticks_per_frame = static_cast<int>(division & 0xff);
    PMBENCH_CHECK(fps > 0 && ticks_per_frame > 0, InvalidInput, name, ": invalid SMPTE division");
    smpte_seconds_per_tick = 1.0 / (fps * ticks_per_frame);
    m.division = -fps;  // SMPTE: minus the frame rate, as in the file
  } else {
    PMBENCH_CHECK(division > 0, InvalidInput, name, ": division of 0 ticks per quarter note");
    m.division = static_cast<int>(division);
  }

  std::vector<RawEvent> events;
  std::size_t seq = 0;
  int track = 0;
  while (r.left() >= 8 && track < declared_tracks) {
    const std::string id = r.bytes(4, "chunk id");
    const std::uint32_t len = r.u32("chunk length");
    if (id != "MTrk") {
      r.skip(len, "unknown chunk");
      continue;
    }
    r.need(len, "track data");
    const std::size_t end = r.pos() + len;
    std::int64_t tick = 0;
    unsigned status = 0;
    while (r.pos() < end) {
      tick += r.vlq("delta time");
      unsigned byte = r.u8("event");
      if (byte == 0xff) {  // meta
        const unsigned type = r.u8("meta type");
        const std::uint32_t n = r.vlq("meta length");
        const std::string payload = r.bytes(n, "meta data");
        if (type == 0x51) {
          PMBENCH_CHECK(n == 3, InvalidInput, name, ": track ", track, ": tempo event of ", n, " bytes");
          const std::uint32_t us =
              (static_cast<std::uint32_t>(static_cast<unsigned char>(payload[0])) << 16) |
              (static_cast<std::uint32_t>(static_cast<unsigned char>(payload[1])) << 8) |
              static_cast<unsigned char>(payload[2]);
          PMBENCH_CHECK(us > 0, InvalidInput, name, ": track ", track, ": tempo of 0 us per quarter note");
          events.push_back({tick, track, seq++, Kind::Tempo, 0, 0, 0, us});
        } else if (type == 0x2f) {
          break;  // end of track
        }
        continue;
      }
      if (byte == 0xf0 || byte == 0xf7) {  // sysex
        r.skip(r.vlq("sysex length"), "sysex data");
        continue;
      }
      unsigned d1;
      if (byte & 0x80) {
        status = byte;
        d1 = r.u8("event data");
      } else {
        PMBENCH_CHECK(status != 0, InvalidInput, name, ": track ", track,
                      ": data byte without a status at byte ", r.pos() - 1);
        d1 = byte;
      }
      const unsigned type = status & 0xf0;
      const int channel = static_cast<int>(status & 0x0f);
      if (type == 0xc0 || type == 0xd0) continue;  // one data byte
      const unsigned d2 = r.u8("event data");
      PMBENCH_CHECK(d1 < 128 && d2 < 128, InvalidInput, name, ": track ", track,
                    ": data byte above 127 at byte ", r.pos() - 1);
      if (type == 0x90 && d2 > 0) {
        events.push_back(
            {tick, track, seq++, Kind::NoteOn, channel, static_cast<int>(d1), static_cast<int>(d2), 0});
      } else if (type == 0x80 || type == 0x90) {
        events.push_back({tick, track, seq++, Kind::NoteOff, channel, static_cast<int>(d1), 0, 0});
      } else if (type == 0xb0 && d1 == 64) {
        events.push_back({tick, track, seq++, Kind::Pedal, channel, static_cast<int>(d2), 0, 0});
      }
    }
    PMBENCH_CHECK(r.pos() <= end, InvalidInput, name, ": track ", track, " runs past its chunk");
    r.skip(end - r.pos(), "track data");
    ++track;
  }
  m.tracks = track;
  PMBENCH_CHECK(track > 0, InvalidInput, name, ": no MTrk chunk");
  std::stable_sort(events.begin(), events.end(), [](const RawEvent& a, const RawEvent& b) {
    return std::tie(a.tick, a.seq) < std::tie(b.tick, b.seq);
  });

  // Tempo map (ticks -> seconds).
  m.tempo_map.push_back({0, 0.0, 500000});
  for (const RawEvent& e : events) {
    if (e.kind != Kind::Tempo) continue;
    TempoChange& last = m.tempo_map.back();
    const double at =
        last.seconds + static_cast<double>(e.tick - last.tick) * last.us_per_quarter * 1e-6 / m.division;
    if (e.tick == last.tick) {
      last.us_per_quarter = e.tempo;
    } else {
      m.tempo_map.push_back({e.tick, at, e.tempo});
    }
  }
  auto seconds = [&](std::int64_t tick) {
    if (smpte_seconds_per_tick > 0) return static_cast<double>(tick) * smpte_seconds_per_tick;
    auto it = std::upper_bound(m.tempo_map.begin(), m.tempo_map.end(), tick,
                               [](std::int64_t t, const TempoChange& c) { return t < c.tick; });
    const TempoChange& c = *std::prev(it);
    return c.seconds + static_cast<double>(tick - c.tick) * c.us_per_quarter * 1e-6 / m.division;
  };

  std::map<std::pair<int, int>, std::deque<MidiNote>> open;  // (channel, pitch) -> onsets, oldest first
  std::map<int, double> pedal_down;                          // channel -> onset
  for (const RawEvent& e : events) {
    const double t = seconds(e.tick);
    m.duration = std::max(m.duration, t);
    if (e.kind == Kind::NoteOn) {
      open[{e.channel, e.a}].push_back(MidiNote{e.a, e.b, e.channel, t, t});
    } else if (e.kind == Kind::NoteOff) {
      auto it = open.find({e.channel, e.a});
      if (it == open.end() || it->second.empty()) continue;  // release without a press
      MidiNote n = it->second.front();
      it->second.pop_front();
      n.offset = t;
      m.notes.push_back(n);
    } else if (e.kind == Kind::Pedal) {
      auto it = pedal_down.find(e.channel);
      if (e.a >= 64 && it == pedal_down.end()) {
        pedal_down[e.channel] = t;
      } else if (e.a < 64 && it != pedal_down.end()) {
        m.sustain.push_back({e.channel, it->second, t});
        pedal_down.erase(it);
      }
    }
  }
  for (auto& [key, notes] : open) {
    for (MidiNote n : notes) {
      n.offset = m.duration;
      m.notes.push_back(n);
    }
  }
  for (const auto& [channel, onset] : pedal_down) m.sustain.push_back({channel, onset, m.duration});
  std::sort(m.notes.begin(), m.notes.end(), [](const MidiNote& a, const MidiNote& b) {
    return std::tie(a.onset, a.pitch, a.channel) < std::tie(b.onset, b.pitch, b.channel);
  });
  std::sort(m.sustain.begin(), m.sustain.end(), [](const PedalSpan& a, const PedalSpan& b) {
    return std::tie(a.onset, a.channel) < std::tie(b.onset, b.channel);
  });
  return m;
}

Midi read_midi(const std::string& path) { return parse_midi(read_file_bytes(path), path); }

PianoRoll piano_roll(const Midi& midi, double start_seconds, std::size_t frames, double fps,
                     bool extend_by_pedal) {
  PMBENCH_CHECK(fps > 0, InvalidInput, "piano_roll: fps must be positive");
  PianoRoll roll;
  roll.fps = fps;
  roll.start_seconds = start_seconds;
  const auto rows = static_cast<Eigen::Index>(frames);
  roll.onset = MatrixRM<float>::Zero(rows, kPianoKeys);
  roll.velocity = MatrixRM<float>::Zero(rows, kPianoKeys);
  roll.pedal.assign(frames, 0.0f);
  auto frame_of = [&](double t) {
    return static_cast<long long>(std::floor((t - start_seconds) * fps + 0.5));
  };
  const long long n = static_cast<long long>(frames);

  for (const PedalSpan& p : midi.sustain) {
    const long long b = std::max(0LL, frame_of(p.onset)), e = std::min(n, frame_of(p.offset));
    for (long long f = b; f < e; ++f) roll.pedal[static_cast<std::size_t>(f)] = 1.0f;
  }
  for (std::size_t i = 0; i < midi.notes.size(); ++i) {
    const MidiNote& note = midi.notes[i];
    const int key = note.pitch - kLowestKey;
    if (key < 0 || key >= kPianoKeys) continue;
    double offset = note.offset;
    if (extend_by_pedal) {
      for (const PedalSpan& p : midi.sustain) {
        if (p.onset <= offset && offset < p.offset) offset = std::max(offset, p.offset);
      }
      for (std::size_t j = i + 1; j < midi.notes.size(); ++j) {  // notes are sorted by onset
        if (midi.notes[j].pitch == note.pitch && midi.notes[j].onset > note.onset) {
          offset = std::min(offset, midi.notes[j].onset);
          break;
        }
      }
    }
    const long long on = frame_of(note.onset);
    const long long off = std::max(frame_of(offset), on + 1);
    if (on >= 0 && on < n) roll.onset(static_cast<Eigen::Index>(on), key) = 1.0f;
    for (long long f = std::max(0LL, on); f < std::min(n, off); ++f) {
      roll.velocity(static_cast<Eigen::Index>(f), key) = static_cast<float>(note.velocity) / 127.0f;
    }
  }
  return roll;
}

}  // namespace pmbench::dataset
