#include "pmbench/report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "pmbench/error.hpp"

namespace pmbench {
namespace {

std::string format_number(const nlohmann::json& v, int precision = 6) {
  if (v.is_null()) return "n/a";
  char buf[64];
  const double x = v.get<double>();
  const double mag = std::abs(x);
  if (mag != 0 && (mag < 1e-3 || mag >= 1e6)) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
  } else {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
  }
  return buf;
}

// Round-trip precision for machine-readable formats.
std::string exact_number(const nlohmann::json& v) { return v.is_null() ? "" : v.dump(); }

std::string provenance_line(const nlohmann::json& j) {
  std::ostringstream out;
  out << "pmbench " << j["pmbench_version"].get<std::string>() << " | spec " << j["spec"].get<std::string>()
      << " | precision " << j["precision"].get<std::string>() << " | " << j["n_clips"].get<std::size_t>()
      << " clips x " << j["frames"].get<std::size_t>() << " frames";
  return out.str();
}

std::string fid_line(const nlohmann::json& j) {
  if (!j.contains("FID")) return {};
  std::ostringstream out;
  out << "FID " << format_number(j["FID"]) << " | F_dist " << format_number(j["F_dist"]);
  if (j.contains("encoder") && j["encoder"].contains("sha256")) {
    out << " | encoder sha256 " << j["encoder"]["sha256"].get<std::string>().substr(0, 12);
  }
  return out.str();
}

std::string undefined_summary(const nlohmann::json& j) {
  const auto& undefined = j["undefined"];
  if (undefined.empty()) return {};
  std::ostringstream out;
  out << undefined.size() << " undefined value" << (undefined.size() == 1 ? "" : "s")
      << " (n/a means: at least one clip undefined; see --format json \"undefined\"), first: clip "
      << undefined[0]["clip"].get<std::size_t>() << " " << undefined[0]["hand"].get<std::string>() << " "
      << undefined[0]["metric"].get<std::string>() << ": " << undefined[0]["reason"].get<std::string>();
  return out.str();
}

std::string render_table(const nlohmann::json& j, bool markdown) {
  std::ostringstream out;
  const char* hands[] = {"right", "left"};
  if (markdown) {
    out << "<!-- " << provenance_line(j) << " -->\n";
    out << "| hand |";
    for (auto name : kHandMetricNames) out << " " << name << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < kHandMetricNames.size(); ++i) out << "---:|";
    out << "\n";
    for (const char* h : hands) {
      out << "| " << h << " |";
      for (auto name : kHandMetricNames) out << " " << format_number(j["mean"][h][std::string(name)]) << " |";
      out << "\n";
    }
    out << "\n_" << provenance_line(j) << "_\n";
    if (const auto fid = fid_line(j); !fid.empty()) out << "\n" << fid << "\n";
    if (const auto u = undefined_summary(j); !u.empty()) out << "\n" << u << "\n";
    return out.str();
  }
  out << provenance_line(j) << "\n\n";
  char row[256];
  std::snprintf(row, sizeof row, "%-6s %14s %14s %14s %14s\n", "hand", "FGD", "WGD", "PD", "Smooth");
  out << row;
  for (const char* h : hands) {
    const auto& m = j["mean"][h];
    std::snprintf(row, sizeof row, "%-6s %14s %14s %14s %14s\n", h, format_number(m["FGD"]).c_str(),
                  format_number(m["WGD"]).c_str(), format_number(m["PD"]).c_str(),
                  format_number(m["Smooth"]).c_str());
    out << row;
  }
  if (const auto fid = fid_line(j); !fid.empty()) out << "\n" << fid << "\n";
  if (const auto u = undefined_summary(j); !u.empty()) out << "\n" << u << "\n";
  return out.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// One row per clip and hand plus one "mean" row per hand; spec and precision on every row.
std::string render_csv(const nlohmann::json& j) {
  std::ostringstream out;
  out << "spec,precision,clip,clip_id,hand";
  for (auto name : kHandMetricNames) out << "," << name;
  out << "\n";
  const std::string prefix = j["spec"].get<std::string>() + "," + j["precision"].get<std::string>() + ",";
  const std::size_t clips = j["n_clips"].get<std::size_t>();
  const bool has_ids = j.contains("clip_id");
  for (std::size_t c = 0; c < clips; ++c) {
    for (const char* h : {"right", "left"}) {
      out << prefix << c << "," << (has_ids ? csv_field(j["clip_id"][c].get<std::string>()) : "") << "," << h;
      for (auto name : kHandMetricNames) out << "," << exact_number(j["per_clip"][h][std::string(name)][c]);
      out << "\n";
    }
  }
  for (const char* h : {"right", "left"}) {
    out << prefix << "mean,," << h;
    for (auto name : kHandMetricNames) out << "," << exact_number(j["mean"][h][std::string(name)]);
    out << "\n";
  }
  return out.str();
}

}  // namespace

ReportFormat parse_report_format(const std::string& name) {
  if (name == "table") return ReportFormat::Table;
  if (name == "json") return ReportFormat::Json;
  if (name == "csv") return ReportFormat::Csv;
  if (name == "markdown" || name == "md") return ReportFormat::Markdown;
  PMBENCH_FAIL(InvalidInput, "unknown report format '", name, "' (use table, json, csv or markdown)");
}

std::string render_report(const ScoreReport& report, ReportFormat format) {
  const nlohmann::json j = report.to_json();
  switch (format) {
    case ReportFormat::Json:
      return j.dump(2) + "\n";
    case ReportFormat::Csv:
      return render_csv(j);
    case ReportFormat::Markdown:
      return render_table(j, true);
    case ReportFormat::Table:
      return render_table(j, false);
  }
  PMBENCH_FAIL(Internal, "unknown report format");
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temp = path + ".tmp-" + std::to_string(std::random_device{}());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    PMBENCH_CHECK(out.good(), Io, "cannot write '", path, "': cannot create a file in its directory");
    out << content;
    out.flush();
    if (!out.good()) {
      out.close();
      std::remove(temp.c_str());
      PMBENCH_FAIL(Io, "cannot write '", path, "': write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    PMBENCH_FAIL(Io, "cannot write '", path, "': ", ec.message());
  }
}

}  // namespace pmbench
