#include "fixture.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;

namespace pmbench::dataset::testing {

const std::string& fixture_root() {
  static const std::string root = [] {
    const std::string generator = PMBENCH_DATASET_FIXTURE_GENERATOR;
    if (generator.empty()) return std::string();
    const fs::path dir = fs::path(PMBENCH_DATASET_WORK_DIR) / "fixture";
    // A complete fixture appears atomically (rename), so its marker file means it is whole.
    // It is regenerated when the generator is newer.
    std::error_code ec;
    if (fs::exists(dir / "fixture_truth.json", ec) &&
        fs::last_write_time(dir / "fixture_truth.json", ec) >= fs::last_write_time(generator, ec)) {
      return dir.string();
    }
    const fs::path tmp = fs::path(PMBENCH_DATASET_WORK_DIR) / ("fixture.tmp." + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    const std::string cmd = "\"" + generator + "\" --out \"" + tmp.string() + "\"";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("fixture generator failed: " + cmd);
    const fs::path old = fs::path(PMBENCH_DATASET_WORK_DIR) / ("fixture.old." + std::to_string(::getpid()));
    fs::rename(dir, old, ec);  // an outdated fixture, if any
    fs::rename(tmp, dir, ec);
    if (ec) fs::remove_all(tmp, ec);  // another process won the race with identical content
    fs::remove_all(old, ec);
    return dir.string();
  }();
  return root;
}

const nlohmann::json& fixture_truth() {
  static const nlohmann::json truth = [] {
    std::ifstream in(fixture_root() + "/fixture_truth.json");
    return nlohmann::json::parse(in);
  }();
  return truth;
}

std::string scratch_dir(const std::string& name) {
  // One directory per test name (names are unique), emptied on reuse: nothing piles up across runs.
  const fs::path dir = fs::path(PMBENCH_DATASET_WORK_DIR) / "scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

nlohmann::json raw_annotation(const std::string& relpath) {
  std::ifstream in(fixture_root() + "/" + relpath);
  return nlohmann::json::parse(in);
}

}  // namespace pmbench::dataset::testing
