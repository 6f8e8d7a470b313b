// S3's rules for a bucket name, shared by the gateway (CreateBucket) and the master (`shoal fs
// bucket bind`), so that no name can be bound that a client could not address.
#pragma once

#include <string>

namespace shoal {

// 3 to 63 characters of a-z, 0-9, '.' and '-'; starts and ends with a letter or digit; no "..",
// ".-" or "-."; not shaped like an IPv4 address.
bool validS3BucketName(const std::string& name);

}  // namespace shoal
