// Clean shutdown on SIGINT/SIGTERM: the signals are blocked in every thread (call before any
// thread starts) and one thread waits for them with sigwait, so no handler runs in a random thread.
#pragma once

namespace shoal {

// Blocks SIGINT and SIGTERM for this thread and every thread it starts later; ignores SIGPIPE.
void blockTerminationSignals();
// Waits until SIGINT or SIGTERM arrives; returns the signal number.
int waitForTerminationSignal();

}  // namespace shoal
