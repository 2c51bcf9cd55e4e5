// pmbench command line: `pmbench score preds.h5`, plus the subcommands of optional modules.
#include <iostream>

#include "commands.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/kernel_isa.hpp"
#include "pmbench/score.hpp"

int main(int argc, char** argv) {
  CLI::App app{"pmbench: evaluation toolkit for hand-motion generation from piano music"};
  // The kernels only change speed (their results are the same bits), but say which run.
  app.set_version_flag("--version", std::string("pmbench ") + pmbench::version() +
                                        " (metric kernels: " + pmbench::kernel_isa() + ")");
  app.require_subcommand(1);

  pmbench::cli::CommandRunner runner;
  pmbench::cli::register_score_command(app, runner);
#ifdef PMBENCH_CLI_HAVE_DATASET
  pmbench::cli::register_dataset_commands(app, runner);
#endif
#ifdef PMBENCH_CLI_HAVE_ENCODER
  pmbench::cli::register_encoder_commands(app, runner);
#endif
#ifdef PMBENCH_CLI_HAVE_LEADERBOARD
  pmbench::cli::register_leaderboard_commands(app, runner);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help / --version exit 0; every usage error exits 2 (CLI11 prints the message)
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return runner ? runner() : 2;
  } catch (const pmbench::Error& e) {
    std::cerr << "pmbench: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "pmbench: internal error: " << e.what() << "\n";
    return 3;
  }
}
