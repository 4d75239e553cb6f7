// The verbs of the `hone` tool. Each register_* adds a subcommand whose parsed options,
// when chosen, push the verb's action (returning the exit code) onto `actions`.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace hone::cli {

using Actions = std::vector<std::function<int()>>;

void register_build(CLI::App& app, Actions& actions);
void register_run(CLI::App& app, Actions& actions);
void register_bench(CLI::App& app, Actions& actions);
void register_inspect(CLI::App& app, Actions& actions);
void register_conformance(CLI::App& app, Actions& actions);
void register_ops(CLI::App& app, Actions& actions);
/// `hone predict` proper; it lives in the `hone-predict` executable (predict_main.cpp), the only
/// one that loads OpenCV.
void register_predict(CLI::App& app, Actions& actions);
/// `hone predict ...` in `hone`: runs `hone-predict` (beside `hone`) with the same arguments, so
/// `hone` itself never loads OpenCV (about 60 MB of resident memory for every other verb).
void register_predict_launcher(CLI::App& app, Actions& actions);

/// Parses the command line into `app` and runs the chosen verb's action: CLI11's help and
/// version exits, one-line parse errors (exit 2). The main() of both executables.
int run_cli(CLI::App& app, Actions& actions, int argc, char** argv);

/// Prints "hone: <message>" on stderr and returns the exit code for a failed verb.
int fail(const std::string& message);

}  // namespace hone::cli
