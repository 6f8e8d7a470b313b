// Everything a client process needs, built once from a Configuration: the master stub (with the
// metadata cache), the store registry and the direct store path, the worker pool, the reader, the
// client's hot settings, and writers made from them. FUSE, the CLI, the C++ API (and the vfs over
// them) hold one Context instead of assembling these parts by hand. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "client/file_reader.h"
#include "client/file_writer.h"
#include "client/worker_pool.h"
#include "common/configuration.h"
#include "common/live_config.h"
#include "stubs/master_client.h"
#include "stubs/ufs_direct.h"
#include "ufs/ufs_registry.h"

namespace shoal::client {

struct ClientSettings;

class Context {
 public:
  // Makes no call: gRPC channels connect on first use. In a daemon that forks, build it after the
  // fork (gRPC must not be initialised before one).
  explicit Context(Configuration conf);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Configuration& conf() const { return conf_; }
  stubs::MasterClient& master() { return master_; }
  stubs::UfsDirect& direct() { return direct_; }
  WorkerPool& workers() { return workers_; }
  FileReader& reader() { return *reader_; }

  // The client's hot keys as typed values (write type, sync interval, read-ahead, passive
  // caching, metadata cache limits), from the Configuration until followConfig is called.
  std::shared_ptr<const ClientSettings> settings() const;
  // New settings, applied at once to the master stub (sync interval, cache limits) and the reader.
  void applySettings(std::shared_ptr<const ClientSettings> settings);
  // Applies `live`'s current settings and every later version until the handle is destroyed.
  std::unique_ptr<LiveConfig::Listener> followConfig(LiveConfig& live);

  // A new file at `path` (file_writer.h); the default write type is the settings' for the path.
  Result<std::unique_ptr<FileWriter>> createFile(const std::string& path, const WriteOptions& options = {});

 private:
  const Configuration conf_;
  stubs::MasterClient master_;
  ufs::UfsRegistry registry_;
  stubs::UfsDirect direct_;
  WorkerPool workers_;
  std::unique_ptr<FileReader> reader_;
  std::atomic<std::shared_ptr<const ClientSettings>> settings_;
};

}  // namespace shoal::client
