// Rendering a ScoreReport for people and programs.
#pragma once

#include <string>

#include "pmbench/score.hpp"

namespace pmbench {

enum class ReportFormat { Table, Json, Csv, Markdown };

/// Parses "table", "json", "csv", "markdown"; throws Error(InvalidInput) otherwise.
ReportFormat parse_report_format(const std::string& name);
std::string render_report(const ScoreReport& report, ReportFormat format);

/// Writes `content` to `path` atomically (temporary file beside it, then rename).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace pmbench
