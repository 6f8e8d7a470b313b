// The s3:// backend against the shared conformance suite on the test Ceph's radosgw, plus its
// mount-time errors and its large-file (multipart) path.
#include "ufs/s3/s3_ufs.h"

#include <arpa/inet.h>
#include <atomic>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <fmt/format.h>
#include <unistd.h>

#include "testing/free_port.h"
#include "testing/random_bytes.h"
#include "testing/test_ceph.h"
#include "ufs/testing/ufs_conformance.h"

namespace shoal::ufs::testing {
namespace {

constexpr const char* kBucket = "shoal-conformance";

UfsOptions rgwOptions(const shoal::testing::TestCeph& ceph) {
  return {{"s3.endpoint", ceph.s3Endpoint()},
          {"s3.access.key", ceph.get("AWS_ACCESS_KEY_ID")},
          {"s3.secret.key", ceph.get("AWS_SECRET_ACCESS_KEY")}};
}

// Creates the bucket once per process (an existing one of ours is fine).
bool ensureBucket(const shoal::testing::TestCeph& ceph, const std::string& bucket) {
  S3Client client(S3Config{.uri = "s3://" + bucket, .bucket = bucket, .endpoint = ceph.s3Endpoint(),
                           .region = "us-east-1", .access_key = ceph.get("AWS_ACCESS_KEY_ID"),
                           .secret_key = ceph.get("AWS_SECRET_ACCESS_KEY")});
  auto r = client.send(S3Request{.method = "PUT", .key = ""});
  if (!r) {
    ADD_FAILURE() << r.error().toString();
    return false;
  }
  if (r->status != 200 && r->status != 409) {
    ADD_FAILURE() << "create bucket: HTTP " << r->status << " " << r->body;
    return false;
  }
  return true;
}

std::shared_ptr<Ufs> makeS3() {
  auto ceph = shoal::testing::testCeph();
  if (!ceph) return nullptr;  // not run by CTest: skipped
  if (!ensureBucket(*ceph, kBucket)) return nullptr;
  static std::atomic<int> seq{0};
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto ufs = registry.create(fmt::format("s3://{}/conformance-{}-{}", kBucket, ::getpid(), seq++), rgwOptions(*ceph));
  if (!ufs) ADD_FAILURE() << ufs.error().toString();
  return ufs ? *ufs : nullptr;
}

// An S3 endpoint scripted per request: `answer` gets the request line ("POST /bucket/key?uploads
// HTTP/1.1") and returns the status and body. Request bodies are read whole (by Content-Length).
class ScriptedS3 {
 public:
  using Answer = std::function<std::pair<int, std::string>(const std::string& request_line)>;
  explicit ScriptedS3(Answer answer) : answer_(std::move(answer)) {
    fd_ = shoal::testing::boundLoopbackSocket(&port_);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedS3() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[1 << 16];
      size_t header_end;
      while ((header_end = req.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      if (header_end == std::string::npos) {
        ::close(c);
        continue;
      }
      std::string lower = req.substr(0, header_end);
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      size_t cl = lower.find("content-length:");
      size_t want = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15));
      if (lower.find("expect: 100-continue") != std::string::npos) {
        (void)::send(c, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL);
      }
      while (req.size() - header_end - 4 < want) {
        ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      std::string line = req.substr(0, req.find("\r\n"));
      {
        std::lock_guard lock(mu_);
        seen_.push_back(line);
      }
      auto [status, body] = answer_(line);
      std::string resp = fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\nETag: \"e\"\r\nConnection: close\r\n\r\n{}",
                                     status, body.size(), body);
      (void)::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  Answer answer_;
  int fd_;
  int port_;
  std::mutex mu_;
  std::vector<std::string> seen_;  // guarded by mu_
  std::thread thread_;
};

// An HTTP endpoint on 127.0.0.1 that answers each request with the next scripted status (the last
// one repeats) and closes the connection: what a throttling or failing S3 service looks like on
// the wire, to check which answers the client retries. Counts the requests it saw.
class ScriptedEndpoint {
 public:
  explicit ScriptedEndpoint(std::vector<int> statuses)
      : statuses_(std::move(statuses)), s3_([this](const std::string&) { return next(); }) {}
  std::string url() const { return s3_.url(); }
  int requests() const { return requests_; }

