#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>

#include "stubs/master_client.h"
#include "master/master_process.h"
#include "scenarios.h"
#include "testing/free_port.h"

namespace shoal::bench {

using testing::freeLoopbackPort;


std::vector<Figure> runMasterScenario(const MasterSpec& spec) {
  std::unique_ptr<master::MasterProcess> embedded;
  std::unique_ptr<Configuration> conf;
  std::string address = spec.address;
  std::string journal;
  if (address.empty()) {
    char tmpl[] = "/tmp/shoal-bench-journal-XXXXXX";
    journal = mkdtemp(tmpl);
    int port = freeLoopbackPort();
    auto c = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(port),
                                      "shoal.master.journal.folder=" + journal, "shoal.master.web.port=0",
                                      "shoal.log.dir=", "shoal.log.level=warn"});
    if (!c) throw std::runtime_error(c.error().toString());
    conf = std::make_unique<Configuration>(*c);
    embedded = std::make_unique<master::MasterProcess>(*conf);
    Status st = embedded->start();
    if (!st) throw std::runtime_error(st.toString());
    address = embedded->address();
  }
  stubs::MasterClient client(address, 30000, 1000);
  std::string root = fmt::format("/bench-{}", ::getpid());
  if (!client.createDirectory(root, true)) throw std::runtime_error("cannot create " + root + " on " + address);
  // The tree GetStatus and ListStatus read: dirs x files_per_dir empty files.
  {
    std::atomic<bool> ok{true};
    for (int d = 0; d < spec.dirs; ++d) {
      if (!client.createDirectory(fmt::format("{}/d{}", root, d), false)) ok = false;
    }
    runLoad("fill", {spec.load.threads, 3600, static_cast<uint64_t>(spec.dirs) * spec.files_per_dir}, [&](int, uint64_t i) {
      return client.createFile(fmt::format("{}/d{}/f{}", root, i % spec.dirs, i / spec.dirs), false, true).has_value();
    });
    if (!ok) throw std::runtime_error("filling the bench tree failed");
  }
  uint64_t nfiles = static_cast<uint64_t>(spec.dirs) * spec.files_per_dir;
  auto filePath = [&](uint64_t i) {
    uint64_t k = (i * 2654435761ULL) % nfiles;  // spread over the tree
    return fmt::format("{}/d{}/f{}", root, k % spec.dirs, k / spec.dirs);
  };
  std::vector<Figure> out;
  auto add = [&](Figure f) {
    f.baseline = "rpc-echo";
    f.params["files"] = std::to_string(nfiles);
    out.push_back(std::move(f));
  };
  // rename and delete work on exactly the directories the op before them made.
  auto after = [&](const std::string& previous, const std::string& op) {
    LoadSpec l = spec.load;
    for (const auto& f : out) {
      if (f.scenario == previous) l.max_ops = f.ops;
    }
    if (l.max_ops == 0) throw std::runtime_error(op + " needs the " + previous.substr(7) + " op before it");
    return l;
  };
  for (const auto& op : spec.ops) {
    if (op == "getstatus") {
      add(runLoad("master.getstatus", spec.load, [&](int, uint64_t i) { return client.getStatus(filePath(i)).has_value(); }));
    } else if (op == "liststatus") {
      Figure f = runLoad("master.liststatus", spec.load, [&](int, uint64_t i) {
        auto r = client.listAll(fmt::format("{}/d{}", root, i % spec.dirs));
        return r && r->size() == static_cast<size_t>(spec.files_per_dir);
      });
      f.extra["entries_per_sec"] = f.ops_per_sec * spec.files_per_dir;
      f.params["entries_per_list"] = std::to_string(spec.files_per_dir);
      add(f);
    } else if (op == "mkdir") {
      add(runLoad("master.mkdir", spec.load,
                  [&](int, uint64_t i) { return client.createDirectory(fmt::format("{}/m{}", root, i), false).has_value(); }));
    } else if (op == "create") {
      add(runLoad("master.create+complete", spec.load, [&](int, uint64_t i) {
        std::string p = fmt::format("{}/c{}", root, i);
        return client.createFile(p, false, false).has_value() && client.completeFile(p, 0, false).has_value();
      }));
    } else if (op == "rename") {
      add(runLoad("master.rename", after("master.mkdir", "rename"), [&](int, uint64_t i) {
        return client.rename(fmt::format("{}/m{}", root, i), fmt::format("{}/n{}", root, i)).isOk();
      }));
    } else if (op == "delete") {
      add(runLoad("master.delete", after("master.rename", "delete"),
                  [&](int, uint64_t i) { return client.remove(fmt::format("{}/n{}", root, i), false).isOk(); }));
    } else {
      throw std::runtime_error("unknown master op '" + op + "'");
    }
  }
  if (embedded) {
    embedded->stop();
    std::filesystem::remove_all(journal);
  }
  return out;
}

}  // namespace shoal::bench
