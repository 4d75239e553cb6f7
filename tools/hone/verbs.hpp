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
void register_predict(CLI::App& app, Actions& actions);

/// Prints "hone: <message>" on stderr and returns the exit code for a failed verb.
int fail(const std::string& message);

}  // namespace hone::cli
