// The journal seam: the master hands every mutation to submit(), which returns once the entry is
// durable and applied. The single-master LocalJournal and the Raft journal (later) implement it;
// neither the state machine nor the master's operations know which one runs. Thread-safe.
#pragma once

#include "journal.pb.h"
#include "master/journal/state_machine.h"

namespace shoal::master {

class Journal {
 public:
  virtual ~Journal() = default;
  // Recovers state (checkpoint, then log replay) into the state machine and starts accepting.
  virtual Status start() = 0;
  // Makes the entry durable, applies it, and returns the state machine's result. The entry's
  // sequence is assigned here.
  virtual ApplyResult submit(proto::JournalEntry entry) = 0;
  virtual uint64_t lastSequence() const = 0;
  virtual void stop() = 0;
};

}  // namespace shoal::master
