// Subcommand registration: each module adds its subcommands to the app from its own file.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace pmbench::cli {

/// A registered subcommand runs through this callback after parsing; it returns the exit code.
using CommandRunner = std::function<int()>;

/// Each register_* function adds its subcommand(s) and stores the runner to call when that
/// subcommand was chosen. Exit codes: 0 ok, 1 bad input / failure, 2 usage error.
void register_score_command(CLI::App& app, CommandRunner& runner);
#ifdef PMBENCH_CLI_HAVE_DATASET
void register_dataset_commands(CLI::App& app, CommandRunner& runner);  // make-gt, inspect
#endif
#ifdef PMBENCH_CLI_HAVE_ENCODER
void register_encoder_commands(CLI::App& app, CommandRunner& runner);  // train-encoder
#endif
#ifdef PMBENCH_CLI_HAVE_LEADERBOARD
void register_leaderboard_commands(CLI::App& app, CommandRunner& runner);
#endif

}  // namespace pmbench::cli
