// The state machine's memory of request ids: a call retried after its first attempt was applied
// (the leader died before answering) gets the first outcome and changes nothing, also after a
// checkpoint round trip; and the namespace digest tells equal replicas from different ones.
#include "master/journal/state_machine.h"

#include <gtest/gtest.h>
#include <sstream>

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

}  // namespace
}  // namespace shoal::master
