// The state machine's memory of request ids: a call retried after its first attempt was applied
// (the leader died before answering) gets the first outcome and changes nothing, also after a
// checkpoint round trip; and the namespace digest tells equal replicas from different ones.
#include "master/journal/state_machine.h"

#include <gtest/gtest.h>
#include <sstream>

#include "common/crypto.h"
#include "master/journal/journal_test_util.h"
#include "master/metastore/heap/heap_inode_store.h"

namespace shoal::master {
namespace {

using testing::dump;
using testing::mkdirEntry;

proto::JournalEntry withId(proto::JournalEntry e, uint64_t seq, const std::string& id) {
  e.set_sequence(seq);
  e.set_request_id(id);
  return e;
}

TEST(StateMachineRequests, ARepeatedRequestIdReturnsTheFirstOutcomeWithoutApplyingAgain) {
  StateMachine sm(std::make_unique<HeapInodeStore>(1));
  proto::JournalEntry create;
  create.mutable_create_file()->set_path("/f");
  create.mutable_create_file()->set_mode(0644);
  create.mutable_create_file()->set_owner("o");
  auto first = sm.apply(withId(create, 1, "c-1"));
  ASSERT_TRUE(first.status.isOk()) << first.status.toString();
  auto again = sm.apply(withId(create, 2, "c-1"));
  ASSERT_TRUE(again.status.isOk()) << "a retried create must not fail with 'exists': " << again.status.toString();
  ASSERT_TRUE(again.inode.has_value());
  EXPECT_EQ(again.inode->id, first.inode->id);
  // Without the id the same entry is a second create, and fails.
  EXPECT_EQ(sm.apply(withId(create, 3, "")).status.code(), StatusCode::kAlreadyExists);

  proto::JournalEntry rename;
  rename.mutable_rename()->set_src("/f");
  rename.mutable_rename()->set_dst("/g");
  ASSERT_TRUE(sm.apply(withId(rename, 4, "c-2")).status.isOk());
  EXPECT_TRUE(sm.apply(withId(rename, 5, "c-2")).status.isOk()) << "a retried rename is not a second rename";
  auto recalled = sm.recall("c-1");
  ASSERT_TRUE(recalled.has_value());
  EXPECT_EQ(recalled->inode->name, "g") << "the recalled inode is as it is now";
  EXPECT_FALSE(sm.recall("c-3").has_value());

  // The memory survives a checkpoint: a retry that reaches a master restored from it is answered too.
  std::stringstream cp;
  ASSERT_TRUE(sm.saveCheckpoint(cp).isOk());
  StateMachine restored(std::make_unique<HeapInodeStore>(1));
  ASSERT_TRUE(restored.loadCheckpoint(cp).isOk());
  EXPECT_TRUE(restored.apply(withId(rename, 6, "c-2")).status.isOk());
  EXPECT_EQ(dump(restored), dump(sm));
  EXPECT_EQ(restored.digest(), sm.digest());
}

TEST(StateMachineRequests, DigestsDifferWhenNamespacesDo) {
  StateMachine a(std::make_unique<HeapInodeStore>(1)), b(std::make_unique<HeapInodeStore>(1));
  auto m1 = mkdirEntry("/x");
  m1.set_sequence(1);
  a.apply(m1);
  b.apply(m1);
  EXPECT_EQ(a.digest(), b.digest());
  auto m2 = mkdirEntry("/y");
  m2.set_sequence(2);
  b.apply(m2);
  EXPECT_NE(a.digest(), b.digest());
}

proto::JournalEntry confEntry(uint64_t seq, std::vector<proto::ConfChange> changes) {
  proto::JournalEntry e;
  e.set_sequence(seq);
  auto* c = e.mutable_cluster_conf();
  for (auto& ch : changes) *c->add_changes() = std::move(ch);
  c->set_time_ms(1000 + static_cast<int64_t>(seq));
  c->set_user("alice");
  return e;
}

proto::ConfChange change(const std::string& key, const std::string& value, const std::string& path = "",
                         bool unset = false) {
  proto::ConfChange c;
  c.set_key(key);
  c.set_value(value);
  c.set_path(path);
  c.set_unset(unset);
  return c;
}

TEST(StateMachineClusterConf, VersionsRulesAndHistorySurviveACheckpoint) {
  StateMachine sm(std::make_unique<HeapInodeStore>(1));
  std::vector<uint64_t> observed;
  sm.setConfObserver([&observed](uint64_t v) { observed.push_back(v); });
  sm.apply(confEntry(1, {change("shoal.log.level", "debug"), change("shoal.user.file.readahead.pages", "2", "/data")}));
  sm.apply(confEntry(2, {change("shoal.log.level", "warn")}));
  sm.apply(confEntry(3, {change("shoal.user.file.readahead.pages", "", "/data", true)}));
  EXPECT_EQ(observed, (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_EQ(sm.confVersion(), 3u);
  auto conf = sm.clusterConf();
  ASSERT_EQ(conf.rules_size(), 1);
  EXPECT_EQ(conf.rules(0).key(), "shoal.log.level");
  EXPECT_EQ(conf.rules(0).value(), "warn");
  auto history = sm.confHistory(0);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].version(), 3u);  // newest first
  EXPECT_EQ(history[2].changes_size(), 2);
  EXPECT_EQ(history[2].user(), "alice");

  std::stringstream cp;
  ASSERT_TRUE(sm.saveCheckpoint(cp).isOk());
  StateMachine restored(std::make_unique<HeapInodeStore>(1));
  uint64_t restored_version = 0;
  restored.setConfObserver([&restored_version](uint64_t v) { restored_version = v; });
  ASSERT_TRUE(restored.loadCheckpoint(cp).isOk());
  EXPECT_EQ(restored_version, 3u);
  EXPECT_EQ(restored.clusterConf().SerializeAsString(), conf.SerializeAsString());
  EXPECT_EQ(restored.confHistory(0).size(), 3u);
  EXPECT_EQ(restored.digest(), sm.digest());
  // The configuration is part of the replicated state: a replica that missed a change differs.
  sm.apply(confEntry(4, {change("shoal.log.level", "error")}));
  EXPECT_NE(restored.digest(), sm.digest());
}

proto::JournalEntry s3KeyEntry(uint64_t seq, const std::string& access, const std::string& secret, bool remove = false) {
  proto::JournalEntry e;
  e.set_sequence(seq);
  auto* k = e.mutable_s3_key();
  k->set_access_key(access);
  k->set_secret(secret);
  k->set_remove(remove);
  k->set_time_ms(1000 + static_cast<int64_t>(seq));
  k->set_user("admin");
  return e;
}

// The S3 gateways' keys: added once, removed once, their signing keys those of SigV4 for the day
// and region asked, and all of it through a checkpoint (and in the digest).
TEST(StateMachineS3Keys, KeysApplyOnceSignAndSurviveACheckpoint) {
  StateMachine sm(std::make_unique<HeapInodeStore>(1));
  EXPECT_TRUE(sm.apply(s3KeyEntry(1, "alpha", "alpha-secret")).status.isOk());
  EXPECT_EQ(sm.apply(s3KeyEntry(2, "alpha", "other-secret")).status.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(sm.apply(s3KeyEntry(3, "beta", "beta-secret")).status.isOk());
  EXPECT_TRUE(sm.apply(s3KeyEntry(4, "beta", "", true)).status.isOk());
  EXPECT_EQ(sm.apply(s3KeyEntry(5, "beta", "", true)).status.code(), StatusCode::kNotFound);
  ASSERT_EQ(sm.s3Keys().size(), 1u);
  EXPECT_EQ(sm.s3Keys().begin()->second.user(), "admin");
  // The chain AWS documents: HMAC("AWS4" + secret, date), then region, service, "aws4_request".
  auto want = hmacSha256(hmacSha256(hmacSha256(hmacSha256("AWS4alpha-secret", "20261204"), "eu-west-1"), "s3"),
                         "aws4_request");
  EXPECT_EQ(sm.s3SigningKey("alpha", "20261204", "eu-west-1"), want);
  EXPECT_NE(sm.s3SigningKey("alpha", "20261205", "eu-west-1"), want);
  EXPECT_FALSE(sm.s3SigningKey("beta", "20261204", "eu-west-1"));

  std::stringstream cp;
  ASSERT_TRUE(sm.saveCheckpoint(cp).isOk());
  StateMachine restored(std::make_unique<HeapInodeStore>(1));
  ASSERT_TRUE(restored.loadCheckpoint(cp).isOk());
  EXPECT_EQ(restored.s3SigningKey("alpha", "20261204", "eu-west-1"), want);
  EXPECT_EQ(restored.digest(), sm.digest());
  sm.apply(s3KeyEntry(6, "gamma", "gamma-secret"));
  EXPECT_NE(restored.digest(), sm.digest());
}

proto::JournalEntry bucketEntry(uint64_t seq, const std::string& name, const std::string& path, bool remove = false) {
  proto::JournalEntry e;
  e.set_sequence(seq);
  auto* b = e.mutable_s3_bucket();
  b->set_name(name);
  b->set_path(path);
  b->set_remove(remove);
  b->set_time_ms(2000 + static_cast<int64_t>(seq));
  b->set_user("admin");
  return e;
}

// The bucket table: a name binds once, unbinds once, and the table is in checkpoints and digests
// beside the access keys (one table of the two in a checkpoint).
TEST(StateMachineS3Buckets, BindingsApplyOnceAndSurviveACheckpoint) {
  StateMachine sm(std::make_unique<HeapInodeStore>(1));
  EXPECT_TRUE(sm.apply(s3KeyEntry(1, "alpha", "alpha-secret")).status.isOk());
  EXPECT_TRUE(sm.apply(bucketEntry(2, "vision", "/teams/vision")).status.isOk());
  auto twice = sm.apply(bucketEntry(3, "vision", "/elsewhere"));
  EXPECT_EQ(twice.status.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(twice.status.message().find("/teams/vision"), std::string::npos) << twice.status.message();
  EXPECT_TRUE(sm.apply(bucketEntry(4, "audio", "/teams/audio")).status.isOk());
  EXPECT_TRUE(sm.apply(bucketEntry(5, "audio", "", true)).status.isOk());
  EXPECT_EQ(sm.apply(bucketEntry(6, "audio", "", true)).status.code(), StatusCode::kNotFound);
  ASSERT_EQ(sm.s3Buckets().size(), 1u);
  EXPECT_EQ(sm.s3Buckets().at("vision").path(), "/teams/vision");

  std::stringstream cp;
  ASSERT_TRUE(sm.saveCheckpoint(cp).isOk());
  StateMachine restored(std::make_unique<HeapInodeStore>(1));
  ASSERT_TRUE(restored.loadCheckpoint(cp).isOk());
  ASSERT_EQ(restored.s3Buckets().size(), 1u);
  EXPECT_EQ(restored.s3Buckets().at("vision").created_ms(), 2002);
  EXPECT_TRUE(restored.s3SigningKey("alpha", "20261204", "us-east-1").has_value());
  EXPECT_EQ(restored.digest(), sm.digest());
  sm.apply(bucketEntry(7, "speech", "/teams/speech"));
  EXPECT_NE(restored.digest(), sm.digest());
}

TEST(S3BucketChecks, NamesAreS3NamesAndPathsAreNormalBelowTheRoot) {
  EXPECT_TRUE(checkBucketBinding("vision-data.v2", "/teams/vision").isOk());
  EXPECT_FALSE(checkBucketBinding("Vision", "/teams").isOk());
  EXPECT_FALSE(checkBucketBinding("ab", "/teams").isOk());
  EXPECT_FALSE(checkBucketBinding("192.168.1.1", "/teams").isOk());
  EXPECT_FALSE(checkBucketBinding("a..b", "/teams").isOk());
  EXPECT_FALSE(checkBucketBinding("vision", "/").isOk());
  EXPECT_FALSE(checkBucketBinding("vision", "teams").isOk());
  EXPECT_FALSE(checkBucketBinding("vision", "/teams/../etc").isOk());
  EXPECT_FALSE(checkBucketBinding("vision", "/teams/").isOk());
  EXPECT_FALSE(checkBucketBinding("vision", std::string("/te\0ms", 6)).isOk());
}

TEST(S3KeyChecks, AccessKeysAndSecretsHaveTheirShape) {
  EXPECT_TRUE(checkS3Key("AKIA_test-1.x", "a/b+c=d!e").isOk());
  EXPECT_FALSE(checkS3Key("ab", "long-enough-secret").isOk());
  EXPECT_FALSE(checkS3Key("has space", "long-enough-secret").isOk());
  EXPECT_FALSE(checkS3Key(std::string(129, 'a'), "long-enough-secret").isOk());
  EXPECT_FALSE(checkS3Key("fine-key", "short").isOk());
  EXPECT_FALSE(checkS3Key("fine-key", "with a space").isOk());
  EXPECT_FALSE(checkS3Key("fine-key", std::string("nul\0inside", 10)).isOk());
}

}  // namespace
}  // namespace shoal::master
