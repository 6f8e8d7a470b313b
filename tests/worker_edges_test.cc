// A worker's edges under hostile input, with real processes: a peer on the data port, on gRPC
// (ReadPages, WritePages) or on the short-circuit socket names a path that climbs out of the mount
// ("/../outside.txt") or is otherwise not a Shoal path. Each edge refuses it with InvalidArgument
// naming the cause, no byte or fact of the file outside the store reaches the peer, and the worker
// keeps serving honest reads on the same connection.
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc/channel.h"
#include "common/fd_passing.h"
#include "stubs/data_client.h"
#include "stubs/read_request.h"
#include "stubs/short_circuit_reader.h"
#include "stubs/worker_registry_client.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"
#include "worker.grpc.pb.h"

namespace shoal::testing {
namespace {

class WorkerEdgesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = "secret bytes outside the store root: " + randomBytes(4000, 3);
    top_.write("outside.txt", secret_);
    inside_ = randomBytes(100000, 4);
    top_.write("store/inside.txt", inside_);
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/", "file://" + top_.sub("store")}).exit_code, 0);
    ASSERT_TRUE(worker_.start()) << worker_.log();
    stubs::WorkerRegistryClient registry(master_.address(), 5000);
    auto ws = registry.workers(false);
    ASSERT_TRUE(ws && ws->size() == 1);
    info_ = ws->front();
    auto f = master_.client().getStatus("/inside.txt");
    ASSERT_TRUE(f) << f.error().toString();
    file_ = *f;
    struct stat st;
    ASSERT_EQ(::stat(top_.sub("outside.txt").c_str(), &st), 0);
    secret_mtime_ms_ = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  }

  // A request for the file outside the root, with its true size and mtime (the attacker's guess
  // may be right: it must not matter).
  proto::ReadRequest hostile(const std::string& path) const {
    proto::ReadRequest req;
    req.set_file_id(file_.id());
    req.set_path(path);
    req.set_file_size(secret_.size());
    req.set_mtime_ms(secret_mtime_ms_);
    req.set_offset(0);
    req.set_length(secret_.size());
    req.set_cache(true);
    return req;
  }
  proto::ReadRequest honest() const {
    proto::ReadRequest req;
    req.set_file_id(file_.id());
    req.set_path(file_.path());
    req.set_file_size(file_.size());
    req.set_mtime_ms(file_.mtime_ms());
    req.set_offset(0);
    req.set_length(file_.size());
    return req;
  }
  void expectRefused(const std::string& message, const std::string& why) const {
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_EQ(message.find(std::to_string(secret_.size())), std::string::npos) << "leaks the size: " << message;
    EXPECT_EQ(message.find("secret bytes"), std::string::npos) << message;
  }

  static std::vector<std::pair<std::string, std::string>> hostilePaths() {
    return {{"/../outside.txt", "contains '..'"},
            {"/./../outside.txt", "contains '.'"},
            {"//../outside.txt", "empty component"},
            {"../outside.txt", "not absolute"},
            {std::string("/inside.txt") + '\0' + "x", "control character 0x00"},
            {"/in\nside.txt", "control character 0x0a"},
            {"", "empty path"}};
  }

  TempDir top_{"shoal-edges"};
  std::string secret_;
  int64_t secret_mtime_ms_ = 0;
  std::string inside_;
  MasterUnderTest master_;
  WorkerUnderTest worker_{master_};
  proto::WorkerInfo info_;
  proto::FileInfo file_;
};

TEST_F(WorkerEdgesTest, DataPortRefusesPathsOutsideTheNamespaceAndKeepsServing) {
  stubs::DataClient data(5000);
  std::string address = fmt::format("127.0.0.1:{}", info_.data_port());
  for (const auto& [path, why] : hostilePaths()) {
    for (int attempt = 0; attempt < 2; ++attempt) {  // the second try once found the bytes
      std::string out(secret_.size(), '\0');
      bool unreachable = true;
      Status st = data.read(address, hostile(path), out.data(), &unreachable);
      ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << path << ": " << st.toString();
      EXPECT_FALSE(unreachable) << "an answer, not a dropped connection";
      expectRefused(st.message(), why);
      EXPECT_EQ(out.find("secret bytes"), std::string::npos);
    }
  }
  std::string out(file_.size(), '\0');
  bool unreachable = false;
  ASSERT_TRUE(data.read(address, honest(), out.data(), &unreachable).isOk());
  EXPECT_TRUE(out == inside_);
}

