// Ordinary programs on a real FUSE mount (as root) over a local directory and over the test Ceph's
// CephFS: each script runs once in
// a local directory and once in the mount, and the two trees must come out the same. Then what the
// vfs promises beyond that: writes after a flush (the shell's dup2 and close), replacing a file
// never shows a reader half of it, a killed daemon leaves the old version intact, a reader that
// opened the old version keeps reading it, and a full staging area is ENOSPC.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <tuple>
#include <unistd.h>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"
#include "testing/test_ceph.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

// The store under the mount: a local directory, or a directory of the test Ceph's CephFS (seen
// by the test through a ceph-fuse mount of its own).
enum class Store { kLocal, kCephFs };

class FusePosixTest : public ::testing::TestWithParam<Store> {
 protected:
  static void TearDownTestSuite() {
    if (ceph_fuse_) {
      // Through the shell: runCommand does not search PATH. A mount left behind would outlive the
      // test Ceph (and the TempDir's removal would reach into it).
      auto r = runCommand({"/bin/sh", "-c", "fusermount3 -u " + ceph_fuse_->path()}, 60);
      EXPECT_EQ(r.exit_code, 0) << "unmounting ceph-fuse: " << r.err;
      delete ceph_fuse_;
      ceph_fuse_ = nullptr;
    }
  }

  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    if (GetParam() == Store::kLocal) {
      store_dir_ = store_.path();
      ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_dir_}).exit_code, 0);
    } else {
      auto ceph = testCeph();
      if (!ceph) GTEST_SKIP() << "run by CTest with the test Ceph";
      if (!ceph_fuse_) {
        ceph_fuse_ = new TempDir("shoal-posix-ceph-fuse");
        auto m = sh("ceph-fuse -c " + ceph->conf() + " " + ceph_fuse_->path() + " >/dev/null 2>&1");
        ASSERT_EQ(m.exit_code, 0) << "ceph-fuse: " << m.err;
      }
      static int seq = 0;
      std::string dir = fmt::format("posix-{}-{}", ::getpid(), seq++);
      ASSERT_EQ(::mkdir(ceph_fuse_->sub(dir).c_str(), 0755), 0) << std::strerror(errno);
      store_dir_ = ceph_fuse_->sub(dir);
      auto r = master_.cli({"fs", "mount", "/data", "cephfs:///" + dir, "--option", "ceph.conf=" + ceph->conf()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    worker_ = std::make_unique<WorkerUnderTest>(master_);
    ASSERT_TRUE(worker_->start()) << worker_->log();
  }

  CommandResult sh(const std::string& line) { return runCommand({"/bin/sh", "-c", line}, 600); }
  // A file of the store, as the store itself has it.
  std::string stored(const std::string& rel) const { return store_dir_ + "/" + rel; }
  // Writes a file into the store behind Shoal's back, durably: CephFS shows another client (the
  // master's) a new file's size only after the writer's fsync or cap flush.
  void storeWrite(const std::string& rel, const std::string& data) const {
    int fd = ::open(stored(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0) << stored(rel) << ": " << std::strerror(errno);
    ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ASSERT_EQ(::fsync(fd), 0);
    ASSERT_EQ(::close(fd), 0);
  }

  // Runs `script` with `dir` as its working directory; fails the test with its output if it fails.
  void runIn(const std::string& dir, const std::string& script) {
    auto r = sh("cd " + dir + " && set -e && " + script);
    ASSERT_EQ(r.exit_code, 0) << "in " << dir << ":\n" << r.out << r.err;
  }

  // The same script in a local directory and in the mount; the trees must match.
  void sameAsLocal(const std::string& name, const std::string& script, const std::string& diff_excludes = "") {
    TempDir local("shoal-posix-local");
    std::string in_mount = mnt_.sub("data/" + name);
    ASSERT_EQ(::mkdir(in_mount.c_str(), 0755), 0) << std::strerror(errno);
    runIn(local.path(), script);
    runIn(in_mount, script);
    auto diff = sh("diff -r " + diff_excludes + " " + local.path() + " " + in_mount);
    EXPECT_EQ(diff.exit_code, 0) << name << ":\n" << diff.out.substr(0, 3000) << diff.err.substr(0, 2000);
    // And what reached the store is what the mount shows.
    auto in_store = sh("diff -r " + diff_excludes + " " + in_mount + " " + stored(name));
    EXPECT_EQ(in_store.exit_code, 0) << name << " (store):\n" << in_store.out.substr(0, 3000) << in_store.err.substr(0, 2000);
  }

  static TempDir* ceph_fuse_;
  TempDir store_{"shoal-posix-store"};
  std::string store_dir_;
  TempDir mnt_{"shoal-posix-mnt"};
  MasterUnderTest master_;
  std::unique_ptr<WorkerUnderTest> worker_;
};

TempDir* FusePosixTest::ceph_fuse_ = nullptr;

TEST_P(FusePosixTest, ShellRedirectsAppendsAndTextTools) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  sameAsLocal("shell",
              "echo hello > f.txt && echo world >> f.txt && printf x >> f.txt && cat f.txt > cat.out && "
              "seq 1 2000 | tee t.txt > /dev/null && sort -r -o t.txt t.txt && sed -i 's/1/one/g' t.txt && "
              "cp t.txt g.txt && gzip -n g.txt && gunzip -c g.txt.gz > g.out && "
              "echo first > over.txt && echo second > over.txt && "
              "ln -s f.txt link.txt && cat link.txt > via-link.out && ln -sf over.txt link.txt && "
              "mkdir sub && ln -s ../t.txt sub/up && touch -d '2020-01-02 03:04:05' over.txt && "
              "stat -c '%Y' over.txt > touched.out && "
              "/usr/bin/python3 -c \"import logging; logging.basicConfig(filename='app.log', format='%(levelname)s %(message)s'); "
              "[logging.warning('line %d', i) for i in range(100)]\"");
  EXPECT_EQ(slurp(mnt_.sub("data/shell/f.txt")), "hello\nworld\nx");
}

TEST_P(FusePosixTest, DdTruncateAndRandomWrites) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  sameAsLocal("dd",
              "seq 1 5000 > src.txt && touch -d @1600000000 src.txt && stat -c %Y src.txt > mtime.out && "
              "mkdir dir && touch -d @1500000000 dir && stat -c %Y dir > dir-mtime.out && "
              "dd if=/dev/zero of=d.bin bs=4k count=64 status=none && "
              "dd if=src.txt of=d.bin bs=1k seek=7 conv=notrunc status=none && "
              "dd if=src.txt of=d.bin bs=100 count=3 seek=1000 conv=notrunc status=none && "
              "cp d.bin up.bin && truncate -s 1000000 up.bin && cp d.bin down.bin && truncate -s 5000 down.bin && "
              "cp src.txt empty.txt && truncate -s 0 empty.txt && "
              "/usr/bin/python3 -c \"import os; fd=os.open('rw.bin', os.O_RDWR|os.O_CREAT, 0o644); os.pwrite(fd, b'a'*9000, 0); "
              "os.pwrite(fd, b'b'*10, 4000); os.ftruncate(fd, 8000); os.pwrite(fd, b'c', 12000); "
              "assert os.pread(fd, 10, 4000) == b'b'*10; os.close(fd)\"");
}

