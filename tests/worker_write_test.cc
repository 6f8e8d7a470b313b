// Writing through Shoal with real processes (one master, three workers, a local store): each
// write type puts the bytes where it promises and reads return them; a file is invisible until its
// writer closes it; a writer killed mid-write leaves nothing in the namespace, the store or the
// workers. Also the cache controls that ride on the same path: load, pin, read-ahead, and the
// client's metadata cache.
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpc/channel.h"
#include "client/context.h"
#include "client/file_reader.h"
#include "client/file_writer.h"
#include "harness/master_cluster.h"
#include "rpc/status_convert.h"
#include "testing/random_bytes.h"
#include "worker.grpc.pb.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kPage = 1 << 20;

class WorkerWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_.path()}).exit_code, 0);
    for (int i = 0; i < 3; ++i) {
      workers_.push_back(std::make_unique<WorkerUnderTest>(master_));
      ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
    }
    conf_ = std::make_unique<Configuration>(*Configuration::load("", confArgs({})));
    ctx_ = std::make_unique<client::Context>(*conf_);
    mc_ = &ctx_->master();
    reader_ = &ctx_->reader();
  }

  std::vector<std::string> confArgs(std::vector<std::string> extra) {
    extra.push_back("shoal.master.rpc.port=" + std::to_string(master_.port()));
    extra.push_back("shoal.user.short.circuit.enabled=false");
    return extra;
  }

  Result<proto::FileInfo> write(const std::string& path, const std::string& data, proto::WriteType type) {
    auto w = ctx_->createFile(path, {type, {}, true});
    if (!w) return makeError(w.error());
    // Odd-sized writes so pages are filled across calls.
    for (size_t pos = 0; pos < data.size(); pos += 300'001) {
      Status st = (*w)->write({data.data() + pos, std::min<size_t>(300'001, data.size() - pos)});
      if (!st) return makeError(st);
    }
    return (*w)->close();
  }

  std::string readAll(const std::string& path) {
    auto f = mc_->getStatus(path, 0);
    if (!f) return "<" + f.error().toString() + ">";
    std::string out(f->size(), '\0');
    auto n = reader_->pread(*f, 0, {out.data(), out.size()});
    if (!n) return "<" + n.error().toString() + ">";
    return out;
  }

  std::string inStore(const std::string& rel) {
    std::ifstream in(store_.sub(rel), std::ios::binary);
    if (!in) return "<absent>";
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  uint64_t total(const std::function<uint64_t(const proto::WorkerStatsResponse&)>& f) {
    uint64_t sum = 0;
    for (auto& w : workers_) sum += f(workerStats(w->address()));
    return sum;
  }
  uint64_t storeReads() { return total([](const auto& s) { return s.store_reads(); }); }
  uint64_t cachedPages() { return total([](const auto& s) { return s.tiers(0).pages(); }); }

  // Every cached page index of the file, over all workers.
  std::set<uint64_t> cachedIndexes(uint64_t file_id) {
    std::set<uint64_t> out;
    for (auto& w : workers_) {
      auto stub = proto::WorkerService::NewStub(rpc::makeChannel(w->address()));
      grpc::ClientContext ctx;
      proto::FilePagesRequest req;
      req.set_file_id(file_id);
      proto::FilePagesResponse resp;
      EXPECT_TRUE(stub->ListFilePages(&ctx, req, &resp).ok());
      out.insert(resp.pages().begin(), resp.pages().end());
    }
    return out;
  }

  TempDir store_{"shoal-write-store"};
  MasterUnderTest master_{{"shoal.master.file.write.lease=2s", "shoal.master.worker.timeout=3s"}};
  std::vector<std::unique_ptr<WorkerUnderTest>> workers_;
  std::unique_ptr<Configuration> conf_;
  std::unique_ptr<client::Context> ctx_;
  stubs::MasterClient* mc_ = nullptr;
  client::FileReader* reader_ = nullptr;
};

TEST_F(WorkerWriteTest, EachWriteTypeStoresWhereItPromisesAndReadsBack) {
  const std::string data = randomBytes(5 * kPage + 4321, 11);
  for (auto type : {proto::MUST_CACHE, proto::CACHE_THROUGH, proto::THROUGH}) {
    std::string name = proto::WriteType_Name(type);
    std::string path = "/data/w/" + name + ".bin";
    uint64_t pages_before = cachedPages();
    auto info = write(path, data, type);
    ASSERT_TRUE(info) << name << ": " << info.error().toString();
    EXPECT_TRUE(info->complete());
    EXPECT_EQ(info->size(), data.size());
    EXPECT_EQ(info->persisted(), type != proto::MUST_CACHE) << name;
    EXPECT_EQ(inStore("w/" + name + ".bin"), type == proto::MUST_CACHE ? "<absent>" : data) << name;
    EXPECT_EQ(cachedPages() - pages_before, type == proto::THROUGH ? 0u : 6u) << name;
    uint64_t reads_before = storeReads();
    ASSERT_TRUE(readAll(path) == data) << name;
    // Cached write types are read back from the workers; THROUGH data comes from the store.
    EXPECT_EQ(storeReads() - reads_before, type == proto::THROUGH ? 6u : 0u) << name;
  }
  // A persisted write survives a metadata sync unchanged (the store's mtime is the file's).
  auto before = mc_->getStatus("/data/w/CACHE_THROUGH.bin", 0);
  ASSERT_TRUE(before);
  uint64_t reads_before = storeReads();
  ASSERT_TRUE(readAll("/data/w/CACHE_THROUGH.bin") == data);
  EXPECT_EQ(storeReads(), reads_before) << "a sync must not have invalidated the written pages";
}

TEST_F(WorkerWriteTest, FileIsInvisibleUntilClosedAndPathsWithoutAStoreNeedMustCache) {
  auto w = ctx_->createFile("/data/open.bin", {});
  ASSERT_TRUE(w) << w.error().toString();
  std::string data = randomBytes(2 * kPage + 7, 3);
  ASSERT_TRUE((*w)->write({data.data(), data.size()}));
  EXPECT_EQ(mc_->getStatus("/data/open.bin", 0).error().code(), StatusCode::kNotFound);
  auto listing = mc_->listAll("/data", 0);
  ASSERT_TRUE(listing);
  for (const auto& e : *listing) EXPECT_NE(e.name(), "open.bin") << "a file being written is listed";
  EXPECT_EQ(inStore("open.bin"), "<absent>");
  auto second = ctx_->createFile("/data/open.bin", {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("being written"), std::string::npos) << second.error().toString();
  ASSERT_TRUE((*w)->close());
  EXPECT_TRUE(readAll("/data/open.bin") == data);

  // Outside every mount there is no store: CACHE_THROUGH is refused and leaves nothing behind.
  ASSERT_TRUE(mc_->createDirectory("/scratch", false));
  auto refused = write("/scratch/x.bin", data, proto::CACHE_THROUGH);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("MUST_CACHE"), std::string::npos) << refused.error().toString();
  EXPECT_EQ(mc_->listAll("/scratch", 0)->size(), 0u);
  auto kept = write("/scratch/x.bin", data, proto::MUST_CACHE);
  ASSERT_TRUE(kept) << kept.error().toString();
  EXPECT_TRUE(readAll("/scratch/x.bin") == data);
  // Freeing would lose a MUST_CACHE file: refused.
  auto freed = master_.cli({"fs", "free", "/scratch/x.bin"});
  EXPECT_EQ(freed.exit_code, 1);
  EXPECT_NE(freed.err.find("no store copy"), std::string::npos) << freed.err;
}

// The defect: a writer whose lease expired and whose file another writer then replaced removed the
// path when it gave up, deleting the other writer's finished file. It now removes only its own inode.
TEST_F(WorkerWriteTest, AnAbandonedWriterNeverRemovesTheFileThatReplacedIt) {
  std::string stale_data = randomBytes(kPage + 3, 21), fresh_data = randomBytes(kPage + 99, 22);
  for (auto type : {proto::MUST_CACHE, proto::CACHE_THROUGH}) {
    SCOPED_TRACE(proto::WriteType_Name(type));
    std::string path = "/data/lease-" + proto::WriteType_Name(type) + ".bin";
    auto stale = ctx_->createFile(path, {type, {}, true});
    ASSERT_TRUE(stale) << stale.error().toString();
    ASSERT_TRUE((*stale)->write({stale_data.data(), stale_data.size()}));
    // Until the lease (2 s here) runs out the path is busy; then a new writer takes it over.
    std::unique_ptr<client::FileWriter> fresh;
    ASSERT_TRUE(eventually([&] {
      auto w = ctx_->createFile(path, {type, {}, true});
      if (w) fresh = std::move(*w);
      return fresh != nullptr;
    }));
    ASSERT_TRUE(fresh->write({fresh_data.data(), fresh_data.size()}));
    ASSERT_TRUE(fresh->close());
    auto late = (*stale)->close();  // the stale writer finds its file replaced and gives up
    ASSERT_FALSE(late);
    EXPECT_TRUE(readAll(path) == fresh_data) << "the replacing writer's file must survive";
    if (type == proto::CACHE_THROUGH) {
      EXPECT_TRUE(inStore(path.substr(6)) == fresh_data);
    }
  }
}

TEST_F(WorkerWriteTest, WriterKilledMidWriteLeavesNothingBehind) {
  TempDir local("shoal-write-fifo");
  std::string fifo = local.sub("in.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ChildProcess writer;
  ASSERT_TRUE(writer.start({shoalBinary(), "fs", "copyFromLocal", fifo, "/data/half.bin",
                            "-Dshoal.master.rpc.port=" + std::to_string(master_.port())},
                           local.sub("writer.log")));
  int fd = ::open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string part = randomBytes(3 * kPage, 9);
  ASSERT_EQ(::write(fd, part.data(), part.size()), static_cast<ssize_t>(part.size()));
  // Mid-write: the workers hold the three pages sent so far (not yet committed).
  ASSERT_TRUE(eventually([&] { return cachedPages() >= 3; })) << "the writer never sent its pages";
  writer.stop(SIGKILL);
  ::close(fd);

  EXPECT_EQ(mc_->getStatus("/data/half.bin", 0).error().code(), StatusCode::kNotFound);
  std::vector<std::string> leftovers;
  for (const auto& e : fs::recursive_directory_iterator(store_.path())) leftovers.push_back(e.path().string());
  EXPECT_TRUE(leftovers.empty()) << "the store holds " << leftovers.front();
  EXPECT_TRUE(eventually([&] { return cachedPages() == 0; })) << "workers kept pages of a write never committed";
  // Once the dead writer's lease (2 s here) has run out, the path can be written again.
  std::string data = randomBytes(kPage + 5, 10);
  ASSERT_TRUE(eventually([&] { return write("/data/half.bin", data, proto::CACHE_THROUGH).has_value(); }));
  EXPECT_TRUE(readAll("/data/half.bin") == data);
  EXPECT_EQ(inStore("half.bin"), data);
}

TEST_F(WorkerWriteTest, CliCopiesInAndOutWithEveryWriteType) {
  TempDir local("shoal-write-local");
  std::string a = randomBytes(3 * kPage + 99, 21), b = randomBytes(1000, 22);
  local.write("tree/a.bin", a);
  local.write("tree/sub/b.bin", b);
  auto r = master_.cli({"fs", "copyFromLocal", local.sub("tree"), "/data/in"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inStore("in/a.bin"), a);
  EXPECT_EQ(inStore("in/sub/b.bin"), b);
  r = master_.cli({"fs", "cp", "file://" + local.sub("tree/a.bin"), "/data/mc.bin", "--write-type", "MUST_CACHE"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inStore("mc.bin"), "<absent>");
  r = master_.cli({"fs", "cp", "/data/mc.bin", "/data/copy.bin"}, {"shoal.user.file.writetype.default=THROUGH"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inStore("copy.bin"), a);
  r = master_.cli({"fs", "cp", "/data/mc.bin", "file://" + local.sub("out.bin")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(local.sub("out.bin"), std::ios::binary);
  EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == a);

  r = master_.cli({"fs", "cp", "file://" + local.sub("tree/a.bin"), "/data/x.bin", "--write-type", "SOMETIMES"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown write type 'SOMETIMES'"), std::string::npos) << r.err;
  r = master_.cli({"fs", "copyFromLocal", local.sub("nope"), "/data/x.bin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such local file"), std::string::npos) << r.err;
  r = master_.cli({"fs", "cp", "file://" + local.sub("tree/a.bin"), "/data/in/a.bin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exists"), std::string::npos) << r.err;
}

TEST_F(WorkerWriteTest, LoadCachesATreeWithProgressAndPinnedFilesSurviveEviction) {
  for (int i = 0; i < 20; ++i) store_.write(fmt::format("tree/f{}.bin", i), randomBytes(kPage / 2 + i, 100 + i));
  store_.write("tree/big.bin", randomBytes(9 * kPage, 200));
  auto r = master_.cli({"fs", "load", "/data/tree"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loaded 21/21 files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(100%)"), std::string::npos) << r.out;
  uint64_t reads = storeReads();
  EXPECT_EQ(reads, 29u) << "load reads each page from the store once";
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(readAll(fmt::format("/data/tree/f{}.bin", i)).starts_with("<"));
  ASSERT_FALSE(readAll("/data/tree/big.bin").starts_with("<"));
  EXPECT_EQ(storeReads(), reads) << "after load, reads are served from the workers";

  // Pin: the master tells every worker, and eviction then skips the file's pages.
  r = master_.cli({"fs", "pin", "/data/tree/big.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(mc_->getStatus("/data/tree/big.bin", 0)->pinned());
  ASSERT_TRUE(eventually([&] { return total([](const auto& s) { return s.pinned_files(); }) == 3; }));
  auto big = mc_->getStatus("/data/tree/big.bin", 0);
  EXPECT_EQ(cachedIndexes(big->id()).size(), 9u);
  r = master_.cli({"fs", "unpin", "/data/tree/big.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(mc_->getStatus("/data/tree/big.bin", 0)->pinned());
  ASSERT_TRUE(eventually([&] { return total([](const auto& s) { return s.pinned_files(); }) == 0; }));
  r = master_.cli({"fs", "pin", "/data/nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/data/nope: no such file"), std::string::npos) << r.err;
}

TEST_F(WorkerWriteTest, PinnedFileStaysWhenTheCacheOverflows) {
  // A separate one-worker cluster with a small cache.
  for (auto& w : workers_) w->kill9();
  workers_.clear();
  ASSERT_TRUE(eventually([&] {
    auto r = master_.cli({"fsadmin", "report"});
    return r.out.find("Live workers:    0\n") != std::string::npos;
  })) << master_.cli({"fsadmin", "report"}).out;
  workers_.push_back(std::make_unique<WorkerUnderTest>(master_, std::vector<std::string>{"shoal.worker.tier.mem.capacity=8MB"}));
  ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
  ctx_ = std::make_unique<client::Context>(*conf_);
  mc_ = &ctx_->master();
  reader_ = &ctx_->reader();
  std::string keep = randomBytes(4 * kPage, 1), other = randomBytes(16 * kPage, 2);
  store_.write("keep.bin", keep);
  store_.write("other.bin", other);
  ASSERT_EQ(master_.cli({"fs", "pin", "/data/keep.bin"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return workerStats(workers_[0]->address()).pinned_files() == 1; }));
  ASSERT_TRUE(readAll("/data/keep.bin") == keep);
  for (int pass = 0; pass < 2; ++pass) ASSERT_TRUE(readAll("/data/other.bin") == other);
  uint64_t reads = storeReads();
  ASSERT_TRUE(readAll("/data/keep.bin") == keep);
  EXPECT_EQ(storeReads(), reads) << "a pinned file's pages were evicted";
  EXPECT_EQ(cachedIndexes(mc_->getStatus("/data/keep.bin")->id()).size(), 4u);
}

TEST_F(WorkerWriteTest, SequentialReadersGetTheNextPagesCachedAhead) {
  store_.write("seq.bin", randomBytes(16 * kPage, 5));
  auto conf = Configuration::load("", confArgs({"shoal.user.file.readahead.pages=4"}));
  client::Context reader_ctx(*conf);
  client::FileReader& reader = reader_ctx.reader();
  auto f = mc_->getStatus("/data/seq.bin");
  ASSERT_TRUE(f);
  std::string buf(kPage, '\0');
  ASSERT_TRUE(reader.pread(*f, 0, {buf.data(), buf.size()}));
  ASSERT_TRUE(reader.pread(*f, kPage, {buf.data(), buf.size()}));
  // The second read continued the first: pages 2-5 are asked for in the background.
  EXPECT_TRUE(eventually([&] { return cachedIndexes(f->id()) == std::set<uint64_t>{0, 1, 2, 3, 4, 5}; }));
  EXPECT_EQ(reader.counters().readahead_requests.load(), 1u);
}

TEST_F(WorkerWriteTest, PassiveCachingCopiesRemotePagesToThisHostsWorker) {
  // Three "hosts": workers on 127.0.0.1, .2 and .3; this client says it runs on 127.0.0.2.
  for (auto& w : workers_) w->kill9();
  workers_.clear();
  ASSERT_TRUE(eventually([&] { return master_.cli({"fsadmin", "report"}).out.find("Live workers:    0\n") != std::string::npos; }));
  for (int i = 1; i <= 3; ++i) {
    workers_.push_back(std::make_unique<WorkerUnderTest>(
        master_, std::vector<std::string>{fmt::format("shoal.worker.hostname=127.0.0.{}", i)}));
    ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
  }
  WorkerUnderTest& local = *workers_[1];
  const std::string data = randomBytes(12 * kPage + 77, 8);
  store_.write("p.bin", data);
  auto read = [&](const std::vector<std::string>& extra, client::ReaderCounters* out) {
    // Short-circuit stays on: the passive path reads this host's copies through it.
    std::vector<std::string> args{"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                  "shoal.user.hostname=127.0.0.2"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto on = Configuration::load("", args);
    client::Context reader_ctx(*on);
    client::FileReader& reader = reader_ctx.reader();
    auto f = mc_->getStatus("/data/p.bin");
    std::string back(f->size(), '\0');
    auto n = reader.pread(*f, 0, {back.data(), back.size()});
    EXPECT_TRUE(n) << n.error().toString();
    out->passive_copies = reader.counters().passive_copies.load();
    out->passive_hits = reader.counters().passive_hits.load();
    return back;
  };
  auto id = mc_->getStatus("/data/p.bin")->id();
  auto localPages = [&] {
    auto stub = proto::WorkerService::NewStub(rpc::makeChannel(local.address()));
    grpc::ClientContext ctx;
    proto::FilePagesRequest req;
    req.set_file_id(id);
    proto::FilePagesResponse resp;
    EXPECT_TRUE(stub->ListFilePages(&ctx, req, &resp).ok());
    return static_cast<uint64_t>(resp.pages_size());
  };
  client::ReaderCounters c;
  ASSERT_TRUE(read({}, &c) == data);
  uint64_t owned_here = localPages();
  ASSERT_LT(owned_here, 13u);
  EXPECT_EQ(c.passive_copies.load(), 0u) << "passive caching is off by default";

  ASSERT_TRUE(read({"shoal.user.file.passive.cache.enabled=true"}, &c) == data);
  EXPECT_EQ(c.passive_copies.load(), 13 - owned_here) << "every page served from another host is copied here";
  EXPECT_EQ(localPages(), 13u);
  uint64_t reads = storeReads();
  ASSERT_TRUE(read({"shoal.user.file.passive.cache.enabled=true"}, &c) == data);
  EXPECT_EQ(c.passive_hits.load(), 13 - owned_here) << "the copies are read on this host";
  EXPECT_EQ(c.passive_copies.load(), 0u);
  EXPECT_EQ(storeReads(), reads);
}

TEST_F(WorkerWriteTest, MetadataCacheServesRepeatsAndForgetsOwnChanges) {
  store_.write("meta.txt", "one");
  auto conf = Configuration::load("", confArgs({"shoal.user.metadata.cache.expiration=1h"}));
  stubs::MasterClient cached(*conf);
  ASSERT_TRUE(cached.getStatus("/data/meta.txt"));
  ASSERT_TRUE(cached.getStatus("/data/meta.txt"));
  EXPECT_EQ(cached.metadataCacheHits(), 1u);
  // Its own rename drops both names at once.
  ASSERT_TRUE(cached.rename("/data/meta.txt", "/data/meta2.txt"));
  EXPECT_EQ(cached.getStatus("/data/meta.txt").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(cached.getStatus("/data/meta2.txt"));
  // Another client's change shows once the entry expires (100 ms here).
  auto short_conf = Configuration::load("", confArgs({"shoal.user.metadata.cache.expiration=100ms"}));
  stubs::MasterClient brief(*short_conf);
  ASSERT_NE(brief.getStatus("/data/meta2.txt")->mode(), 0600u);
  ASSERT_TRUE(mc_->setAttribute("/data/meta2.txt", 0600, std::nullopt, std::nullopt, false));
  EXPECT_TRUE(eventually([&] { return brief.getStatus("/data/meta2.txt")->mode() == 0600u; }));
}

TEST_F(WorkerWriteTest, BadWriteStreamsGetClearErrors) {
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(workers_[0]->address()));
  auto send = [&](std::vector<proto::WritePagesRequest> msgs) {
    grpc::ClientContext ctx;
    proto::WritePagesResponse resp;
    auto w = stub->WritePages(&ctx, &resp);
    for (auto& m : msgs) {
      if (!w->Write(m)) break;
    }
    w->WritesDone();
    return rpc::fromGrpc(w->Finish(), "worker");
  };
  proto::WritePagesRequest page;
  page.set_file_id(77);
  page.set_path("/x");
  page.set_page_size(kPage);
  page.set_index(3);
  page.set_data("abc");
  proto::WritePagesRequest commit;
  commit.set_commit(true);
  commit.set_file_size(10);
  commit.set_mtime_ms(1);

  auto wrong_size = page;
  wrong_size.set_page_size(4096);
  Status st = send({wrong_size});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("page size 4096 differs"), std::string::npos) << st.toString();
  st = send({page, commit});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("past the committed size 10"), std::string::npos) << st.toString();
  auto no_id = page;
  no_id.set_file_id(0);
  EXPECT_EQ(send({no_id}).code(), StatusCode::kInvalidArgument);
  st = send({page});
  EXPECT_NE(st.message().find("before committing"), std::string::npos) << st.toString();
  EXPECT_TRUE(eventually([&] { return cachedPages() == 0; })) << "refused or abandoned pages were kept";

  // The master refuses to complete a file with someone else's id.
  auto made = mc_->createFile("/data/c.bin", false, false);
  ASSERT_TRUE(made);
  auto wrong = mc_->completeFile("/data/c.bin", 0, false, made->id() + 1);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.error().message().find("replaced"), std::string::npos) << wrong.error().toString();
}

}  // namespace
}  // namespace shoal::testing