TEST_F(WorkerEdgesTest, ReadPagesRefusesPathsOutsideTheNamespace) {
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(worker_.address()));
  for (const auto& [path, why] : hostilePaths()) {
    grpc::ClientContext ctx;
    auto r = stub->ReadPages(&ctx, hostile(path));
    proto::ReadChunk c;
    std::string got;
    while (r->Read(&c)) got += c.data();
    auto st = r->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path << ": " << st.error_message();
    expectRefused(st.error_message(), why);
    EXPECT_TRUE(got.empty()) << path << " returned " << got.size() << " bytes";
  }
  grpc::ClientContext ctx;
  auto r = stub->ReadPages(&ctx, honest());
  proto::ReadChunk c;
  std::string got;
  while (r->Read(&c)) got += c.data();
  ASSERT_TRUE(r->Finish().ok());
  EXPECT_TRUE(got == inside_);
}

TEST_F(WorkerEdgesTest, ShortCircuitRefusesPathsOutsideTheNamespace) {
  ASSERT_FALSE(info_.domain_socket().empty()) << "the worker should offer short-circuit";
  stubs::ShortCircuitReader sc;
  const uint64_t page_size = 1 << 20;
  for (const auto& [path, why] : hostilePaths()) {
    proto::FileInfo f;
    f.set_id(file_.id());
    f.set_path(path);
    f.set_size(secret_.size());
    f.set_mtime_ms(secret_mtime_ms_);
    std::string out(secret_.size(), '\0');
    Status st = sc.read(info_.domain_socket(), f, page_size, 0, 0, {out.data(), out.size()});
    ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << path << ": " << st.toString();
    expectRefused(st.message(), why);
    EXPECT_EQ(out.find("secret bytes"), std::string::npos);
  }
  std::string out(file_.size(), '\0');
  ASSERT_TRUE(sc.read(info_.domain_socket(), file_, page_size, 0, 0, {out.data(), out.size()}).isOk());
  EXPECT_TRUE(out == inside_);
}

TEST_F(WorkerEdgesTest, WritePagesRefusesBadPathsAndPageIndexesThatOverflow) {
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(worker_.address()));
  auto send = [&](const std::string& path, uint64_t index) {
    grpc::ClientContext ctx;
    proto::WritePagesResponse resp;
    auto w = stub->WritePages(&ctx, &resp);
    proto::WritePagesRequest m;
    m.set_file_id(777);
    m.set_path(path);
    m.set_index(index);
    m.set_page_size(1 << 20);
    m.set_data("planted");
    w->Write(m);
    w->WritesDone();
    return w->Finish();
  };
  auto st = send("/../outside.txt", 0);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("contains '..'"), std::string::npos) << st.error_message();
  // index × page size would wrap around to a small offset.
  st = send("/planted.bin", (uint64_t{1} << 44) + 1);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("beyond the largest file"), std::string::npos) << st.error_message();
  // Nothing of either stream is held by the worker, and it keeps serving.
  grpc::ClientContext ctx;
  proto::FilePagesRequest q;
  q.set_file_id(777);
  proto::FilePagesResponse pages;
  ASSERT_TRUE(stub->ListFilePages(&ctx, q, &pages).ok());
  EXPECT_EQ(pages.pages_size(), 0);
  stubs::DataClient data(5000);
  std::string out(file_.size(), '\0');
  bool unreachable = false;
  ASSERT_TRUE(data.read(fmt::format("127.0.0.1:{}", info_.data_port()), honest(), out.data(), &unreachable).isOk());
  EXPECT_TRUE(out == inside_);
}

