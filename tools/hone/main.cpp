// `hone`: the command-line tool. Each verb lives in its own file and registers itself here.
#include <CLI/CLI.hpp>

#include "tools/hone/verbs.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hone: an optimizing deep-learning inference engine"};
  app.set_version_flag("--version", std::string("hone ") + HONE_VERSION_STRING);
  app.require_subcommand(1);
  hone::cli::Actions actions;
  hone::cli::register_build(app, actions);
  hone::cli::register_run(app, actions);
  hone::cli::register_bench(app, actions);
  hone::cli::register_inspect(app, actions);
  hone::cli::register_conformance(app, actions);
  hone::cli::register_ops(app, actions);
#ifdef HONE_WITH_VISION
  hone::cli::register_predict_launcher(app, actions);
#endif
  return hone::cli::run_cli(app, actions, argc, argv);
}
