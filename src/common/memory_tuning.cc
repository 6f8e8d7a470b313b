#include "common/memory_tuning.h"

#include <malloc.h>

namespace shoal {

void tuneAllocatorForStreaming() {
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace shoal