// A batched read names many extents in one request. Honest extents come back in order over the
// data port and gRPC; extents that overlap, run backwards, are empty, end past the file, are too
// many, or come with an offset or a prefetch are refused naming the cause, and the worker keeps
// serving on the same connection.
TEST_F(WorkerEdgesTest, ExtentsComeBackInOrderAndBadOnesAreRefused) {
  auto with = [&](std::vector<std::pair<uint64_t, uint64_t>> extents) {
    proto::ReadRequest req = honest();
    req.set_offset(0);
    req.set_length(0);
    for (auto [off, len] : extents) {
      proto::Extent* e = req.add_extents();
      e->set_offset(off);
      e->set_length(len);
    }
    return req;
  };
  const std::vector<std::pair<uint64_t, uint64_t>> good{{10, 100}, {5000, 3}, {99990, 10}};
  std::string expect;
  for (auto [off, len] : good) expect += inside_.substr(off, len);
  stubs::DataClient data(5000);
  std::string address = fmt::format("127.0.0.1:{}", info_.data_port());
  std::string out(expect.size(), '\0');
  bool unreachable = true;
  ASSERT_TRUE(data.read(address, with(good), out.data(), &unreachable).isOk());
  EXPECT_TRUE(out == expect);
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(worker_.address()));
  auto grpcRead = [&](const proto::ReadRequest& req, std::string* got) {
    grpc::ClientContext ctx;
    auto r = stub->ReadPages(&ctx, req);
    proto::ReadChunk c;
    while (r->Read(&c)) *got += c.data();
    return r->Finish();
  };
  std::string got;
  ASSERT_TRUE(grpcRead(with(good), &got).ok());
  EXPECT_TRUE(got == expect);

  proto::ReadRequest with_offset = with(good);
  with_offset.set_offset(5);
  proto::ReadRequest prefetch = with(good);
  prefetch.set_prefetch(true);
  std::vector<std::pair<uint64_t, uint64_t>> too_many;
  for (uint64_t i = 0; i < 4097; ++i) too_many.emplace_back(i * 2, 1);
  const std::vector<std::pair<proto::ReadRequest, std::string>> bad{
      {with({{10, 100}, {50, 10}}), "overlaps"},
      {with({{500, 10}, {10, 10}}), "out of order"},
      {with({{10, 0}}), "empty"},
      {with({{99990, 11}}), "ends past the file"},
      {with({{~uint64_t{0} - 5, 10}}), "ends past the file"},
      {with(too_many), "at most 4096"},
      {with_offset, "names no offset or length"},
      {prefetch, "is no prefetch"}};
  for (const auto& [req, why] : bad) {
    std::string sink(stubs::requestedBytes(req), '\0');
    Status st = data.read(address, req, sink.data(), &unreachable);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << why << ": " << st.toString();
    EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
    EXPECT_FALSE(unreachable);
    std::string none;
    auto gs = grpcRead(req, &none);
    EXPECT_EQ(gs.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << why << ": " << gs.error_message();
    EXPECT_NE(gs.error_message().find(why), std::string::npos) << gs.error_message();
    EXPECT_TRUE(none.empty());
  }
  // The short-circuit socket opens one run of pages: extents are not for it.
  {
    int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(s, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", info_.domain_socket().c_str());
    ASSERT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_TRUE(sendMessage(s, with(good).SerializeAsString()).isOk());
    std::string bytes;
    std::vector<int> fds;
    ASSERT_TRUE(recvMessage(s, &bytes, &fds).isOk());
    EXPECT_TRUE(fds.empty());
    proto::ShortCircuitReply reply;
    ASSERT_TRUE(reply.ParseFromString(bytes));
    EXPECT_NE(reply.error_message().find("extents go to the data port"), std::string::npos) << reply.error_message();
    ::close(s);
  }
  out.assign(file_.size(), '\0');
  ASSERT_TRUE(data.read(address, honest(), out.data(), &unreachable).isOk());
  EXPECT_TRUE(out == inside_);
}

// A worker's host that is down answers no SYN; the client once waited for the kernel's connect
// retries (about two minutes) before reading elsewhere. A listener whose accept queue is full
// drops SYNs the same way, on loopback.
TEST(DataPortClient, GivesUpOnAPortThatNeverAcceptsWithinTheConnectTimeout) {
  int lsock = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(lsock, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lsock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(lsock, 0), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(lsock, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {  // never accepted: the queue fills and later SYNs are dropped
    int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)::connect(f, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    fillers.push_back(f);
  }
  stubs::DataClient data(60000, 300);
  proto::ReadRequest req;
  req.set_file_id(1);
  req.set_path("/x");
  req.set_file_size(10);
  req.set_length(10);
  std::string out(10, '\0');
  bool unreachable = false;
  Status st = data.read(fmt::format("127.0.0.1:{}", ntohs(addr.sin_port)), req, out.data(), &unreachable);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.toString();
  EXPECT_TRUE(unreachable) << "a worker that never answers is unreachable: the reader tries elsewhere";
  EXPECT_NE(st.message().find("timeout 300 ms"), std::string::npos) << st.toString();
  for (int f : fillers) ::close(f);
  ::close(lsock);
}

}  // namespace
}  // namespace shoal::testing