// Symbolic links go to the store (which has them, both here) and the kernel follows them; FIFOs,
// sockets and device nodes are names in the namespace that work as the kernel's own; hard links
// are not kept yet and answer a clean EPERM, never ENOSYS. All of it outlives a remount.
TEST_P(FusePosixTest, LinksFifosSocketsAndDevices) {
  {
    FuseMount m(master_, mnt_.path());
    ASSERT_TRUE(m.start()) << m.log();
    ASSERT_EQ(sh("echo t > " + mnt_.sub("data/target")).exit_code, 0);
    ASSERT_EQ(::symlink("target", mnt_.sub("data/sym").c_str()), 0) << std::strerror(errno);
    ASSERT_EQ(::symlink("../nowhere/at all", mnt_.sub("data/dangling").c_str()), 0) << std::strerror(errno);
    EXPECT_EQ(::symlink("target", mnt_.sub("data/sym").c_str()), -1);
    EXPECT_EQ(errno, EEXIST);
    auto cat = sh("cat " + mnt_.sub("data/sym"));
    EXPECT_EQ(cat.out, "t\n") << cat.err;
    // The link is a link in the store too, with the same text.
    EXPECT_EQ(fs::read_symlink(stored("sym")), "target");
    EXPECT_EQ(fs::read_symlink(stored("dangling")), "../nowhere/at all");
    ASSERT_EQ(::mkfifo(mnt_.sub("data/fifo").c_str(), 0640), 0) << std::strerror(errno);
    auto through = sh("(echo through the fifo > " + mnt_.sub("data/fifo") + " &) && cat " + mnt_.sub("data/fifo"));
    EXPECT_EQ(through.out, "through the fifo\n") << through.err;
    ASSERT_EQ(::mknod(mnt_.sub("data/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << std::strerror(errno);
    ASSERT_EQ(::mknod(mnt_.sub("data/blk").c_str(), S_IFBLK | 0600, makedev(7, 200)), 0) << std::strerror(errno);
    ASSERT_EQ(::mknod(mnt_.sub("data/plain").c_str(), S_IFREG | 0600, 0), 0) << std::strerror(errno);
    auto bound = sh("/usr/bin/python3 -c \"import socket; s = socket.socket(socket.AF_UNIX); s.bind('" +
                    mnt_.sub("data/sock") + "')\"");
    EXPECT_EQ(bound.exit_code, 0) << bound.err;
    EXPECT_EQ(::link(mnt_.sub("data/target").c_str(), mnt_.sub("data/hard").c_str()), -1);
    EXPECT_EQ(errno, EPERM);
    // A FIFO renames and is removed like any name; the namespace-only names never reach the store.
    ASSERT_EQ(::rename(mnt_.sub("data/fifo").c_str(), mnt_.sub("data/fifo2").c_str()), 0) << std::strerror(errno);
    EXPECT_EQ(sh("ls " + store_dir_).out, "dangling\nplain\nsym\ntarget\n");
  }
  // A new daemon sees them all as they were made (the master journaled them).
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  struct stat st;
  ASSERT_EQ(::lstat(mnt_.sub("data/sym").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(st.st_size, 6);
  char buf[64];
  ssize_t n = ::readlink(mnt_.sub("data/dangling").c_str(), buf, sizeof(buf));
  ASSERT_GT(n, 0) << std::strerror(errno);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "../nowhere/at all");
  ASSERT_EQ(::lstat(mnt_.sub("data/fifo2").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::lstat(mnt_.sub("data/null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(1, 3));
  ASSERT_EQ(::lstat(mnt_.sub("data/blk").c_str(), &st), 0);
  EXPECT_TRUE(S_ISBLK(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(7, 200));
  ASSERT_EQ(::lstat(mnt_.sub("data/sock").c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  ASSERT_EQ(::stat(mnt_.sub("data/plain").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto ls = sh("ls -F " + mnt_.sub("data"));
  EXPECT_EQ(ls.out, "blk\ndangling@\nfifo2|\nnull\nplain\nsock=\nsym@\ntarget\n") << ls.err;
  for (const char* name : {"sym", "dangling", "fifo2", "null", "blk", "sock"}) {
    EXPECT_EQ(::unlink(mnt_.sub(std::string("data/") + name).c_str()), 0) << name << ": " << std::strerror(errno);
  }
  EXPECT_EQ(sh("ls " + store_dir_).out, "plain\ntarget\n");
}

// ctime moves with every change of a file (content, attributes, name) and a directory's mtime
// and ctime with every change of its entries; reads move neither.
TEST_P(FusePosixTest, CtimeAndDirectoryTimesMoveWithChanges) {
  FuseMount m(master_, mnt_.path(), {"shoal.fuse.attr.timeout=0s", "shoal.fuse.entry.timeout=0s"});
  ASSERT_TRUE(m.start()) << m.log();
  const std::string f = mnt_.sub("data/f"), dir = mnt_.sub("data");
  ASSERT_EQ(sh("echo one > " + f).exit_code, 0);
  auto times = [](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return std::make_pair(st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec,
                          st.st_ctim.tv_sec * 1000000000L + st.st_ctim.tv_nsec);
  };
  // Each step waits until the master's clock has passed the last time it stamped, so a change
  // that moves a time always shows as a later one.
  auto later = [&](std::pair<long, long> than) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::system_clock::now().time_since_epoch() <= std::chrono::nanoseconds(std::max(than.first, than.second)) + std::chrono::milliseconds(2)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  auto before = times(f);
  later(before);
  ASSERT_EQ(::chmod(f.c_str(), 0600), 0);
  auto after = times(f);
  EXPECT_EQ(after.first, before.first) << "chmod moved the mtime";
  EXPECT_GT(after.second, before.second) << "chmod did not move the ctime";
  later(after);
  ASSERT_EQ(sh("cat " + f + " > /dev/null").exit_code, 0);
  EXPECT_EQ(times(f), after) << "a read moved a time";
  auto dir_before = times(dir);
  later(dir_before);
  ASSERT_EQ(::rename(f.c_str(), (f + "2").c_str()), 0);
  auto moved = times(f + "2");
  EXPECT_EQ(moved.first, after.first) << "rename moved the mtime";
  EXPECT_GT(moved.second, after.second) << "rename did not move the ctime";
  auto dir_after = times(dir);
  EXPECT_GT(dir_after.first, dir_before.first) << "rename did not move the directory's mtime";
  EXPECT_GT(dir_after.second, dir_before.second);
  later(dir_after);
  ASSERT_EQ(::unlink((f + "2").c_str()), 0);
  EXPECT_GT(times(dir).first, dir_after.first) << "unlink did not move the directory's mtime";
  // utimensat sets both times, to the millisecond, on files, FIFOs and directories; a read never
  // moves the atime.
  ASSERT_EQ(sh("echo x > " + f + " && mkfifo " + f + ".fifo").exit_code, 0);
  for (std::string p : {f, f + ".fifo", dir}) {
    struct timespec ts[2] = {{1900000000, 100000000}, {1950000000, 200000000}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << p << ": " << std::strerror(errno);
    ASSERT_EQ(sh("cat " + f + " > /dev/null").exit_code, 0);
    struct stat st {};
    ASSERT_EQ(::lstat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_atim.tv_sec, 1900000000) << p;
    EXPECT_EQ(st.st_atim.tv_nsec, 100000000) << p;
    EXPECT_EQ(st.st_mtim.tv_sec, 1950000000) << p;
    EXPECT_EQ(st.st_mtim.tv_nsec, 200000000) << p;
  }
}

TEST_P(FusePosixTest, TarCpGitSqliteAndMake) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  const std::string git = "GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' "
                          "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@x git";
  sameAsLocal("progs",
              "mkdir -p tree/a/b && seq 1 100 > tree/a/b/n && echo y > tree/y && "
              "tar cf tree.tar --sort=name --mtime=@0 --owner=0 --group=0 tree && mkdir x && tar xf tree.tar -C x && cp -a tree tree2 && "
              + git + " init -q repo && cd repo && echo content > file && " + git + " add file && " + git +
                  " commit -qm first && echo more >> file && " + git + " status --porcelain > ../git.out && " + git +
                  " log --format=%H%s > ../log.out && cd .. && "
              "sqlite3 db.sqlite 'create table t(x); insert into t values (1),(2),(3); select sum(x) from t;' > sql.out && "
              "printf '#include <stdio.h>\\nint main(void){puts(\"built\");return 0;}\\n' > hello.c && "
              "printf 'hello: hello.c\\n\\tgcc -o hello hello.c\\n' > Makefile && make -s && ./hello > hello.out",
              "--exclude=.git --exclude=db.sqlite --exclude=hello");
  EXPECT_EQ(slurp(mnt_.sub("data/progs/sql.out")), "6\n");
  EXPECT_EQ(slurp(mnt_.sub("data/progs/hello.out")), "built\n");
  EXPECT_EQ(slurp(mnt_.sub("data/progs/git.out")), " M file\n");
}

// The shell's `>`: open, dup2 onto stdout, close the first descriptor (a FLUSH that publishes),
// then write through the other. Every write after the flush must land.
TEST_P(FusePosixTest, WritesAfterAFlushLand) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  std::string path = mnt_.sub("data/dup.txt");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  int dup = ::dup(fd);
  ASSERT_EQ(::write(fd, "one ", 4), 4);
  ASSERT_EQ(::close(fd), 0);
  EXPECT_EQ(master_.cli({"fs", "cat", "/data/dup.txt"}).out, "one ") << "a close publishes";
  ASSERT_EQ(::write(dup, "two", 3), 3) << std::strerror(errno);
  ASSERT_EQ(::fsync(dup), 0);
  EXPECT_EQ(master_.cli({"fs", "cat", "/data/dup.txt"}).out, "one two") << "an fsync publishes";
  ASSERT_EQ(::write(dup, " three", 6), 6);
  ASSERT_EQ(::close(dup), 0);
  EXPECT_EQ(slurp(stored("dup.txt")), "one two three");
  EXPECT_EQ(slurp(path), "one two three");
}

// Replacing a file through the mount (O_TRUNC, truncate, rename over it) never leaves the name
// without the old content before the new one is published, and a daemon killed mid-write leaves the
// old version whole.
TEST_P(FusePosixTest, ReplacingNeverLosesTheOldVersion) {
  std::string old_content = randomBytes(3 << 20, 1);
  storeWrite("keep.bin", old_content);
  auto m = std::make_unique<FuseMount>(master_, mnt_.path());
  ASSERT_TRUE(m->start()) << m->log();
  std::string path = mnt_.sub("data/keep.bin");
  ASSERT_TRUE(slurp(path) == old_content);
  // No fork while the file is open: a child's copy of the descriptor closing (even close-on-exec)
  // is a close, a FLUSH, which publishes, as POSIX and FUSE have it.
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ASSERT_EQ(::write(fd, "new", 3), 3);
  auto seen = master_.client().getStatus("/data/keep.bin");
  ASSERT_TRUE(seen) << seen.error().toString();
  EXPECT_EQ(seen->size(), old_content.size()) << "O_TRUNC must not empty the published file before the new one is published";
  EXPECT_TRUE(slurp(stored("keep.bin")) == old_content);
  ASSERT_EQ(::close(fd), 0);
  EXPECT_EQ(slurp(stored("keep.bin")), "new");
  EXPECT_EQ(slurp(path), "new");

  // rename over (how editors and checkpoint writers replace a file): the destination is replaced
  // in one step, and a reader that opened the old version keeps reading it.
  ASSERT_EQ(sh("printf B > " + mnt_.sub("data/b.txt")).exit_code, 0);
  std::string b_old = randomBytes(2 << 20, 7);
  {
    int w = ::open(mnt_.sub("data/b.txt").c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(w, 0);
    ASSERT_EQ(::write(w, b_old.data(), b_old.size()), static_cast<ssize_t>(b_old.size()));
    ASSERT_EQ(::close(w), 0);
  }
  ASSERT_TRUE(slurp(mnt_.sub("data/b.txt")) == b_old);
  int reader = ::open(mnt_.sub("data/b.txt").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  ASSERT_EQ(sh("printf A > " + mnt_.sub("data/a.txt")).exit_code, 0);
  ASSERT_EQ(::rename(mnt_.sub("data/a.txt").c_str(), mnt_.sub("data/b.txt").c_str()), 0) << std::strerror(errno);
  EXPECT_EQ(slurp(mnt_.sub("data/b.txt")), "A");
  EXPECT_EQ(slurp(stored("b.txt")), "A");
  EXPECT_FALSE(fs::exists(stored("a.txt")));
  std::string head(4096, '\0');
  EXPECT_EQ(::pread(reader, head.data(), head.size(), 1 << 20), 4096);
  EXPECT_TRUE(head == b_old.substr(1 << 20, 4096)) << "the old version's reader must keep reading it";
  ::close(reader);

  // The daemon dies while a writer has half of a new version staged: the old version stays.
  {
    int w = ::open(mnt_.sub("data/big.bin").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(w, 0);
    ASSERT_EQ(::write(w, old_content.data(), old_content.size()), static_cast<ssize_t>(old_content.size()));
    ASSERT_EQ(::close(w), 0);
  }
  fd = ::open(mnt_.sub("data/big.bin").c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, old_content.data(), 1 << 20), 1 << 20);
  m->kill9();
  ::close(fd);
  m.reset();
  FuseMount again(master_, mnt_.path());
  ASSERT_TRUE(again.start()) << again.log();
  EXPECT_TRUE(slurp(mnt_.sub("data/big.bin")) == old_content);
  EXPECT_TRUE(slurp(stored("big.bin")) == old_content);
  auto listing = sh("ls -a " + mnt_.sub("data"));
  EXPECT_EQ(listing.out.find(".shoal-w."), std::string::npos) << "no temporary is visible: " << listing.out;
}

// What a process creates through the mount is its own (the FUSE request's uid and gid), and the
// kernel's permission checks (default_permissions) hold for other users.
TEST_P(FusePosixTest, NewFilesBelongToTheCallingUser) {
  FuseMount m(master_, mnt_.path(), {"-o", "allow_other"});
  ASSERT_TRUE(m.start()) << m.log();
  ASSERT_EQ(::mkdir(mnt_.sub("data/shared").c_str(), 0777), 0);
  ASSERT_EQ(::chmod(mnt_.sub("data/shared").c_str(), 0777), 0);
  const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  auto r = sh(as_nobody + "sh -c 'echo mine > " + mnt_.sub("data/shared/f.txt") + " && mkdir " +
              mnt_.sub("data/shared/d") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (std::string p : {"data/shared/f.txt", "data/shared/d"}) {
    struct stat st;
    ASSERT_EQ(::stat(mnt_.sub(p).c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_uid, 65534u) << p;
    EXPECT_EQ(st.st_gid, 65534u) << p;
  }
  EXPECT_EQ(slurp(mnt_.sub("data/shared/f.txt")), "mine\n");
  // A link is the caller's too, and stays so when a metadata sync reads the store (which holds it
  // under the daemon's user): the namespace takes the store's time for it, so a sync finds it
  // unchanged.
  ASSERT_EQ(sh(as_nobody + "ln -s f.txt " + mnt_.sub("data/shared/l")).exit_code, 0);
  {
    struct stat in_mount, in_store;
    ASSERT_EQ(::lstat(mnt_.sub("data/shared/l").c_str(), &in_mount), 0);
    ASSERT_EQ(::lstat(stored("shared/l").c_str(), &in_store), 0);
    EXPECT_EQ(in_mount.st_mtim.tv_sec * 1000 + in_mount.st_mtim.tv_nsec / 1000000,
              in_store.st_mtim.tv_sec * 1000 + in_store.st_mtim.tv_nsec / 1000000);
  }
  auto synced = master_.cli({"fs", "ls", "/data/shared"}, {"shoal.user.file.metadata.sync.interval=0"});
  ASSERT_EQ(synced.exit_code, 0) << synced.err;
  {
    struct stat st;
    ASSERT_EQ(::lstat(mnt_.sub("data/shared/l").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(st.st_uid, 65534u) << "a sync gave the link the store's owner";
  }
  // Rewriting keeps the owner (the next version replaces the file but not whose it is).
  ASSERT_EQ(sh("echo root-wrote >> " + mnt_.sub("data/shared/f.txt")).exit_code, 0);
  struct stat st;
  ASSERT_EQ(::stat(mnt_.sub("data/shared/f.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  // Another user may not write it (0644) nor chown it.
  auto denied = sh("setpriv --reuid=65533 --regid=65533 --clear-groups sh -c 'echo x >> " +
                   mnt_.sub("data/shared/f.txt") + "' 2>&1");
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.out.find("Permission denied"), std::string::npos) << denied.out;
  auto chown = sh(as_nobody + "chown 65533 " + mnt_.sub("data/shared/f.txt") + " 2>&1");
  EXPECT_NE(chown.exit_code, 0) << "only root may give a file away";
  EXPECT_EQ(slurp(mnt_.sub("data/shared/f.txt")), "mine\nroot-wrote\n");
}

// A write by anyone but root drops set-user-ID (and set-group-ID with group execute), as write(2)
// does: a setuid program another user changed must not keep running as its owner. Root's write
// keeps the bits.
TEST_P(FusePosixTest, UnprivilegedWritesDropSetIdBits) {
  FuseMount m(master_, mnt_.path(), {"-o", "allow_other"});
  ASSERT_TRUE(m.start()) << m.log();
  auto mode = [&](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(mnt_.sub(p).c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  };
  for (auto [name, before, after] : {std::tuple{"u", 04777u, 0777u}, {"g", 02777u, 0777u}, {"ug", 06777u, 0777u},
                                     {"g-noexec", 02767u, 02767u}}) {
    std::string rel = std::string("data/") + name;
    ASSERT_EQ(sh("touch " + mnt_.sub(rel) + " && chmod " + fmt::format("{:o}", before) + " " + mnt_.sub(rel)).exit_code, 0);
    auto w = sh("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo x >> " + mnt_.sub(rel) + "' 2>&1");
    ASSERT_EQ(w.exit_code, 0) << name << ": " << w.out;
    EXPECT_EQ(mode(rel), after) << name;
  }
  ASSERT_EQ(sh("touch " + mnt_.sub("data/root") + " && chmod 6755 " + mnt_.sub("data/root") + " && echo x >> " +
               mnt_.sub("data/root")).exit_code, 0);
  EXPECT_EQ(mode("data/root"), 06755u);
}

// Per write type, through the vfs: what was fsynced survives kill -9 of the daemon (in the store
// unless MUST_CACHE, in the workers' cache unless THROUGH, readable through Shoal either way), and
// what was written after the fsync is not half-published: the name shows the fsynced version.
TEST_P(FusePosixTest, FsyncThenKillKeepsThePublishedVersionForEveryWriteType) {
  // A killed daemon's CephFS session keeps its caps until the MDS times it out (about a minute),
  // stalling the next client of those files: three kills would cost minutes of CI. The vfs's
  // guarantee is the same on both stores; over CephFS it is not exercised here.
  if (GetParam() == Store::kCephFs) GTEST_SKIP() << "kill -9 per write type runs over file:// only";
  for (std::string type : {"MUST_CACHE", "CACHE_THROUGH", "THROUGH"}) {
    SCOPED_TRACE(type);
    auto m = std::make_unique<FuseMount>(master_, mnt_.path(),
                                         std::vector<std::string>{"shoal.user.file.writetype.default=" + type});
    ASSERT_TRUE(m->start()) << m->log();
    const std::string rel = "k-" + type + ".bin";
    std::string synced = randomBytes(3 << 20, 11);
    int fd = ::open(mnt_.sub("data/" + rel).c_str(), O_RDWR | O_CREAT | O_EXCL, 0644);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(::write(fd, synced.data(), synced.size()), static_cast<ssize_t>(synced.size()));
    ASSERT_EQ(::fsync(fd), 0);
    ASSERT_EQ(::pwrite(fd, "unsynced", 8, 100), 8);
    m->kill9();
    ::close(fd);
    m.reset();
    auto read = master_.cli({"fs", "cat", "/data/" + rel});
    ASSERT_EQ(read.exit_code, 0) << read.err;
    EXPECT_TRUE(read.out == synced) << "read back " << read.out.size() << " bytes, not the fsynced version";
    if (type == "MUST_CACHE") {
      EXPECT_FALSE(fs::exists(stored(rel))) << "a MUST_CACHE file reached the store";
    } else {
      EXPECT_TRUE(slurp(stored(rel)) == synced);
    }
  }
}

TEST_P(FusePosixTest, AFullStagingAreaIsEnospcAndPublishedFilesStay) {
  storeWrite("safe.txt", "safe");
  FuseMount m(master_, mnt_.path(), {"shoal.user.file.staging.capacity=1MiB"});
  ASSERT_TRUE(m.start()) << m.log();
  auto r = sh("dd if=/dev/zero of=" + mnt_.sub("data/huge.bin") + " bs=64k count=64 2>&1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("No space left on device"), std::string::npos) << r.out;
  EXPECT_NE(m.log().find("staging area for unpublished writes is full"), std::string::npos) << m.log();
  EXPECT_EQ(slurp(mnt_.sub("data/safe.txt")), "safe");
  auto small = sh("echo fits > " + mnt_.sub("data/small.txt"));
  EXPECT_EQ(small.exit_code, 0) << small.err << " (the daemon must keep serving once the big file is closed)";
  EXPECT_EQ(slurp(stored("small.txt")), "fits\n");
}

// fallocate(2) grows a file with zeros (or holds room and keeps the size); what the staging area
// cannot hold is EFBIG for a size no file here can have, with the cause in the log.
TEST_P(FusePosixTest, FallocateAndSizesBeyondTheStagingArea) {
  FuseMount m(master_, mnt_.path(), {"shoal.user.file.staging.capacity=4MiB"});
  ASSERT_TRUE(m.start()) << m.log();
  const std::string f = mnt_.sub("data/alloc.bin");
  auto r = sh("/usr/bin/python3 -c \"import os; fd = os.open('" + f + "', os.O_RDWR | os.O_CREAT, 0o644); "
              "os.write(fd, b'head'); os.posix_fallocate(fd, 0, 100000); os.close(fd)\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(stored("alloc.bin")), "head" + std::string(100000 - 4, '\0'));
  auto keep = sh("fallocate --keep-size -l 200000 " + f + " && stat -c %s " + f);
  EXPECT_EQ(keep.out, "100000\n") << keep.err;
  auto punch = sh("fallocate --punch-hole -o 0 -l 4096 " + f + " 2>&1");
  EXPECT_NE(punch.exit_code, 0);
  EXPECT_NE(punch.out.find("unsupported"), std::string::npos) << punch.out;  // EOPNOTSUPP, as util-linux words it
  auto big = sh("truncate -s 1P " + f + " 2>&1");
  EXPECT_NE(big.exit_code, 0);
  EXPECT_NE(big.out.find("File too large"), std::string::npos) << big.out;
  EXPECT_NE(m.log().find("more than the staging area holds"), std::string::npos) << m.log();
  EXPECT_EQ(slurp(stored("alloc.bin")).size(), 100000u) << "a refused truncate changed the file";
}

// Two processes appending to one file through one mount: every line of both lands whole.
TEST_P(FusePosixTest, TwoProcessesAppending) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  const std::string log = mnt_.sub("data/app.log");
  auto r = sh("for w in a b; do (for i in $(seq 1 150); do echo \"$w-$i\" >> " + log + "; done) & done; wait");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto sorted = sh("sort " + stored("app.log"));
  auto expected = sh("for w in a b; do for i in $(seq 1 150); do echo \"$w-$i\"; done; done | sort");
  EXPECT_EQ(sorted.out, expected.out);
  // And each writer's lines in its own order.
  EXPECT_EQ(sh("grep '^a-' " + stored("app.log")).out, sh("seq 1 150 | sed 's/^/a-/'").out);
}

// user.* extended attributes through setxattr(2) and friends: setxattr's errno rules, kept when a
// write publishes a new version of the file, seen by a daemon mounted later, and written to the
// store (file:// and CephFS keep them): on the file and on a directory, removed there too, and
// still on the store's file after a write replaced it with a new version.
TEST_P(FusePosixTest, ExtendedAttributes) {
  const std::string f = mnt_.sub("data/x.txt");
  {
    FuseMount m(master_, mnt_.path());
    ASSERT_TRUE(m.start()) << m.log();
    ASSERT_EQ(sh("echo one > " + f).exit_code, 0);
    auto r = sh("/usr/bin/python3 - <<'PY'\n"
                "import errno, os\n"
                "f = '" + f + "'\n"
                "def fails(e, fn, *a):\n"
                "    try:\n"
                "        fn(*a)\n"
                "    except OSError as x:\n"
                "        assert x.errno == e, (fn.__name__, a, x)\n"
                "        return\n"
                "    raise AssertionError(f'{fn.__name__}{a} did not fail')\n"
                "os.setxattr(f, 'user.tag', b'blue')\n"
                "os.setxattr(f, 'user.bin', bytes(range(256)))\n"
                "assert os.getxattr(f, 'user.tag') == b'blue'\n"
                "assert os.getxattr(f, 'user.bin') == bytes(range(256))\n"
                "assert sorted(os.listxattr(f)) == ['user.bin', 'user.tag'], os.listxattr(f)\n"
                "fails(errno.EEXIST, os.setxattr, f, 'user.tag', b'x', os.XATTR_CREATE)\n"
                "fails(errno.ENODATA, os.setxattr, f, 'user.none', b'x', os.XATTR_REPLACE)\n"
                "fails(errno.ENODATA, os.getxattr, f, 'user.none')\n"
                "fails(errno.ENODATA, os.removexattr, f, 'user.none')\n"
                "fails(errno.EOPNOTSUPP, os.setxattr, f, 'trusted.x', b'x')\n"
                "os.setxattr(f, 'user.gone', b'1')\n"
                "os.removexattr(f, 'user.gone')\n"
                "with open(f, 'a') as out: out.write('two\\n')\n"
                "assert os.getxattr(f, 'user.tag') == b'blue', 'a published write lost the attributes'\n"
                "os.setxattr(os.path.dirname(f), 'user.dir', b'd')\n"
                "PY");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(slurp(f), "one\ntwo\n");
  }
  // In the store itself, read without Shoal.
  auto in_store = sh("/usr/bin/python3 -c \"import os; f = '" + stored("x.txt") +
                     "'; print(sorted(os.listxattr(f)), os.getxattr(f, 'user.tag'), os.getxattr(f, 'user.bin') == "
                     "bytes(range(256)), os.getxattr(os.path.dirname(f), 'user.dir'))\"");
  EXPECT_EQ(in_store.out, "['user.bin', 'user.tag'] b'blue' True b'd'\n") << in_store.err;
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  auto later = sh("/usr/bin/python3 -c \"import os; print(sorted(os.listxattr('" + f + "')), os.getxattr('" + f +
                  "', 'user.tag'))\"");
  EXPECT_EQ(later.out, "['user.bin', 'user.tag'] b'blue'\n") << later.err;
}

INSTANTIATE_TEST_SUITE_P(Stores, FusePosixTest, ::testing::Values(Store::kLocal, Store::kCephFs),
                         [](const auto& info) { return info.param == Store::kLocal ? "file" : "cephfs"; });

}  // namespace
}  // namespace shoal::testing
