#include "cli/cli.h"
#include "common/memory_tuning.h"

int main(int argc, char** argv) {
  shoal::tuneAllocatorForStreaming();
  return shoal::cli::run(argc, argv);
}
