// `hone-predict`: the executable behind `hone predict` (predict.cpp), kept apart from `hone`
// so that only it links OpenCV. `hone predict ARGS` runs `hone-predict predict ARGS`.
#include <CLI/CLI.hpp>

#include "tools/hone/verbs.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hone predict: the YOLO pipeline (detect, segment, pose, classify)"};
  app.set_version_flag("--version", std::string("hone ") + HONE_VERSION_STRING);
  app.require_subcommand(1);
  hone::cli::Actions actions;
  hone::cli::register_predict(app, actions);
  return hone::cli::run_cli(app, actions, argc, argv);
}
