// Namespace operations as the state machine applies them.
#include "master/namespace/namespace.h"

#include <gtest/gtest.h>

#include "master/metastore/heap/heap_inode_store.h"

namespace shoal::master {
namespace {

class NamespaceTest : public ::testing::Test {
 protected:
  Namespace ns{std::make_unique<HeapInodeStore>(1)};

  Status mkdir(const std::string& p, bool recursive = false) {
    proto::MkdirEntry e;
    e.set_path(p);
    e.set_recursive(recursive);
    e.set_mode(0755);
    e.set_owner("u");
    e.set_group("g");
    auto r = ns.mkdir(e);
    return r ? Status::ok() : r.error();
  }
  Status create(const std::string& p) {
    proto::CreateFileEntry e;
    e.set_path(p);
    e.set_mode(0644);
    e.set_complete(true);
    auto r = ns.createFile(e);
    return r ? Status::ok() : r.error();
  }
  Status rename(const std::string& a, const std::string& b, bool replace = false) {
    proto::RenameEntry e;
    e.set_src(a);
    e.set_dst(b);
    e.set_replace(replace);
    return ns.rename(e);
  }
  Status remove(const std::string& p, bool recursive) {
    proto::DeleteEntry e;
    e.set_path(p);
    e.set_recursive(recursive);
    return ns.remove(e);
  }
  Status mount(const std::string& p, const std::string& uri) {
    proto::MountEntry e;
    e.mutable_info()->set_path(p);
    e.mutable_info()->set_uri(uri);
    return ns.mount(e, next_mount_++);
  }
  bool exists(const std::string& p) { return ns.lookup(p).has_value(); }
  uint64_t next_mount_ = 1;
};

TEST_F(NamespaceTest, MkdirNeedsParentsUnlessRecursive) {
  EXPECT_EQ(mkdir("/a/b").code(), StatusCode::kNotFound);
  EXPECT_FALSE(exists("/a"));
  ASSERT_TRUE(mkdir("/a/b", true).isOk());
  EXPECT_TRUE(ns.lookup("/a")->isDir());
  EXPECT_EQ(mkdir("/a/b").code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(create("/a/f").isOk());
  EXPECT_EQ(mkdir("/a/f/x", true).code(), StatusCode::kNotADirectory);
  EXPECT_EQ(ns.lookup("/a/f/x").error().code(), StatusCode::kNotADirectory);
  EXPECT_EQ(ns.lookup("/a/f/x").error().message(), "/a/f: not a directory");
  EXPECT_EQ(ns.lookup("/zz").error().message(), "/zz: no such file or directory");
}

// rename(2): the replacing form follows POSIX's rules for the destination, and replaces in one
// entry (the old destination's inode is gone, the source's inode has the name).
TEST_F(NamespaceTest, RenameOverFollowsPosixRules) {
  ASSERT_TRUE(mkdir("/d/full/x", true).isOk());
  ASSERT_TRUE(mkdir("/d/empty").isOk());
  ASSERT_TRUE(mkdir("/d/other").isOk());
  ASSERT_TRUE(create("/d/f").isOk());
  ASSERT_TRUE(create("/d/g").isOk());
  EXPECT_EQ(rename("/d/f", "/d/empty", true).code(), StatusCode::kIsADirectory);
  EXPECT_EQ(rename("/d/other", "/d/g", true).code(), StatusCode::kNotADirectory);
  EXPECT_EQ(rename("/d/other", "/d/full", true).code(), StatusCode::kDirectoryNotEmpty);
  EXPECT_EQ(rename("/d", "/d/empty/in", true).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rename("/d/f", "/d/g").code(), StatusCode::kAlreadyExists) << "the plain form never replaces";
  uint64_t f_id = ns.lookup("/d/f")->id;
  ASSERT_TRUE(rename("/d/f", "/d/g", true).isOk());
  EXPECT_FALSE(exists("/d/f"));
  EXPECT_EQ(ns.lookup("/d/g")->id, f_id) << "the moved inode has the name; the replaced one is gone";
  ASSERT_TRUE(rename("/d/g", "/d/g", true).isOk()) << "onto itself: nothing happens";
  EXPECT_EQ(ns.lookup("/d/g")->id, f_id);
  ASSERT_TRUE(rename("/d/other", "/d/empty", true).isOk());
  EXPECT_FALSE(exists("/d/other"));
  EXPECT_TRUE(ns.lookup("/d/empty")->isDir());
  ASSERT_TRUE(mount("/m", "file:///tmp").isOk());
  ASSERT_TRUE(mkdir("/y").isOk());
  EXPECT_FALSE(rename("/y", "/m", true).isOk()) << "a mount point is never replaced";
  EXPECT_TRUE(ns.lookup("/m")->has(kInodeMountPoint));
}

TEST_F(NamespaceTest, RenameRules) {
  ASSERT_TRUE(mkdir("/a/b/c", true).isOk());
  ASSERT_TRUE(create("/a/f").isOk());
  Status into_self = rename("/a", "/a/b/c/d");
  EXPECT_EQ(into_self.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(into_self.message().find("own subtree"), std::string::npos);
  EXPECT_EQ(rename("/a/f", "/a/b").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(rename("/a/f", "/nope/x").code(), StatusCode::kNotFound);
  EXPECT_EQ(rename("/a/f", "/a/f/x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rename("/", "/x").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(rename("/a/b", "/moved").isOk());
  EXPECT_TRUE(exists("/moved/c"));
  EXPECT_FALSE(exists("/a/b"));
}

TEST_F(NamespaceTest, DeleteRules) {
  ASSERT_TRUE(mkdir("/d/e", true).isOk());
  ASSERT_TRUE(create("/d/e/f").isOk());
  EXPECT_EQ(remove("/d", false).code(), StatusCode::kDirectoryNotEmpty);
  EXPECT_TRUE(exists("/d/e/f"));
  EXPECT_EQ(remove("/", true).code(), StatusCode::kInvalidArgument);
  uint64_t before = ns.store().inodeCount();
  ASSERT_TRUE(remove("/d", true).isOk());
  EXPECT_FALSE(exists("/d"));
  EXPECT_EQ(ns.store().inodeCount(), before - 3);
  EXPECT_EQ(remove("/d", true).code(), StatusCode::kNotFound);
}

// POSIX times: creating, removing or renaming a name moves its directory's mtime and ctime; a
// rename or an attribute change moves the inode's ctime and leaves its mtime alone.
TEST_F(NamespaceTest, ChangesMoveCtimeAndDirectoryTimes) {
  ASSERT_TRUE(mkdir("/a").isOk());
  ASSERT_TRUE(mkdir("/b").isOk());
  proto::CreateFileEntry c;
  c.set_path("/a/f");
  c.set_complete(true);
  c.set_mtime_ms(100);
  ASSERT_TRUE(ns.createFile(c));
  EXPECT_EQ(ns.lookup("/a")->mtime_ms, 100);
  EXPECT_EQ(ns.lookup("/a/f")->ctime_ms, 100);
  proto::SetAttributeEntry chmod;
  chmod.set_path("/a/f");
  chmod.set_mode(0600);
  chmod.set_change_ms(200);
  ASSERT_TRUE(ns.setAttribute(chmod).isOk());
  EXPECT_EQ(ns.lookup("/a/f")->ctime_ms, 200);
  EXPECT_EQ(ns.lookup("/a/f")->mtime_ms, 100);
  proto::RenameEntry mv;
  mv.set_src("/a/f");
  mv.set_dst("/b/f");
  mv.set_mtime_ms(300);
  ASSERT_TRUE(ns.rename(mv).isOk());
  EXPECT_EQ(ns.lookup("/a")->mtime_ms, 300);
  EXPECT_EQ(ns.lookup("/b")->ctime_ms, 300);
  EXPECT_EQ(ns.lookup("/b/f")->ctime_ms, 300);
  EXPECT_EQ(ns.lookup("/b/f")->mtime_ms, 100);
  proto::DeleteEntry rm;
  rm.set_path("/b/f");
  rm.set_mtime_ms(400);
  ASSERT_TRUE(ns.remove(rm).isOk());
  EXPECT_EQ(ns.lookup("/b")->mtime_ms, 400);
  EXPECT_EQ(ns.lookup("/a")->mtime_ms, 300);
}

// Special files are complete names with no data; a link carries its text, nothing else does.
TEST_F(NamespaceTest, SpecialFilesKeepTheirTypeAndRefuseData) {
  proto::CreateFileEntry l;
  l.set_path("/l");
  l.set_type(proto::FILE_TYPE_SYMLINK);
  l.set_symlink_target("some/where");
  auto link = ns.createFile(l);
  ASSERT_TRUE(link) << link.error().toString();
  EXPECT_EQ(link->type, InodeType::kSymlink);
  EXPECT_TRUE(link->has(kInodeComplete));
  EXPECT_EQ(link->size, 10u);
  proto::CreateFileEntry fifo;
  fifo.set_path("/p");
  fifo.set_type(proto::FILE_TYPE_FIFO);
  fifo.set_symlink_target("x");
  EXPECT_EQ(ns.createFile(fifo).error().code(), StatusCode::kInvalidArgument);
  fifo.clear_symlink_target();
  ASSERT_TRUE(ns.createFile(fifo));
  proto::CreateFileEntry empty_link = l;
  empty_link.set_path("/l2");
  empty_link.clear_symlink_target();
  EXPECT_EQ(ns.createFile(empty_link).error().code(), StatusCode::kInvalidArgument);
  proto::CreateFileEntry dir = l;
  dir.set_path("/d");
  dir.set_type(proto::FILE_TYPE_DIRECTORY);
  EXPECT_EQ(ns.createFile(dir).error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(exists("/l2"));
  EXPECT_FALSE(exists("/d"));
  proto::CompleteFileEntry done;
  done.set_path("/p");
  done.set_length(5);
  EXPECT_EQ(ns.completeFile(done).error().code(), StatusCode::kInvalidArgument);
  // A FIFO renames over a file and is removed like one.
  ASSERT_TRUE(create("/f").isOk());
  ASSERT_TRUE(rename("/p", "/f", true).isOk());
  EXPECT_EQ(ns.lookup("/f")->type, InodeType::kFifo);
  ASSERT_TRUE(remove("/f", false).isOk());
}

// setxattr(2)'s rules for user.* names, and a new version published over a file keeps them.
TEST_F(NamespaceTest, ExtendedAttributesFollowSetxattrRules) {
  ASSERT_TRUE(create("/f").isOk());
  auto set = [&](const std::string& name, const std::string& value, proto::XattrMode mode = proto::XATTR_ANY,
                 bool remove = false) {
    proto::SetXattrEntry e;
    e.set_path("/f");
    e.set_name(name);
    e.set_value(value);
    e.set_mode(mode);
    e.set_remove(remove);
    e.set_change_ms(500);
    return ns.setXattr(e);
  };
  auto attrs = [&](const std::string& p) {
    XattrMap out;
    ns.store().xattrs(ns.lookup(p)->id, &out);
    return out;
  };
  ASSERT_TRUE(set("user.a", "1").isOk());
  EXPECT_EQ(ns.lookup("/f")->ctime_ms, 500);
  EXPECT_TRUE(ns.lookup("/f")->has_xattrs);
  EXPECT_EQ(set("user.a", "2", proto::XATTR_CREATE).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(set("user.b", "2", proto::XATTR_REPLACE).code(), StatusCode::kNoAttribute);
  EXPECT_EQ(set("user.b", "", proto::XATTR_ANY, true).code(), StatusCode::kNoAttribute);
  ASSERT_TRUE(set("user.a", "2", proto::XATTR_REPLACE).isOk());
  ASSERT_TRUE(set("user.b", std::string(1000, 'x')).isOk());
  EXPECT_EQ(set("trusted.x", "1").code(), StatusCode::kNotSupported);
  EXPECT_EQ(set("user.", "1").code(), StatusCode::kNotSupported);
  EXPECT_EQ(set("user." + std::string(251, 'n'), "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(set("user.big", std::string(Namespace::kMaxXattrValue + 1, 'v')).code(), StatusCode::kFileTooLarge);
  EXPECT_EQ(set("user.fill", std::string(Namespace::kMaxXattrValue - 100, 'v')).code(), StatusCode::kNoSpace);
  EXPECT_EQ(attrs("/f"), (XattrMap{{"user.a", "2"}, {"user.b", std::string(1000, 'x')}}));
  // The vfs publishes a new version as a rename over the file that keeps its attributes.
  ASSERT_TRUE(create("/tmp-version").isOk());
  proto::RenameEntry publish;
  publish.set_src("/tmp-version");
  publish.set_dst("/f");
  publish.set_replace(true);
  publish.set_keep_xattrs(true);
  ASSERT_TRUE(ns.rename(publish).isOk());
  EXPECT_EQ(attrs("/f").size(), 2u);
  // A plain rename over it does not: the new file is another file.
  ASSERT_TRUE(create("/other").isOk());
  ASSERT_TRUE(rename("/other", "/f", true).isOk());
  EXPECT_TRUE(attrs("/f").empty());
  EXPECT_FALSE(ns.lookup("/f")->has_xattrs);
  ASSERT_TRUE(set("user.a", "1").isOk());
  ASSERT_TRUE(set("user.a", "", proto::XATTR_ANY, true).isOk());
  EXPECT_FALSE(ns.lookup("/f")->has_xattrs);
}

TEST_F(NamespaceTest, MountRules) {
  ASSERT_TRUE(mkdir("/existing").isOk());
  EXPECT_EQ(mount("/existing", "file:///x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(mount("/no/parent", "file:///x").code(), StatusCode::kNotFound);
  ASSERT_TRUE(mount("/m", "file:///data").isOk());
  EXPECT_TRUE(ns.lookup("/m")->has(kInodeMountPoint));
  Status nested = mount("/m/inner", "file:///other");
  EXPECT_EQ(nested.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(nested.message().find("inside the mount point /m"), std::string::npos);
  EXPECT_EQ(remove("/m", true).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(rename("/m", "/n").code(), StatusCode::kFailedPrecondition);
  proto::UnmountEntry u;
  u.set_path("/existing");
  EXPECT_EQ(ns.unmount(u).code(), StatusCode::kInvalidArgument);
  u.set_path("/m");
  ASSERT_TRUE(ns.unmount(u).isOk());
  EXPECT_FALSE(exists("/m"));
  EXPECT_EQ(ns.mounts().all().size(), 0u);
}

// An update computed by the leader from an older table (the mount replaced in between) must not
// put its options on the other store; an update of the same store replaces options and id.
TEST_F(NamespaceTest, UpdateMountAppliesOnlyToTheStoreItWasComputedFor) {
  ASSERT_TRUE(mount("/m", "file:///one").isOk());
  proto::UpdateMountEntry e;
  e.mutable_info()->set_path("/m");
  e.mutable_info()->set_uri("file:///two");
  (*e.mutable_info()->mutable_options())["k"] = "v";
  Status st = ns.updateMount(e, 7);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("no longer the mount of file:///two"), std::string::npos) << st.message();
  EXPECT_TRUE(ns.mounts().find("/m")->options().empty());
  e.mutable_info()->set_uri("file:///one");
  e.mutable_info()->set_readonly(true);
  ASSERT_TRUE(ns.updateMount(e, 8).isOk());
  const proto::MountInfo* m = ns.mounts().find("/m");
  EXPECT_EQ(m->mount_id(), 8u);
  EXPECT_TRUE(m->readonly());
  EXPECT_EQ(m->options().at("k"), "v");
  e.mutable_info()->set_path("/nope");
  EXPECT_EQ(ns.updateMount(e, 9).code(), StatusCode::kFailedPrecondition);
}

TEST_F(NamespaceTest, RootMountOnlyOnEmptyRoot) {
  ASSERT_TRUE(mkdir("/x").isOk());
  EXPECT_EQ(mount("/", "file:///data").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(remove("/x", false).isOk());
  ASSERT_TRUE(mount("/", "file:///data").isOk());
  EXPECT_EQ(ns.mounts().resolve("/any/thing")->path(), "/");
  EXPECT_EQ(ns.mounts().ufsUri("/any/thing"), "file:///data/any/thing");
  proto::UnmountEntry u;
  u.set_path("/");
  EXPECT_EQ(ns.unmount(u).code(), StatusCode::kInvalidArgument);
}

TEST_F(NamespaceTest, SyncNeverClobbersUnpersistedOrMountPoints) {
  ASSERT_TRUE(mount("/", "file:///data").isOk());
  // A Shoal-side file being written (not persisted) and a persisted one from the store.
  proto::CreateFileEntry inflight;
  inflight.set_path("/writing");
  ASSERT_TRUE(ns.createFile(inflight));
  proto::UfsSyncEntry add;
  add.set_path("/");
  add.set_exists(true);
  add.mutable_self()->set_is_dir(true);
  add.set_mark_loaded(true);
  auto* u = add.add_upserts();
  u->set_name("stored");
  u->set_size(10);
  u->set_mtime_ms(5);
  auto* w = add.add_upserts();
  w->set_name("writing");
  w->set_size(99);
  ASSERT_TRUE(ns.applyUfsSync(add).isOk());
  EXPECT_EQ(ns.lookup("/stored")->size, 10u);
  EXPECT_EQ(ns.lookup("/writing")->size, 0u) << "a sync overwrote a file still being written";
  EXPECT_TRUE(ns.lookup("/")->has(kInodeLoaded));

  proto::UfsSyncEntry gone;
  gone.set_path("/");
  gone.set_exists(true);
  gone.mutable_self()->set_is_dir(true);
  gone.add_removed("stored");
  gone.add_removed("writing");
  ASSERT_TRUE(ns.applyUfsSync(gone).isOk());
  EXPECT_FALSE(exists("/stored"));
  EXPECT_TRUE(exists("/writing"));
}

}  // namespace
}  // namespace shoal::master