 private:
  std::pair<int, std::string> next() {
    int status = statuses_[std::min<size_t>(requests_, statuses_.size() - 1)];
    ++requests_;
    std::string body = status == 200 ? "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"
                                     : "<Error><Code>" + std::string(status == 403 ? "AccessDenied" : "SlowDown") +
                                           "</Code><Message>scripted</Message></Error>";
    return {status, body};
  }
  std::vector<int> statuses_;
  std::atomic<int> requests_{0};
  ScriptedS3 s3_;  // last: it calls next() from its thread, which needs the members above
};

TEST(S3Retries, ThrottlingAndServerErrorsAreRetriedClientErrorsAreNot) {
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto mount = [&](const ScriptedEndpoint& e) {
    return registry.create("s3://bucket", {{"s3.endpoint", e.url()}, {"s3.access.key", "k"}, {"s3.secret.key", "s"}});
  };
  {
    ScriptedEndpoint e({503, 500, 429, 200});  // recovers on the fourth attempt
    auto r = mount(e);
    EXPECT_TRUE(r) << r.error().toString();
    EXPECT_EQ(e.requests(), 4);
  }
  {
    ScriptedEndpoint e({503});  // never recovers: 1 attempt + 4 retries, then the error
    auto r = mount(e);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
    EXPECT_NE(r.error().message().find("SlowDown"), std::string::npos) << r.error().message();
    EXPECT_EQ(e.requests(), 5);
  }
  {
    ScriptedEndpoint e({403, 200});  // a 4xx is final: no retry could fix it
    auto r = mount(e);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(e.requests(), 1);
  }
}

// Initiate and complete of a multipart upload are not idempotent: a complete whose answer was lost
// (a 500 after the store did it) is recognised by the upload being gone and the object being
// there, and is never sent blindly again; a 500 on initiate is not retried either.
TEST(S3Retries, ACompleteThatSucceededBeforeItsErrorIsRecognisedAndNotResent) {
  bool completed = false;
  int completes = 0, initiates = 0;
  ScriptedS3 s3([&](const std::string& line) -> std::pair<int, std::string> {
    if (line.starts_with("GET /bucket?") || line.starts_with("GET /bucket/?") || line.starts_with("GET /bucket ")) {
      return {200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"};
    }
    if (line.starts_with("HEAD ")) return {completed ? 200 : 404, ""};
    if (line.starts_with("POST ") && line.find("uploads") != std::string::npos) {
      ++initiates;
      return {200, "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>"};
    }
    if (line.starts_with("PUT ")) return {200, ""};
    if (line.starts_with("POST ") && line.find("uploadId=U1") != std::string::npos) {
      ++completes;
      completed = true;  // the store did it ...
      return {500, "<Error><Code>InternalError</Code><Message>lost answer</Message></Error>"};  // ... then failed
    }
    if (line.starts_with("GET ") && line.find("uploadId=U1") != std::string::npos) {
      return {completed ? 404 : 200, completed ? "<Error><Code>NoSuchUpload</Code></Error>" : "<ListPartsResult/>"};
    }
    return {400, "<Error><Code>Unexpected</Code></Error>"};
  });
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto ufs = registry.create("s3://bucket", {{"s3.endpoint", s3.url()}, {"s3.access.key", "k"}, {"s3.secret.key", "s"},
                                             {"s3.multipart.part.size", "5MiB"}});
  ASSERT_TRUE(ufs) << ufs.error().toString();
  auto out = (*ufs)->create("/big.bin", CreateOptions{0644, true});
  ASSERT_TRUE(out) << out.error().toString();
  std::string data((5 << 20) + 10, 'x');
  ASSERT_TRUE((*out)->write({data.data(), data.size()}).isOk());
  Status st = (*out)->close();
  EXPECT_TRUE(st.isOk()) << st.toString();
  EXPECT_EQ(completes, 1) << "the complete must not be sent again once it is known to have happened";
  EXPECT_EQ(initiates, 1);
}

INSTANTIATE_TEST_SUITE_P(S3, UfsConformance, ::testing::Values(UfsTarget{"s3", makeS3}),
                         [](const auto& info) { return info.param.name; });

class S3UfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ceph_ = shoal::testing::testCeph();
    if (!ceph_) GTEST_SKIP() << "run by CTest with the test Ceph";
    ASSERT_TRUE(ensureBucket(*ceph_, kBucket));
    registerBuiltinUfs(registry_);
  }
  std::optional<shoal::testing::TestCeph> ceph_;
  UfsRegistry registry_;
};

TEST_F(S3UfsTest, WrongKeysMissingBucketAndDeadEndpointAreMountTimeErrors) {
  UfsOptions bad_secret = rgwOptions(*ceph_);
  bad_secret["s3.secret.key"] = "not-the-secret-at-all";
  auto r = registry_.create(std::string("s3://") + kBucket, bad_secret);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied) << r.error().toString();
  EXPECT_NE(r.error().message().find("access denied"), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message().find("not-the-secret-at-all"), std::string::npos) << "the secret leaked into a message";

  UfsOptions bad_key = rgwOptions(*ceph_);
  bad_key["s3.access.key"] = "NOSUCHKEY";
  r = registry_.create(std::string("s3://") + kBucket, bad_key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied) << r.error().toString();

