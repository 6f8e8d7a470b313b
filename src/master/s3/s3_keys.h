// The S3 gateways' access keys as journaled state (`shoal fsadmin s3 key add|remove|list`): part
// of the state machine, so every master holds them, checkpoints keep them and a restart or
// failover loses none. apply() is deterministic; the checks of what may be a key run before an
// entry is journaled (checkS3Key). Not thread-safe on its own (the state machine's lock guards it).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "journal.pb.h"

namespace shoal::master {

// At most this many keys: the table lives in every checkpoint and every master's memory.
inline constexpr size_t kMaxS3Keys = 10000;

// An access key of 3 to 128 letters, digits, '_', '-' or '.'; a secret of 8 to 128 printable
// ASCII characters without spaces (what S3 clients can carry in a header).
Status checkS3Key(const std::string& access_key, const std::string& secret);
Status checkS3AccessKey(const std::string& access_key);

class S3Keys {
 public:
  // Adding a key that exists is AlreadyExists; removing one that does not is NotFound.
  Status apply(const proto::S3KeyEntry& e);
  const std::map<std::string, proto::S3KeyRecord>& all() const { return keys_; }
  // The signing key of an access key for a day and region, if the key exists.
  std::optional<std::string> signingKey(const std::string& access_key, const std::string& date,
                                        const std::string& region) const;

  // The keys' part of the S3 checkpoint table.
  void saveTo(proto::S3Table* table) const;
  void load(const proto::S3Table& table);

 private:
  std::map<std::string, proto::S3KeyRecord> keys_;  // sorted: checkpoints and digests agree
};

}  // namespace shoal::master
