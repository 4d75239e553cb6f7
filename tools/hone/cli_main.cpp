// run_cli(): what the main() of `hone` and `hone-predict` share (verbs.hpp).
#include <cstdio>

#include "tools/hone/verbs.hpp"

namespace hone::cli {

int run_cli(CLI::App& app, Actions& actions, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, non-zero exit, as for every other error.
    std::fprintf(stderr, "hone: %s\n", e.what());
    return 2;
  }
  for (auto& action : actions) {
    if (action) return action();
  }
  return 0;
}

}  // namespace hone::cli