  r = registry_.create("s3://no-such-bucket-here/x", rgwOptions(*ceph_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("bucket does not exist"), std::string::npos) << r.error().message();

  UfsOptions dead = rgwOptions(*ceph_);
  dead["s3.endpoint"] = "http://127.0.0.1:1";
  r = registry_.create(std::string("s3://") + kBucket, dead);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.error().message().find("http://127.0.0.1:1"), std::string::npos) << r.error().message();
}

TEST_F(S3UfsTest, BadOptionsAreRefused) {
  auto check = [&](const std::string& uri, UfsOptions opts, const std::string& expect) {
    auto r = registry_.create(uri, opts);
    ASSERT_FALSE(r) << uri;
    EXPECT_NE(r.error().message().find(expect), std::string::npos) << r.error().message();
  };
  UfsOptions base = rgwOptions(*ceph_);
  check("s3:///nobucket", base, "names a bucket");
  auto with = [&](const std::string& k, const std::string& v) {
    UfsOptions o = base;
    o[k] = v;
    return o;
  };
  check(std::string("s3://") + kBucket, with("s3.path.style", "maybe"), "s3.path.style");
  check(std::string("s3://") + kBucket, with("s3.multipart.part.size", "1KiB"), "s3.multipart.part.size");
  check(std::string("s3://") + kBucket, with("s3.endpoint", "ftp://x"), "must start with http");
  check(std::string("s3://") + kBucket, with("s3.colour", "red"), "unknown mount option 's3.colour'");
}

TEST_F(S3UfsTest, LargeFilesGoUpInPartsAndReadBackByRanges) {
  UfsOptions opts = rgwOptions(*ceph_);
  opts["s3.multipart.part.size"] = "5MiB";
  auto ufs = registry_.create(fmt::format("s3://{}/multipart-{}", kBucket, ::getpid()), opts);
  ASSERT_TRUE(ufs) << ufs.error().toString();
  std::string data = shoal::testing::randomBytes(13 << 20, 7);
  auto out = (*ufs)->create("/big", CreateOptions{});
  ASSERT_TRUE(out);
  for (size_t off = 0; off < data.size(); off += 1 << 20) {
    ASSERT_TRUE((*out)->write({data.data() + off, std::min<size_t>(1 << 20, data.size() - off)}).isOk());
  }
  EXPECT_FALSE((*ufs)->getStatus("/big")) << "visible before close";
  ASSERT_TRUE((*out)->close().isOk());
  auto st = (*ufs)->getStatus("/big");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, data.size());
  std::string back(data.size(), '\0');
  for (size_t off = 0; off < data.size(); off += 3 << 20) {
    size_t n = std::min<size_t>(3 << 20, data.size() - off);
    auto r = (*ufs)->readIfUnchanged("/big", st->size, st->mtime_ms, off, {back.data() + off, n});
    ASSERT_TRUE(r) << r.error().toString();
    ASSERT_EQ(*r, n);
  }
  EXPECT_TRUE(back == data);
  auto stale = (*ufs)->readIfUnchanged("/big", st->size + 1, st->mtime_ms, 0, {back.data(), 10});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), StatusCode::kFailedPrecondition);

  // A cancelled multipart upload leaves no object.
  auto cancelled = (*ufs)->create("/cancelled", CreateOptions{});
  ASSERT_TRUE(cancelled);
  ASSERT_TRUE((*cancelled)->write({data.data(), 6 << 20}).isOk());
  (*cancelled)->cancel();
  EXPECT_EQ((*ufs)->getStatus("/cancelled").error().code(), StatusCode::kNotFound);
  ASSERT_TRUE((*ufs)->remove("/big", false).isOk());
}

TEST_F(S3UfsTest, KeysWithSpacesAndUnicodeRoundTrip) {
  auto ufs = registry_.create(fmt::format("s3://{}/names-{}", kBucket, ::getpid()), rgwOptions(*ceph_));
  ASSERT_TRUE(ufs) << ufs.error().toString();
  const std::string name = "/dir with space/f+ü=x&y.txt";
  ASSERT_TRUE((*ufs)->mkdirs("/dir with space", 0755).isOk());
  auto out = (*ufs)->create(name, CreateOptions{});
  ASSERT_TRUE(out);
  ASSERT_TRUE((*out)->write({"hello", 5}).isOk());
  ASSERT_TRUE((*out)->close().isOk());
  auto l = (*ufs)->list("/dir with space");
  ASSERT_TRUE(l) << l.error().toString();
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].name, "f+ü=x&y.txt");
  char buf[8];
  auto n = (*ufs)->read(name, 0, {buf, 8});
  ASSERT_TRUE(n) << n.error().toString();
  EXPECT_EQ(std::string(buf, *n), "hello");
}

}  // namespace
}  // namespace shoal::ufs::testing
