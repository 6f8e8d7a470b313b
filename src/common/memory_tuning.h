// Process-wide allocator settings for the data path, applied first thing in main().
#pragma once

namespace shoal {

// gRPC allocates a fresh buffer for every streamed 1 MiB page. With glibc's defaults such buffers
// are mmapped (or trimmed back to the kernel) and freed each time, so every page costs 256 page
// faults; serving them from the heap and keeping freed memory doubles streamed throughput here
// (platform-notes: 0.3-1.2 GB/s with default malloc, 2.1-3.3 GB/s without the churn). Setting only
// the mmap threshold is not enough: it also turns off glibc's dynamic trim threshold, leaving it
// at 128 KiB, and the heap is then trimmed after each free.
void tuneAllocatorForStreaming();

}  // namespace shoal
