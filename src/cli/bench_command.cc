// `shoal bench ...`: the benchmarks, as `shoal-bench ...` installed beside this binary. Every
// argument after `bench` goes to shoal-bench unchanged (its own --help lists the scenarios).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "cli/cli.h"

namespace shoal::cli {

int execBench(int argc, char** argv) {
  std::error_code ec;
  auto bin = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "shoal-bench";
  if (ec || !std::filesystem::exists(bin)) {
    std::cerr << "shoal bench: " << bin.string() << " is missing (build it with `make build`)\n";
    return 2;
  }
  std::vector<char*> args{const_cast<char*>(bin.c_str())};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(bin.c_str(), args.data());
  std::cerr << "shoal bench: cannot run " << bin.string() << ": " << std::strerror(errno) << "\n";
  return 2;
}

void registerBenchCommand(CLI::App& app) {
  // Listed for --help; run() hands `shoal bench ...` to execBench before parsing.
  app.add_subcommand("bench", "Run the stress benchmarks (shoal-bench; `shoal bench --help` lists the scenarios)")
      ->allow_extras();
}

}  // namespace shoal::cli
