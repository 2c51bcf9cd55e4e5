// The generated fixture dataset (scripts/make_fixture_dataset.cpp), created once per build tree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pmbench::dataset::testing {

/// Root of the fixture dataset, generated on first use (safe when test processes run in
/// parallel). Empty when the generator was not built (no libmp3lame): callers GTEST_SKIP.
const std::string& fixture_root();
/// fixture_truth.json of the fixture (synthesized notes in seconds, sequences).
const nlohmann::json& fixture_truth();
/// A fresh empty directory under the build tree for one test (`name` unique per test).
std::string scratch_dir(const std::string& name);
/// Raw JSON of a fixture annotation (read with nlohmann directly, independent of the reader).
nlohmann::json raw_annotation(const std::string& relpath);

}  // namespace pmbench::dataset::testing

#define PMBENCH_REQUIRE_FIXTURE()                                         \
  do {                                                                    \
    if (::pmbench::dataset::testing::fixture_root().empty())              \
      GTEST_SKIP() << "fixture generator not built (libmp3lame missing)"; \
  } while (0)
