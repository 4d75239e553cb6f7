// `hone predict ...` inside `hone`: replaces this process with `hone-predict predict ...`
// (the executable beside this one), so that only `predict` loads OpenCV and its codecs.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tools/hone/verbs.hpp"

namespace hone::cli {

void register_predict_launcher(CLI::App& app, Actions& actions) {
  CLI::App* sub = app.add_subcommand("predict", "Run a YOLO model (detect/segment/pose/classify) on images or video");
  // Every argument after `predict`, --help included, goes to hone-predict untouched.
  sub->prefix_command();
  sub->set_help_flag();
  sub->allow_extras();
  sub->callback([sub, &actions] {
    std::vector<std::string> args = sub->remaining();
    actions.push_back([args] {
      std::error_code ec;
      const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
      const std::string exe = (ec ? std::filesystem::path(".") : self.parent_path()) / "hone-predict";
      // argv[0] stays `hone`, so hone-predict's usage lines read "hone predict ...".
      std::string name = ec ? std::string("hone") : self.string(), verb = "predict";
      std::vector<char*> argv;
      argv.push_back(name.data());
      argv.push_back(verb.data());
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(exe.c_str(), argv.data());
      return fail("cannot run " + exe + " (it implements `hone predict`): " + std::strerror(errno));
    });
  });
}

}  // namespace hone::cli
