// The S3 gateway with real clients: a master, a worker and `shoal proxy` on 127.0.0.1, driven by
// Debian's /usr/bin/aws (s3 and s3api) and curl. Bytes through S3 equal the bytes written, what
// S3 writes is what the Shoal CLI reads and the other way round, listings page with continuation
// tokens, and every bad request (wrong secret, unknown key, no signature, a bad range, a key with
// "..", a body that does not match its Content-MD5) gets S3's error and leaves nothing behind.
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>

#include "harness/master_cluster.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

constexpr const char* kAccess = "shoaltestkey";
constexpr const char* kSecret = "shoaltestsecret/with+odd=chars";

class S3GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    std::filesystem::create_directories(dir_.sub("store"));
    auto mounted = master_.cli({"fs", "mount", "/", "file://" + dir_.sub("store")});
    ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
    ASSERT_TRUE(worker_.start()) << worker_.log();
    std::string keys_file;
    if (master_keys_) {
      auto added = addKey(kAccess, kSecret);
      ASSERT_EQ(added.exit_code, 0) << added.err;
    } else {
      dir_.write("keys", fmt::format("# the gateway's keys\n{} {}\n", kAccess, kSecret));
      ::chmod(dir_.sub("keys").c_str(), 0600);
      keys_file = dir_.sub("keys");
    }
    port_ = freePort();
    std::vector<std::string> argv{shoalBinary(), "proxy", fmt::format("-Dshoal.master.rpc.port={}", master_.port()),
                                  fmt::format("-Dshoal.proxy.port={}", port_), "-Dshoal.proxy.bind.host=127.0.0.1",
                                  "-Dshoal.proxy.s3.keys.file=" + keys_file, "-Dshoal.log.dir=" + dir_.sub("logs"),
                                  "-Dshoal.proxy.multipart.expiry=" + multipart_expiry_,
                                  fmt::format("-Dshoal.proxy.web.port={}", proxy_web_port_)};
    argv.insert(argv.end(), proxy_extra_.begin(), proxy_extra_.end());
    ASSERT_TRUE(proxy_.start(argv, dir_.sub("proxy.log")));
    ASSERT_TRUE(eventually([&] { return aws({"s3api", "list-buckets"}).exit_code == 0; }, 60)) << proxyLog();
  }
  void TearDown() override { proxy_.stop(SIGTERM); }

  std::string proxyLog() const {
    std::ifstream in(dir_.sub("proxy.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  CommandResult aws(std::vector<std::string> args, const std::string& access = kAccess,
                    const std::string& secret = kSecret) {
    std::vector<std::string> argv{"/usr/bin/env", "AWS_ACCESS_KEY_ID=" + access, "AWS_SECRET_ACCESS_KEY=" + secret,
                                  "AWS_DEFAULT_REGION=us-east-1", "AWS_MAX_ATTEMPTS=1",
                                  "AWS_CONFIG_FILE=" + dir_.sub("no-aws-config"),
                                  "AWS_SHARED_CREDENTIALS_FILE=" + dir_.sub("no-aws-credentials"), "/usr/bin/aws",
                                  "--endpoint-url", fmt::format("http://127.0.0.1:{}", port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, 300);
  }
  // `shoal fsadmin s3 key add ACCESS` with the secret on standard input, as an operator types it.
  CommandResult addKey(const std::string& access, const std::string& secret) {
    return runCommand({"/usr/bin/env", "SECRET=" + secret, "/bin/sh", "-c",
                       "printf '%s\\n' \"$SECRET\" | \"$0\" fsadmin s3 key add \"$1\" -Dshoal.master.rpc.port=\"$2\"",
                       shoalBinary(), access, std::to_string(master_.port())});
  }
  std::string readLocal(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir dir_{"shoal-s3-it"};
  MasterUnderTest master_;
  WorkerUnderTest worker_{master_};
  ChildProcess proxy_;
  int port_ = 0;
  int proxy_web_port_ = freePort();
  std::string multipart_expiry_ = "7d";
  std::vector<std::string> proxy_extra_;
  bool master_keys_ = false;  // keys kept by the master instead of a keys file
};

TEST_F(S3GatewayTest, AwsCliCopiesSyncsListsAndRemovesTrees) {
  ASSERT_EQ(aws({"s3", "mb", "s3://datasets"}).exit_code, 0);
  std::map<std::string, std::string> tree{{"top.bin", randomBytes(3 << 20, 1)},
                                          {"a/one.txt", "one\n"},
                                          {"a/b/two.bin", randomBytes(70000, 2)},
                                          {"a-b/three", ""},
                                          {"z/deep/er/four", "4"}};
  for (const auto& [rel, data] : tree) dir_.write("up/" + rel, data);
  auto r = aws({"s3", "sync", dir_.sub("up"), "s3://datasets/tree"});
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  r = aws({"s3", "ls", "--recursive", "s3://datasets/tree/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> listed;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) listed.insert(line.substr(line.rfind(' ') + 1));
  std::set<std::string> expect;
  for (const auto& [rel, _] : tree) expect.insert("tree/" + rel);
  EXPECT_EQ(listed, expect);
  // Delimited listing: the common prefixes of the top level, in S3's order ("a-b/" before "a/").
  r = aws({"s3api", "list-objects-v2", "--bucket", "datasets", "--prefix", "tree/", "--delimiter", "/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> prefixes;
  for (const auto& p : j["CommonPrefixes"]) prefixes.push_back(p["Prefix"]);
  EXPECT_EQ(prefixes, (std::vector<std::string>{"tree/a-b/", "tree/a/", "tree/z/"}));
  ASSERT_EQ(j["Contents"].size(), 1u);
  EXPECT_EQ(j["Contents"][0]["Key"], "tree/top.bin");
  // The same bytes come back through S3 and through Shoal's own CLI.
  ASSERT_EQ(aws({"s3", "cp", "--recursive", "s3://datasets/tree", dir_.sub("down")}).exit_code, 0);
  for (const auto& [rel, data] : tree) {
    EXPECT_TRUE(readLocal(dir_.sub("down/" + rel)) == data) << rel;
    auto cat = master_.cli({"fs", "cat", "/datasets/tree/" + rel});
    EXPECT_TRUE(cat.out == data) << rel;
  }
  // The other way: a file written through Shoal is an object.
  dir_.write("from-cli.txt", "written by shoal fs copyFromLocal\n");
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("from-cli.txt"), "/datasets/from-cli.txt"}).exit_code, 0);
  r = aws({"s3", "cp", "s3://datasets/from-cli.txt", "-"});
  EXPECT_EQ(r.out, "written by shoal fs copyFromLocal\n") << r.err;
  // A bucket with objects is not removed; emptied, it is.
  r = aws({"s3", "rb", "s3://datasets"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("BucketNotEmpty"), std::string::npos) << r.err;
  ASSERT_EQ(aws({"s3", "rm", "--recursive", "s3://datasets/"}).exit_code, 0);
  r = aws({"s3", "ls", "--recursive", "s3://datasets/"});
  EXPECT_EQ(r.out, "");
}

TEST_F(S3GatewayTest, ObjectsKeepTheirMetadataRangesAndConditionsHold) {
  ASSERT_EQ(aws({"s3api", "create-bucket", "--bucket", "objs"}).exit_code, 0);
  std::string data = randomBytes(200000, 5);
  dir_.write("body", data);
  auto r = aws({"s3api", "put-object", "--bucket", "objs", "--key", "dir/obj.bin", "--body", dir_.sub("body"),
                "--content-type", "image/png", "--metadata", "origin=test,stage=one", "--cache-control",
                "max-age=3600", "--content-disposition", "attachment; filename=\"obj.bin\"", "--content-encoding",
                "identity", "--content-language", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  std::string etag = nlohmann::json::parse(r.out)["ETag"];
  r = aws({"s3api", "head-object", "--bucket", "objs", "--key", "dir/obj.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto head = nlohmann::json::parse(r.out);
  EXPECT_EQ(head["ETag"], etag);
  EXPECT_EQ(head["ContentLength"], 200000);
  EXPECT_EQ(head["ContentType"], "image/png");
  EXPECT_EQ(head["Metadata"]["origin"], "test");
  EXPECT_EQ(head["Metadata"]["stage"], "one");
  EXPECT_EQ(head["CacheControl"], "max-age=3600");
  EXPECT_EQ(head["ContentDisposition"], "attachment; filename=\"obj.bin\"");
  EXPECT_EQ(head["ContentEncoding"], "identity");
  EXPECT_EQ(head["ContentLanguage"], "en");
  // A response-* parameter overrides what was stored, for that answer only.
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--response-cache-control", "no-store",
           dir_.sub("whole")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["CacheControl"], "no-store");
  // The ETag is the body's MD5: the one md5sum computes.
  auto md5 = runCommand({"/usr/bin/md5sum", dir_.sub("body")});
  EXPECT_EQ(etag, "\"" + md5.out.substr(0, 32) + "\"");
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--range", "bytes=1000-1999",
           dir_.sub("part")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(readLocal(dir_.sub("part")) == data.substr(1000, 1000));
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--range", "bytes=-10", dir_.sub("tail")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(readLocal(dir_.sub("tail")) == data.substr(data.size() - 10));
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--range", "bytes=500000-", dir_.sub("x")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("InvalidRange"), std::string::npos) << r.err;
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--if-match", "\"nope\"", dir_.sub("x")});
  EXPECT_NE(r.err.find("PreconditionFailed"), std::string::npos) << r.err;
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "dir/obj.bin", "--if-none-match", etag, dir_.sub("x")});
  EXPECT_NE(r.err.find("304"), std::string::npos) << r.err;
  // Copy within the bucket keeps the metadata; REPLACE sets new.
  ASSERT_EQ(aws({"s3api", "copy-object", "--bucket", "objs", "--key", "copy.bin", "--copy-source", "objs/dir/obj.bin"})
                .exit_code, 0);
  r = aws({"s3api", "head-object", "--bucket", "objs", "--key", "copy.bin"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["Metadata"]["origin"], "test");
  EXPECT_EQ(nlohmann::json::parse(r.out)["ETag"], etag);
  ASSERT_EQ(aws({"s3", "cp", "s3://objs/copy.bin", dir_.sub("copy")}).exit_code, 0);
  EXPECT_TRUE(readLocal(dir_.sub("copy")) == data);
  // Rewritten through Shoal, the object's ETag is no longer the old MD5.
  dir_.write("other", "other bytes");
  ASSERT_EQ(master_.cli({"fs", "rm", "/objs/copy.bin"}).exit_code, 0);
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("other"), "/objs/copy.bin"}).exit_code, 0);
  r = aws({"s3api", "head-object", "--bucket", "objs", "--key", "copy.bin"});
  EXPECT_NE(nlohmann::json::parse(r.out)["ETag"], etag);
  EXPECT_EQ(nlohmann::json::parse(r.out)["ContentLength"], 11);
  // A missing key, a missing bucket.
  r = aws({"s3api", "head-object", "--bucket", "objs", "--key", "nothing"});
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  r = aws({"s3api", "get-object", "--bucket", "objs", "--key", "nothing", dir_.sub("x")});
  EXPECT_NE(r.err.find("NoSuchKey"), std::string::npos) << r.err;
  r = aws({"s3api", "list-objects-v2", "--bucket", "nobucket"});
  EXPECT_NE(r.err.find("NoSuchBucket"), std::string::npos) << r.err;
}

TEST_F(S3GatewayTest, ListingsPageWithTokensAndBatchDeletesReportEachKey) {
  ASSERT_EQ(aws({"s3", "mb", "s3://many"}).exit_code, 0);
  std::set<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    std::string rel = fmt::format("d{}/k{:02d}", i % 3, i);
    dir_.write("many/" + rel, std::to_string(i));
    keys.insert(rel);
  }
  ASSERT_EQ(aws({"s3", "sync", dir_.sub("many"), "s3://many"}).exit_code, 0);
  // Pages of 4: the CLI follows NextContinuationToken until the end.
  auto r = aws({"s3api", "list-objects-v2", "--bucket", "many", "--page-size", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> got;
  auto listing = nlohmann::json::parse(r.out);
  for (const auto& c : listing["Contents"]) got.push_back(c["Key"]);
  EXPECT_EQ(got, std::vector<std::string>(keys.begin(), keys.end())) << r.out << proxyLog();
  // start-after, and a forged token.
  r = aws({"s3api", "list-objects-v2", "--bucket", "many", "--start-after", "d1/k19"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["Contents"][0]["Key"], "d1/k22");
  r = aws({"s3api", "list-objects-v2", "--bucket", "many", "--continuation-token", "Zm9yZ2VkLXRva2VuLWZvcmdlZA=="});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("InvalidArgument"), std::string::npos) << r.err;
  // DeleteObjects: each key reported, missing ones deleted as S3 does.
  r = aws({"s3api", "delete-objects", "--bucket", "many", "--delete",
           "Objects=[{Key=d0/k00},{Key=d1/k01},{Key=no/such}]"});
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  EXPECT_EQ(nlohmann::json::parse(r.out)["Deleted"].size(), 3u);
  EXPECT_NE(master_.cli({"fs", "stat", "/many/d0/k00"}).exit_code, 0);
  EXPECT_EQ(master_.cli({"fs", "stat", "/many/d0/k03"}).exit_code, 0);
}

TEST_F(S3GatewayTest, MultipartUploadsAssembleInOrderAndStayOutOfListings) {
  ASSERT_EQ(aws({"s3", "mb", "s3://mpu"}).exit_code, 0);
  // The CLI splits files above 8 MiB into 8 MiB parts: 20 MiB is three.
  std::string big = randomBytes(20 << 20, 9);
  dir_.write("big", big);
  // What the gateway's client read, from its metrics: a Complete over a file:// store is joined
  // by the store (copy_file_range), so the parts are not read back through the gateway.
  auto gatewayRead = [&] {
    const std::string text = httpGet(proxy_web_port_, "/metrics");
    double sum = 0;
    for (size_t at = text.find("\nshoal_client_read_bytes_total{"); at != std::string::npos;
         at = text.find("\nshoal_client_read_bytes_total{", at + 1)) {
      sum += std::stod(text.substr(text.find("} ", at) + 2));
    }
    return sum;
  };
  const double read_before = gatewayRead();
  auto r = aws({"s3", "cp", dir_.sub("big"), "s3://mpu/big.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  EXPECT_LT(gatewayRead() - read_before, 1 << 20) << "the gateway read the parts back to assemble the object";
  r = aws({"s3api", "head-object", "--bucket", "mpu", "--key", "big.bin"});
  auto head = nlohmann::json::parse(r.out);
  EXPECT_EQ(head["ContentLength"], 20 << 20);
  EXPECT_TRUE(std::string(head["ETag"]).ends_with("-3\"")) << head["ETag"];
  ASSERT_EQ(aws({"s3", "cp", "s3://mpu/big.bin", dir_.sub("big.back")}).exit_code, 0);
  EXPECT_TRUE(readLocal(dir_.sub("big.back")) == big);
  EXPECT_TRUE(master_.cli({"fs", "cat", "/mpu/big.bin"}).out == big);
  // By hand: parts uploaded out of order, listed, completed in order.
  r = aws({"s3api", "create-multipart-upload", "--bucket", "mpu", "--key", "hand/made.bin", "--content-type", "text/x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string id = nlohmann::json::parse(r.out)["UploadId"];
  std::string p1 = randomBytes(5 << 20, 10), p2 = "the last part may be small";
  dir_.write("p1", p1);
  dir_.write("p2", p2);
  auto part = [&](int n, const std::string& file) {
    auto out = aws({"s3api", "upload-part", "--bucket", "mpu", "--key", "hand/made.bin", "--upload-id", id,
                    "--part-number", std::to_string(n), "--body", dir_.sub(file)});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    return std::string(nlohmann::json::parse(out.out)["ETag"]);
  };
  std::string e2 = part(2, "p2"), e1 = part(1, "p1");
  r = aws({"s3api", "list-parts", "--bucket", "mpu", "--key", "hand/made.bin", "--upload-id", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto parts = nlohmann::json::parse(r.out)["Parts"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["PartNumber"], 1);
  EXPECT_EQ(parts[1]["Size"], p2.size());
  r = aws({"s3api", "list-multipart-uploads", "--bucket", "mpu"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["Uploads"][0]["Key"], "hand/made.bin");
  // Parts in flight are no objects.
  r = aws({"s3", "ls", "--recursive", "s3://mpu/"});
  EXPECT_EQ(r.out.find("hand/"), std::string::npos) << r.out;
  auto complete = [&](const std::string& list) {
    dir_.write("parts.json", "{\"Parts\": [" + list + "]}");
    return aws({"s3api", "complete-multipart-upload", "--bucket", "mpu", "--key", "hand/made.bin", "--upload-id", id,
                "--multipart-upload", "file://" + dir_.sub("parts.json")});
  };
  auto entry = [](int n, const std::string& etag) {
    nlohmann::json j{{"PartNumber", n}, {"ETag", etag}};
    return j.dump();
  };
  r = complete(entry(2, e2) + "," + entry(1, e1));
  EXPECT_NE(r.err.find("InvalidPartOrder"), std::string::npos) << r.err;
  r = complete(entry(1, "\"0123456789abcdef0123456789abcdef\"") + "," + entry(2, e2));
  EXPECT_NE(r.err.find("InvalidPart"), std::string::npos) << r.err;
  r = aws({"s3api", "head-object", "--bucket", "mpu", "--key", "hand/made.bin"});
  EXPECT_NE(r.exit_code, 0) << "no object before Complete succeeds";
  r = complete(entry(1, e1) + "," + entry(2, e2));
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  const std::string made_etag = nlohmann::json::parse(r.out)["ETag"];
  // Completed again (a client retrying a lost answer): the same answer, as S3 gives.
  r = complete(entry(1, e1) + "," + entry(2, e2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["ETag"], made_etag);
  r = aws({"s3api", "head-object", "--bucket", "mpu", "--key", "hand/made.bin"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["ContentType"], "text/x");
  EXPECT_EQ(nlohmann::json::parse(r.out)["ETag"], made_etag);
  EXPECT_TRUE(master_.cli({"fs", "cat", "/mpu/hand/made.bin"}).out == p1 + p2);
  r = aws({"s3api", "list-multipart-uploads", "--bucket", "mpu"});
  EXPECT_FALSE(nlohmann::json::parse(r.out.empty() ? "{}" : r.out).contains("Uploads")) << r.out;
  // An aborted upload is gone, parts and all.
  r = aws({"s3api", "create-multipart-upload", "--bucket", "mpu", "--key", "gone"});
  std::string id2 = nlohmann::json::parse(r.out)["UploadId"];
  ASSERT_EQ(aws({"s3api", "abort-multipart-upload", "--bucket", "mpu", "--key", "gone", "--upload-id", id2}).exit_code, 0);
  r = aws({"s3api", "upload-part", "--bucket", "mpu", "--key", "gone", "--upload-id", id2, "--part-number", "1",
           "--body", dir_.sub("p2")});
  EXPECT_NE(r.err.find("NoSuchUpload"), std::string::npos) << r.err;
}

class S3GatewayReapTest : public S3GatewayTest {
 protected:
  S3GatewayReapTest() { multipart_expiry_ = "2s"; }
};

TEST_F(S3GatewayReapTest, AbandonedUploadsAreRemovedAfterTheExpiry) {
  ASSERT_EQ(aws({"s3", "mb", "s3://reap"}).exit_code, 0);
  auto r = aws({"s3api", "create-multipart-upload", "--bucket", "reap", "--key", "left"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string id = nlohmann::json::parse(r.out)["UploadId"];
  dir_.write("p", "abandoned part");
  ASSERT_EQ(aws({"s3api", "upload-part", "--bucket", "reap", "--key", "left", "--upload-id", id, "--part-number", "1",
                 "--body", dir_.sub("p")}).exit_code, 0);
  EXPECT_TRUE(eventually([&] {
    auto l = aws({"s3api", "list-multipart-uploads", "--bucket", "reap"});
    return l.exit_code == 0 && l.out.find(id) == std::string::npos;
  }, 60)) << proxyLog();
  // Nothing of it is left in the store either; the bucket can go.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.sub("store/reap"))) {
    ADD_FAILURE() << "left behind: " << e.path();
  }
  EXPECT_EQ(aws({"s3", "rb", "s3://reap"}).exit_code, 0);
}

TEST_F(S3GatewayTest, PresignedUrlsReadUntilTheyExpire) {
  ASSERT_EQ(aws({"s3", "mb", "s3://pre"}).exit_code, 0);
  dir_.write("f", "shared by URL");
  ASSERT_EQ(aws({"s3", "cp", dir_.sub("f"), "s3://pre/shared.txt"}).exit_code, 0);
  auto pathOf = [&](const std::string& url) {
    std::string u = url.substr(0, url.find_last_not_of("\n") + 1);
    return u.substr(u.find('/', u.find("//") + 2));
  };
  auto r = aws({"s3", "presign", "s3://pre/shared.txt", "--expires-in", "600"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int status = 0;
  EXPECT_EQ(httpGet(port_, pathOf(r.out), &status), "shared by URL");
  EXPECT_EQ(status, 200);
  // Tampered: another key under the same signature.
  std::string forged = pathOf(r.out);
  forged.replace(forged.find("shared.txt"), 10, "sharee.txt");
  std::string body = httpGet(port_, forged, &status);
  EXPECT_EQ(status, 403);
  EXPECT_NE(body.find("SignatureDoesNotMatch"), std::string::npos) << body;
  // A URL valid for one second stops working.
  r = aws({"s3", "presign", "s3://pre/shared.txt", "--expires-in", "1"});
  std::string brief = pathOf(r.out);
  EXPECT_TRUE(eventually([&] { return httpGet(port_, brief, &status).find("Request has expired") != std::string::npos; },
                         30));
  EXPECT_EQ(status, 403);
}

TEST_F(S3GatewayTest, BadRequestsGetS3ErrorsAndLeaveNothingBehind) {
  ASSERT_EQ(aws({"s3", "mb", "s3://safe"}).exit_code, 0);
  dir_.write("f", "payload");
  auto r = aws({"s3", "cp", dir_.sub("f"), "s3://safe/f"}, kAccess, "wrong-secret");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("SignatureDoesNotMatch"), std::string::npos) << r.err;
  r = aws({"s3", "cp", dir_.sub("f"), "s3://safe/f"}, "nosuchkey", kSecret);
  EXPECT_NE(r.err.find("InvalidAccessKeyId"), std::string::npos) << r.err;
  // A body that is not what its Content-MD5 says: refused, and no object appears.
  r = aws({"s3api", "put-object", "--bucket", "safe", "--key", "md5", "--body", dir_.sub("f"), "--content-md5",
           "AAAAAAAAAAAAAAAAAAAAAA=="});
  EXPECT_NE(r.err.find("BadDigest"), std::string::npos) << r.err;
  // No signature at all, and a key that climbs out of its bucket.
  int status = 0;
  std::string body = httpGet(port_, "/safe/", &status);
  EXPECT_EQ(status, 403);
  EXPECT_NE(body.find("<Code>AccessDenied</Code>"), std::string::npos) << body;
  r = aws({"s3api", "put-object", "--bucket", "safe", "--key", "a/../../escape", "--body", dir_.sub("f")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("InvalidArgument"), std::string::npos) << r.err;
  // A key under an object cannot be a path.
  ASSERT_EQ(aws({"s3", "cp", dir_.sub("f"), "s3://safe/obj"}).exit_code, 0);
  r = aws({"s3", "cp", dir_.sub("f"), "s3://safe/obj/child"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("InvalidObjectState"), std::string::npos) << r.err;
  r = aws({"s3", "ls", "--recursive", "s3://safe/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("obj"), std::string::npos);
  EXPECT_EQ(r.out.find("md5"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("escape"), std::string::npos) << r.out;
  // Nothing of the refused uploads is left in the store, hidden or not.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.sub("store"))) {
    EXPECT_EQ(e.path().filename().string().find(".shoal-s3-"), std::string::npos) << e.path();
    EXPECT_NE(e.path().filename().string(), "escape");
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.sub("escape")));
}

// The bucket table (`shoal fs bucket bind NAME PATH`): any directory served under a name of its
// own, listed beside the top-level buckets; objects written to it land in that directory and what
// the CLI writes there is an object; bad bindings say why and bind nothing; bindings survive a
// master restart; an unbound name is no bucket any more, and its directory is untouched.
TEST_F(S3GatewayTest, BoundBucketsServeAnyDirectoryUntilUnbound) {
  ASSERT_EQ(master_.cli({"fs", "mkdir", "-p", "/teams/vision/datasets"}).exit_code, 0);
  ASSERT_EQ(master_.cli({"fs", "mkdir", "/other"}).exit_code, 0);
  dir_.write("cli.txt", "written by the CLI\n");
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("cli.txt"), "/teams/vision/datasets/cli.txt"}).exit_code, 0);

  // A path that is not in normal form binds its normal form.
  auto bound = master_.cli({"fs", "bucket", "bind", "vision-data", "/teams/vision/./datasets/"});
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  auto list = master_.cli({"fs", "bucket", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("vision-data"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("/teams/vision/datasets"), std::string::npos) << list.out;

  // Seen by the gateway within a second (a name it does not know refreshes its table).
  CommandResult ls;
  ASSERT_TRUE(eventually([&] { return (ls = aws({"s3", "ls", "s3://vision-data/"})).exit_code == 0; }, 60))
      << ls.err << proxyLog();
  EXPECT_NE(ls.out.find("cli.txt"), std::string::npos) << ls.out;
  auto buckets = aws({"s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text"});
  ASSERT_EQ(buckets.exit_code, 0) << buckets.err;
  EXPECT_NE(buckets.out.find("vision-data"), std::string::npos) << buckets.out;
  EXPECT_NE(buckets.out.find("teams"), std::string::npos) << buckets.out;

  dir_.write("s3.bin", randomBytes(300'000, 7));
  ASSERT_EQ(aws({"s3", "cp", dir_.sub("s3.bin"), "s3://vision-data/train/s3.bin"}).exit_code, 0);
  EXPECT_EQ(readLocal(dir_.sub("store/teams/vision/datasets/train/s3.bin")), readLocal(dir_.sub("s3.bin")));
  ASSERT_EQ(aws({"s3", "cp", "s3://vision-data/cli.txt", dir_.sub("back.txt")}).exit_code, 0);
  EXPECT_EQ(readLocal(dir_.sub("back.txt")), "written by the CLI\n");
  // A multipart upload into the bound bucket completes into its directory, and copies reach across.
  auto big = randomBytes(9 << 20, 8);
  dir_.write("big.bin", big);
  ASSERT_EQ(aws({"s3", "cp", dir_.sub("big.bin"), "s3://vision-data/big.bin"}).exit_code, 0);
  EXPECT_EQ(readLocal(dir_.sub("store/teams/vision/datasets/big.bin")), big);
  ASSERT_EQ(aws({"s3", "cp", "s3://vision-data/cli.txt", "s3://other/copied.txt"}).exit_code, 0);
  EXPECT_EQ(readLocal(dir_.sub("store/other/copied.txt")), "written by the CLI\n");
  // The bound directory is not the gateway's to delete, nor may a bucket of its name be made.
  auto rb = aws({"s3api", "delete-bucket", "--bucket", "vision-data"});
  EXPECT_NE(rb.exit_code, 0);
  EXPECT_NE(rb.err.find("InvalidBucketState"), std::string::npos) << rb.err;
  auto mb = aws({"s3api", "create-bucket", "--bucket", "vision-data"});
  EXPECT_NE(mb.exit_code, 0);
  EXPECT_NE(mb.err.find("BucketAlreadyOwnedByYou"), std::string::npos) << mb.err;

  // Bad bindings: each says why, none is bound.
  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Bad& bad : {Bad{{"Bad_Name", "/other"}, "not an S3 bucket name"},
                         Bad{{"no-such-dir", "/missing"}, "missing"},
                         Bad{{"a-file", "/teams/vision/datasets/cli.txt"}, "not a directory"},
                         Bad{{"the-root", "/"}, "below /"},
                         Bad{{"escapes", "/teams/../.."}, "contains '..'"},
                         Bad{{"vision-data", "/other"}, "is bound to /teams/vision/datasets"}}) {
    std::vector<std::string> argv{"fs", "bucket", "bind"};
    argv.insert(argv.end(), bad.args.begin(), bad.args.end());
    auto r = master_.cli(argv);
    EXPECT_NE(r.exit_code, 0) << bad.args[0];
    EXPECT_NE(r.err.find(bad.says), std::string::npos) << bad.args[0] << ": " << r.err;
  }
  list = master_.cli({"fs", "bucket", "list"});
  EXPECT_EQ(list.out.find("no-such-dir"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("the-root"), std::string::npos) << list.out;

  // Journaled: a restarted master still has the binding.
  ASSERT_TRUE(master_.restart()) << master_.log();
  list = master_.cli({"fs", "bucket", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("vision-data"), std::string::npos) << list.out;

  // Unbound: the gateway stops serving the name (within its 5 s table lifetime); the files stay.
  auto unbound = master_.cli({"fs", "bucket", "unbind", "vision-data"});
  ASSERT_EQ(unbound.exit_code, 0) << unbound.err;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = aws({"s3", "ls", "s3://vision-data/"});
        return r.exit_code != 0 && r.err.find("NoSuchBucket") != std::string::npos;
      },
      60))
      << proxyLog();
  EXPECT_EQ(readLocal(dir_.sub("store/teams/vision/datasets/cli.txt")), "written by the CLI\n");
  auto again = master_.cli({"fs", "bucket", "unbind", "vision-data"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("no bucket vision-data is bound"), std::string::npos) << again.err;
}

// The S3 endpoint inside a worker (shoal.worker.s3.enabled): the same API on the worker's own
// port, with the same keys; what it writes the CLI reads and the other way round; its requests
// are counted in the worker's metrics; a port it cannot bind stops the worker with the key named.
class WorkerS3EndpointTest : public S3GatewayTest {
 protected:
  void SetUp() override {
    S3GatewayTest::SetUp();
    ASSERT_TRUE(s3_worker_.start()) << s3_worker_.log();
    port_ = s3_port_;  // aws() now talks to the worker
    ASSERT_TRUE(eventually([&] { return aws({"s3api", "list-buckets"}).exit_code == 0; }, 60)) << s3_worker_.log();
  }
  int s3_port_ = freePort();
  WorkerUnderTest s3_worker_{master_,
                             {"shoal.worker.s3.enabled=true", fmt::format("shoal.worker.s3.port={}", s3_port_),
                              "shoal.worker.s3.bind.host=127.0.0.1", "shoal.proxy.s3.keys.file=" + dir_.sub("keys")}};
};

TEST_F(WorkerS3EndpointTest, AWorkerServesS3AndCountsItsRequests) {
  ASSERT_EQ(aws({"s3", "mb", "s3://at-worker"}).exit_code, 0) << s3_worker_.log();
  const std::string body = randomBytes(5 << 20, 11);
  dir_.write("up.bin", body);
  auto put = aws({"s3", "cp", dir_.sub("up.bin"), "s3://at-worker/dir/up.bin"});
  ASSERT_EQ(put.exit_code, 0) << put.err << s3_worker_.log();
  auto cat = master_.cli({"fs", "cat", "/at-worker/dir/up.bin"});
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_TRUE(cat.out == body) << "the CLI read " << cat.out.size() << " bytes of " << body.size();
  dir_.write("cli.txt", "from the CLI\n");
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("cli.txt"), "/at-worker/cli.txt"}).exit_code, 0);
  ASSERT_EQ(aws({"s3", "cp", "s3://at-worker/cli.txt", dir_.sub("got.txt")}).exit_code, 0);
  EXPECT_EQ(readLocal(dir_.sub("got.txt")), "from the CLI\n");
  auto wrong = aws({"s3", "ls", "s3://at-worker/"}, kAccess, "not-the-secret");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("SignatureDoesNotMatch"), std::string::npos) << wrong.err;

  const std::string metrics = httpGet(s3_worker_.webPort(), "/metrics");
  EXPECT_NE(metrics.find("shoal_s3_requests_total{operation=\"PutObject\",status=\"200\"}"), std::string::npos)
      << metrics.substr(0, 4000);
  EXPECT_NE(metrics.find("shoal_s3_requests_total{operation=\"ListObjects\",status=\"403\"}"), std::string::npos);
  EXPECT_NE(metrics.find("shoal_s3_request_seconds_count{operation=\"GetObject\"}"), std::string::npos);
  // At least the object's bytes came in, and the CLI file's went out.
  auto counter = [&](const std::string& name) {
    size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
  };
  EXPECT_GE(counter("shoal_s3_received_bytes_total"), static_cast<double>(body.size()));
  EXPECT_GE(counter("shoal_s3_sent_bytes_total"), 13.0);

  // A second worker asked to serve S3 on a port already taken does not start, and says which key.
  WorkerUnderTest clash{master_, {"shoal.worker.s3.enabled=true", fmt::format("shoal.worker.s3.port={}", s3_port_),
                                  "shoal.worker.s3.bind.host=127.0.0.1",
                                  "shoal.proxy.s3.keys.file=" + dir_.sub("keys")}};
  EXPECT_FALSE(clash.start());
  EXPECT_NE(clash.log().find("shoal.worker.s3.port"), std::string::npos) << clash.log();
  // Nor does a gateway whose web port is taken (httplib's SO_REUSEPORT let both bind, before).
  auto proxy = runCommand({shoalBinary(), "proxy", fmt::format("-Dshoal.master.rpc.port={}", master_.port()),
                           "-Dshoal.proxy.port=0", "-Dshoal.proxy.bind.host=127.0.0.1",
                           "-Dshoal.proxy.s3.keys.file=" + dir_.sub("keys"), "-Dshoal.log.dir=" + dir_.sub("logs"),
                           fmt::format("-Dshoal.proxy.web.port={}", s3_worker_.webPort())}, 60);
  EXPECT_NE(proxy.exit_code, 0);
  EXPECT_NE(proxy.err.find("shoal.proxy.web.port"), std::string::npos) << proxy.err;
}

// shoal.proxy.etag.md5: a file written through the CLI gets its MD5 as its ETag, in HEAD and in
// listings alike, and a new one once it is rewritten; PUT and multipart ETags stay as they were.
class S3ComputedMd5Test : public S3GatewayTest {
 protected:
  S3ComputedMd5Test() { proxy_extra_ = {"-Dshoal.proxy.etag.md5=true"}; }
  std::string md5Of(const std::string& file) {
    return "\"" + runCommand({"/usr/bin/md5sum", dir_.sub(file)}).out.substr(0, 32) + "\"";
  }
};

TEST_F(S3ComputedMd5Test, FilesWrittenOtherwiseGetTheirMd5AsTheirETag) {
  ASSERT_EQ(aws({"s3", "mb", "s3://sums"}).exit_code, 0);
  dir_.write("one", randomBytes(3 << 20, 21));
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("one"), "/sums/cli.bin"}).exit_code, 0);
  auto r = aws({"s3api", "list-objects-v2", "--bucket", "sums"});
  ASSERT_EQ(r.exit_code, 0) << r.err << proxyLog();
  EXPECT_EQ(nlohmann::json::parse(r.out)["Contents"][0]["ETag"], md5Of("one"));
  r = aws({"s3api", "head-object", "--bucket", "sums", "--key", "cli.bin"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["ETag"], md5Of("one"));
  // Rewritten: a new version, a new MD5.
  dir_.write("two", "another body\n");
  ASSERT_EQ(master_.cli({"fs", "rm", "/sums/cli.bin"}).exit_code, 0);
  ASSERT_EQ(master_.cli({"fs", "copyFromLocal", dir_.sub("two"), "/sums/cli.bin"}).exit_code, 0);
  r = aws({"s3api", "head-object", "--bucket", "sums", "--key", "cli.bin"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["ETag"], md5Of("two"));
  // A multipart object keeps its multipart ETag.
  dir_.write("big", randomBytes(9 << 20, 22));
  ASSERT_EQ(aws({"s3", "cp", dir_.sub("big"), "s3://sums/big.bin"}).exit_code, 0);
  r = aws({"s3api", "head-object", "--bucket", "sums", "--key", "big.bin"});
  EXPECT_TRUE(std::string(nlohmann::json::parse(r.out)["ETag"]).ends_with("-2\"")) << r.out;
}

// The keys the master keeps (`shoal fsadmin s3 key`): the gateway checks signatures with them,
// nothing prints a secret, a removed key is refused, and the keys survive a master restart.
class S3MasterKeysTest : public S3GatewayTest {
 protected:
  S3MasterKeysTest() { master_keys_ = true; }
};

TEST_F(S3MasterKeysTest, KeysAddedToTheMasterSignRequestsUntilRemoved) {
  ASSERT_EQ(aws({"s3", "mb", "s3://keyed"}).exit_code, 0) << proxyLog();
  dir_.write("obj", "signed with a master-kept key\n");
  auto r = aws({"s3", "cp", dir_.sub("obj"), "s3://keyed/obj"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(readLocal(dir_.sub("store/keyed/obj")), "signed with a master-kept key\n");

  auto list = master_.cli({"fsadmin", "s3", "key", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(kAccess), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(kSecret), std::string::npos) << "a secret was printed: " << list.out;
  EXPECT_EQ(master_.log().find(kSecret), std::string::npos) << "a secret went to the master's log";

  // Bad additions say why and change nothing.
  auto again = addKey(kAccess, "another-secret-value");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  auto weak = addKey("shortsecret", "short");
  EXPECT_NE(weak.exit_code, 0);
  EXPECT_NE(weak.err.find("8 to 128"), std::string::npos) << weak.err;
  auto no_secret = runCommand({"/bin/sh", "-c", "\"$0\" fsadmin s3 key add k2key -Dshoal.master.rpc.port=\"$1\" </dev/null",
                               shoalBinary(), std::to_string(master_.port())});
  EXPECT_NE(no_secret.exit_code, 0);
  EXPECT_NE(no_secret.err.find("standard input"), std::string::npos) << no_secret.err;
  EXPECT_NE(aws({"s3", "ls", "s3://keyed/"}, kAccess, "another-secret-value").exit_code, 0);

  // A second key, then a master restart: both keys are still there (journal replay).
  ASSERT_EQ(addKey("second-key", "second/secret+value").exit_code, 0);
  ASSERT_TRUE(master_.restart()) << master_.log();
  ASSERT_TRUE(eventually([&] { return aws({"s3", "ls", "s3://keyed/"}, "second-key", "second/secret+value").exit_code == 0; },
                         60))
      << proxyLog();
  list = master_.cli({"fsadmin", "s3", "key", "list"});
  EXPECT_NE(list.out.find("second-key"), std::string::npos) << list.out;

  // Removed: the gateway refuses it once its cached signing key expires (10 s).
  auto removed = master_.cli({"fsadmin", "s3", "key", "remove", kAccess});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  ASSERT_TRUE(eventually(
      [&] {
        auto ls = aws({"s3", "ls", "s3://keyed/"});
        return ls.exit_code != 0 && ls.err.find("InvalidAccessKeyId") != std::string::npos;
      },
      60));
  auto missing = master_.cli({"fsadmin", "s3", "key", "remove", kAccess});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no S3 access key"), std::string::npos) << missing.err;
  EXPECT_EQ(aws({"s3", "ls", "s3://keyed/"}, "second-key", "second/secret+value").exit_code, 0);
}

}  // namespace
}  // namespace shoal::testing
