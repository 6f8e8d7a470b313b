#include "master/journal/raft_journal.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>
#include <fmt/format.h>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <uv.h>

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}

#include "common/clock.h"
#include "common/logging.h"
#include "master/journal/raft_codec.h"

namespace shoal::master {
namespace {

// A member's raft id: a hash of its journal address (FNV-1a), so every master derives the same id
// whatever order its address list is in.
raft_id memberId(const std::string& address) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : address) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h &= 0x7fffffffffffffffULL;
  return h == 0 ? 1 : h;
}

// A membership change commits one configuration entry (two for an add); past this the caller hears
// that it did not finish rather than waiting on a group that lost its quorum.
constexpr auto kChangeWait = std::chrono::seconds(30);

const char* roleName(unsigned short state) {
  switch (state) {
    case RAFT_LEADER: return "leader";
    case RAFT_FOLLOWER: return "follower";
    case RAFT_CANDIDATE: return "candidate";
    default: return "unavailable";
  }
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

// A membership change in flight; freed by its last raft callback.
struct RaftMembershipChange {
  struct raft_change req;
  struct raft* raft = nullptr;
  raft_id id = 0;
  bool assign_next = false;  // add: after raft_add, make the member a voter
  std::promise<int> done;
};

struct RaftJournal::Impl {
  struct Pending {
    proto::JournalEntry entry;
    std::promise<ApplyResult> done;
  };
  struct Proposal {
    struct raft_apply req;
    std::vector<std::shared_ptr<Pending>> items;
    Impl* self = nullptr;
    uint64_t announce_term = 0;  // non-zero: this proposal is the leader's announcement
  };
  struct Transfer {
    struct raft_transfer req;
    std::promise<void> done;
  };
  using Change = RaftMembershipChange;

  RaftJournalConfig config;
  StateMachine& sm;
  raft_id id = 0;

  uv_loop_t loop{};
  uv_async_t wake{};
  uv_timer_t tick{};
  struct raft_uv_transport transport {};
  struct raft_io io {};
  struct raft_fsm fsm {};
  struct raft raft {};
  std::thread thread;
  bool closed = false;
  uint64_t announced_term = 0;  // loop thread only
  unsigned short last_role = RAFT_UNAVAILABLE;  // loop thread only
  pid_t snapshot_child = -1;    // the process writing the snapshot in progress
  std::string snapshot_file;

  mutable std::mutex mu;
  std::deque<std::shared_ptr<Pending>> queue;       // guarded by mu
  std::deque<std::function<void()>> tasks;          // guarded by mu; run on the loop
  bool stopping = false;                            // guarded by mu
  bool running = false;                             // guarded by mu
  std::string leader_journal;                       // guarded by mu; refreshed every tick
  std::map<std::string, std::string> directory;     // guarded by mu; journal -> RPC address
  std::string config_error;                         // guarded by mu
  std::atomic<bool> serving{false};

  // Results of the batch the FSM applied last, handed to the apply callback that follows it.
  std::vector<ApplyResult> last_results;

  Impl(RaftJournal& o, RaftJournalConfig c, StateMachine& s) : config(std::move(c)), sm(s), owner(&o) {}
  RaftJournal* owner;  // for its metrics

  std::string self() const { return config.rpc_address.empty() ? config.self : config.rpc_address; }

  // Why this member does not serve. Callers hold mu.
  Status notServingLocked() const {
    if (!config_error.empty()) return Status(StatusCode::kFailedPrecondition, config_error);
    if (!running || stopping) return Status(StatusCode::kUnavailable, fmt::format("master {} is stopping", self()));
    if (leader_journal.empty()) {
      return Status(StatusCode::kNotLeader,
                    fmt::format("master {} is not the leader and no leader is known: no quorum of masters is "
                                "reachable, or an election is under way",
                                self()));
    }
    if (leader_journal == config.self) {
      return Status(StatusCode::kNotLeader, fmt::format("master {} was just elected and is catching up", self()));
    }
    auto it = directory.find(leader_journal);
    if (it == directory.end()) {
      return Status(StatusCode::kNotLeader,
                    fmt::format("master {} is not the leader; the leader is the master with journal address {}",
                                self(), leader_journal));
    }
    return Status(StatusCode::kNotLeader, fmt::format("master {} is not the leader; the leader is {}", self(), it->second));
  }

  Status notServing() const {
    std::lock_guard lock(mu);
    return notServingLocked();
  }

  std::string leaderAddress() {
    raft_id lid = 0;
    const char* addr = nullptr;
    raft_leader(&raft, &lid, &addr);
    return addr ? addr : "";
  }

  // Runs `f` on the loop thread and returns its result; Unavailable when the loop is not running.
  template <typename T>
  Result<T> onLoop(std::function<T()> f) {
    auto p = std::make_shared<std::promise<T>>();
    auto fut = p->get_future();
    {
      std::lock_guard lock(mu);
      if (!running || stopping) return makeError(Status(StatusCode::kUnavailable, "the journal is not running"));
      tasks.push_back([p, f] { p->set_value(f()); });
    }
    uv_async_send(&wake);
    return fut.get();
  }

  // --- loop thread ---

  void applyAnnounce(const raftcodec::Announce& a) {
    std::lock_guard lock(mu);
    directory[a.journal_address] = a.rpc_address;
    if (a.journal_address == config.self) {
      if (raft_state(&raft) == RAFT_LEADER && a.term == raft.current_term) {
        serving = true;
        logger("raft")->info("leading the journal in term {}", a.term);
      }
      return;
    }
    auto mine = sorted(config.addresses);
    if (a.members != mine) {
      std::string err = fmt::format(
          "this master was started with journal addresses {} but the leader {} with {}: give every master the same "
          "shoal.master.embedded.journal.addresses",
          fmt::join(mine, ","), a.journal_address, fmt::join(a.members, ","));
      if (err != config_error) logger("raft")->error("{}", err);
      config_error = err;
    } else {
      config_error.clear();
    }
  }

  static int fsmApply(struct raft_fsm* fsm, const struct raft_buffer* buf, void** result) {
    auto* self = static_cast<Impl*>(fsm->data);
    auto decoded = raftcodec::decodeEntry(static_cast<const char*>(buf->base), buf->len);
    if (!decoded) {
      logger("raft")->error("{}", decoded.error().toString());
      return RAFT_MALFORMED;
    }
    self->last_results.clear();
    *result = &self->last_results;
    if (auto* a = std::get_if<raftcodec::Announce>(&*decoded)) {
      self->applyAnnounce(*a);
      return 0;
    }
    for (auto& e : std::get<std::vector<proto::JournalEntry>>(*decoded)) {
      // Sequences follow the log: every member numbers the same entries the same way.
      e.set_sequence(self->sm.lastApplied() + 1);
      self->last_results.push_back(self->sm.apply(e));
    }
    return 0;
  }

  // Snapshots are taken off the loop thread (libraft's FSM version 3), because serializing a
  // large namespace on it stalls heartbeats (measured: 400 ms for 64 MiB, enough to lose the
  // leadership). The snapshot must hold exactly the state at the index raft records for it while
  // the loop goes on applying, so `snapshot` forks: the child holds a copy-on-write image of the
  // state as of now and writes it to a file, which `snapshot_async` (in libuv's thread pool) waits
  // for and loads. Forking costs the page-table copy, milliseconds for gigabytes. The child only
  // writes the file and _exits: it takes no lock another thread could hold (the loop thread,
  // which forks, is the only writer of the state machine) and never logs.
  static int fsmSnapshot(struct raft_fsm* fsm, struct raft_buffer* bufs[], unsigned* n) {
    auto* self = static_cast<Impl*>(fsm->data);
    *bufs = nullptr;
    *n = 0;
    std::string header;
    {
      std::lock_guard lock(self->mu);
      header = raftcodec::encodeSnapshotHeader(self->directory);
    }
    std::string file = self->config.folder + "/shoal-snapshot.tmp";
    pid_t pid = fork();
    if (pid == 0) {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << header;
      bool ok = self->sm.saveCheckpoint(out).isOk();
      out.flush();
      _exit(ok && out.good() ? 0 : 1);
    }
    if (pid < 0) {
      logger("raft")->error("snapshot: fork: {}", std::strerror(errno));
      return RAFT_BUSY;  // libraft tries again at the next threshold
    }
    self->snapshot_child = pid;
    self->snapshot_file = file;
    return 0;
  }

  static int fsmSnapshotAsync(struct raft_fsm* fsm, struct raft_buffer* bufs[], unsigned* n) {
    auto* self = static_cast<Impl*>(fsm->data);
    int wstatus = 0;
    pid_t child = self->snapshot_child;
    self->snapshot_child = -1;
    while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
    }
    std::ifstream in(self->snapshot_file, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(self->snapshot_file.c_str());
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || data.empty()) {
      logger("raft")->error("snapshot: writing {} failed", self->snapshot_file);
      return RAFT_IOERR;
    }
    self->owner->noteSnapshot(static_cast<int64_t>(data.size()), nowMs());
    *bufs = static_cast<struct raft_buffer*>(raft_malloc(sizeof(struct raft_buffer)));
    if (!*bufs) return RAFT_NOMEM;
    (*bufs)[0].len = data.size();
    (*bufs)[0].base = raft_malloc(data.size());
    if (!(*bufs)[0].base) return RAFT_NOMEM;
    std::memcpy((*bufs)[0].base, data.data(), data.size());
    *n = 1;
    return 0;
  }

  static int fsmSnapshotFinalize(struct raft_fsm*, struct raft_buffer* bufs[], unsigned* n) {
    if (*bufs) {
      for (unsigned i = 0; i < *n; ++i) raft_free((*bufs)[i].base);
      raft_free(*bufs);
    }
    *bufs = nullptr;
    *n = 0;
    return 0;
  }

  static int fsmRestore(struct raft_fsm* fsm, struct raft_buffer* buf) {
    auto* self = static_cast<Impl*>(fsm->data);
    std::map<std::string, std::string> dir;
    auto off = raftcodec::decodeSnapshotHeader(static_cast<const char*>(buf->base), buf->len, &dir);
    Status st = off ? Status::ok() : off.error();
    if (off) {
      std::istringstream in(std::string(static_cast<const char*>(buf->base) + *off, buf->len - *off));
      st = self->sm.loadCheckpoint(in);
    }
    raft_free(buf->base);
    if (!st) {
      logger("raft")->error("snapshot restore: {}", st.toString());
      return RAFT_CORRUPT;
    }
    std::lock_guard lock(self->mu);
    for (auto& [j, r] : dir) self->directory[j] = r;
    return 0;
  }

  static void applied(struct raft_apply* req, int status, void* result) {
    std::unique_ptr<Proposal> p(static_cast<Proposal*>(req->data));
    if (p->announce_term != 0 && status != 0) p->self->announced_term = 0;  // try again next tick
    auto* results = static_cast<std::vector<ApplyResult>*>(result);
    for (size_t i = 0; i < p->items.size(); ++i) {
      if (status != 0 || !results || i >= results->size()) {
        // Leadership lost mid-way: the entry may still commit under the next leader. The client
        // retries on the new leader with the same request id, which applies it at most once.
        p->items[i]->done.set_value(ApplyResult{
            Status(StatusCode::kNotLeader,
                   fmt::format("master {} lost the leadership before the change was confirmed ({}); it may or may "
                               "not be applied",
                               p->self->self(), raft_strerror(status))),
            std::nullopt});
      } else {
        p->items[i]->done.set_value(std::move((*results)[i]));
      }
    }
  }

  // Hands `data` to raft as one entry; false (with the proposal's waiters told) if raft refused.
  bool propose(std::unique_ptr<Proposal> p, const std::string& data) {
    struct raft_buffer buf;
    buf.len = data.size();
    buf.base = raft_malloc(data.size());
    std::memcpy(buf.base, data.data(), data.size());
    p->self = this;
    p->req.data = p.get();
    int rv = raft_apply(&raft, &p->req, &buf, 1, &Impl::applied);
    if (rv == 0) {
      p.release();  // the apply callback owns it now
      return true;
    }
    raft_free(buf.base);
    Status st = rv == RAFT_NOTLEADER ? notServing() : Status(StatusCode::kUnavailable, raft_errmsg(&raft));
    for (auto& it : p->items) it->done.set_value(ApplyResult{st, std::nullopt});
    return false;
  }

  void proposeBatch(std::vector<std::shared_ptr<Pending>> items) {
    std::vector<const proto::JournalEntry*> entries;
    for (const auto& it : items) entries.push_back(&it->entry);
    std::string data = raftcodec::encodeBatch(entries);
    auto p = std::make_unique<Proposal>();
    p->items = std::move(items);
    propose(std::move(p), data);
  }

  static void onTick(uv_timer_t* handle) {
    auto* self = static_cast<Impl*>(handle->data);
    std::string lj = self->leaderAddress();
    unsigned short role = raft_state(&self->raft);
    bool leads = role == RAFT_LEADER;
    if (role != self->last_role) {
      // Role changes are rare and explain every failover: always in the log.
      logger("raft")->info("{} is {} in term {} (leader: {})", self->config.self, roleName(role), self->raft.current_term,
                           lj.empty() ? "unknown" : lj);
      self->last_role = role;
    }
    {
      std::lock_guard lock(self->mu);
      self->leader_journal = lj;
    }
    if (!leads) {
      self->serving = false;
      self->announced_term = 0;
      return;
    }
    if (self->announced_term == self->raft.current_term) return;
    self->serving = false;
    self->announced_term = self->raft.current_term;
    raftcodec::Announce a{.term = self->raft.current_term, .journal_address = self->config.self,
                          .rpc_address = self->config.rpc_address, .members = sorted(self->config.addresses)};
    auto p = std::make_unique<Proposal>();
    p->announce_term = a.term;
    if (!self->propose(std::move(p), raftcodec::encodeAnnounce(a))) self->announced_term = 0;
  }

  static void onWake(uv_async_t* handle) {
    auto* self = static_cast<Impl*>(handle->data);
    std::deque<std::shared_ptr<Pending>> q;
    std::deque<std::function<void()>> t;
    bool stop;
    {
      std::lock_guard lock(self->mu);
      q.swap(self->queue);
      t.swap(self->tasks);
      stop = self->stopping;
    }
    for (auto& f : t) f();
    if (stop) {
      for (auto& p : q) p->done.set_value(ApplyResult{Status(StatusCode::kUnavailable, "the master is stopping"), std::nullopt});
      self->shutdown();
      return;
    }
    if (q.empty()) return;
    if (!self->serving) {
      Status st = self->notServing();
      for (auto& p : q) p->done.set_value(ApplyResult{st, std::nullopt});
      return;
    }
    while (!q.empty()) {
      std::vector<std::shared_ptr<Pending>> items;
      while (!q.empty() && items.size() < kBatch) {
        items.push_back(std::move(q.front()));
        q.pop_front();
      }
      self->owner->observeBatch(items.size());
      self->proposeBatch(std::move(items));
    }
  }

  void shutdown() {
    if (closed) return;
    closed = true;
    serving = false;
    uv_timer_stop(&tick);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
    raft_close(&raft, [](struct raft* r) {
      auto* self = static_cast<Impl*>(r->data);
      raft_uv_close(&self->io);
      raft_uv_tcp_close(&self->transport);
      uv_close(reinterpret_cast<uv_handle_t*>(&self->wake), nullptr);
    });
  }

  RaftState snapshotState() {
    RaftState s;
    unsigned short st = raft_state(&raft);
    s.role = roleName(st);
    s.leader = st == RAFT_LEADER && serving;
    s.leader_address = leaderAddress();
    s.term = raft.current_term;
    s.last_index = raft_last_index(&raft);
    s.commit_index = raft.commit_index;
    s.applied_index = raft_last_applied(&raft);
    for (unsigned i = 0; i < raft.configuration.n; ++i) {
      const auto& srv = raft.configuration.servers[i];
      RaftMember m{.address = srv.address, .voter = srv.role == RAFT_VOTER, .match_index = 0};
      if (st == RAFT_LEADER) m.match_index = srv.id == id ? s.last_index : raft.leader_state.progress[i].match_index;
      s.members.push_back(std::move(m));
    }
    std::lock_guard lock(mu);
    auto it = directory.find(s.leader_address);
    if (it != directory.end()) s.leader_rpc_address = it->second;
    s.config_error = config_error;
    return s;
  }

  const struct raft_server* member(const std::string& address) {
    for (unsigned i = 0; i < raft.configuration.n; ++i) {
      if (address == raft.configuration.servers[i].address) return &raft.configuration.servers[i];
    }
    return nullptr;
  }

  std::string memberList() {
    std::vector<std::string> v;
    for (unsigned i = 0; i < raft.configuration.n; ++i) v.push_back(raft.configuration.servers[i].address);
    return fmt::format("{}", fmt::join(v, ","));
  }

  static void changed(struct raft_change* req, int status) {
    auto* c = static_cast<Change*>(req->data);
    if (status == 0 && c->assign_next) {
      c->assign_next = false;
      int rv = raft_assign(c->raft, &c->req, c->id, RAFT_VOTER, &Impl::changed);
      if (rv == 0) return;
      status = rv;
    }
    c->done.set_value(status);
    delete c;
  }

  // Runs on the loop thread until shutdown; reports start-up through `started`.
  void run(std::promise<Status>& started) {
    auto fail = [&](const std::string& what, int rv) {
      started.set_value(Status(StatusCode::kIoError, fmt::format("raft journal {}: {}: {}", config.folder, what,
                                                                 rv ? raft_strerror(rv) : "")));
    };
    uv_loop_init(&loop);
    uv_async_init(&loop, &wake, &Impl::onWake);
    wake.data = this;
    uv_timer_init(&loop, &tick);
    tick.data = this;
    int rv = raft_uv_tcp_init(&transport, &loop);
    if (rv != 0) return fail("transport", rv);
    rv = raft_uv_init(&io, &loop, config.folder.c_str(), &transport);
    if (rv != 0) return fail(io.errmsg, rv);
    // libraft 0.15's uv backend implements async_work but still reports interface version 1, which
    // raft_init then refuses for an FSM with asynchronous snapshots.
    if (io.async_work != nullptr && io.version < 2) io.version = 2;
    fsm.version = 3;
    fsm.data = this;
    fsm.apply = &Impl::fsmApply;
    fsm.snapshot = &Impl::fsmSnapshot;
    fsm.restore = &Impl::fsmRestore;
    fsm.snapshot_finalize = &Impl::fsmSnapshotFinalize;
    fsm.snapshot_async = &Impl::fsmSnapshotAsync;
    rv = raft_init(&raft, &io, &fsm, id, config.self.c_str());
    if (rv != 0) return fail(raft_errmsg(&raft), rv);
    raft.data = this;
    raft_set_election_timeout(&raft, static_cast<unsigned>(config.election_timeout.count()));
    raft_set_heartbeat_timeout(&raft, static_cast<unsigned>(config.heartbeat_timeout.count()));
    raft_set_pre_vote(&raft, true);
    raft_set_snapshot_threshold(&raft, config.snapshot_threshold);
    raft_set_install_snapshot_timeout(&raft, static_cast<unsigned>(config.install_snapshot_timeout.count()));
    raft_set_snapshot_trailing(&raft, config.snapshot_threshold / 2);
    struct raft_configuration conf;
    raft_configuration_init(&conf);
    for (const auto& a : config.addresses) raft_configuration_add(&conf, memberId(a), a.c_str(), RAFT_VOTER);
    rv = raft_bootstrap(&raft, &conf);
    raft_configuration_close(&conf);
    if (rv != 0 && rv != RAFT_CANTBOOTSTRAP) return fail("bootstrap", rv);  // CANTBOOTSTRAP: state exists
    rv = raft_start(&raft);
    if (rv != 0) return fail(raft_errmsg(&raft), rv);
    // The tick notices leadership changes; a fraction of the heartbeat keeps a new leader's wait
    // for its announcement short without busying the loop.
    auto period = std::max<uint64_t>(5, static_cast<uint64_t>(config.heartbeat_timeout.count()) / 4);
    uv_timer_start(&tick, &Impl::onTick, period, period);
    {
      std::lock_guard lock(mu);
      running = true;
    }
    started.set_value(Status::ok());
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

RaftJournal::RaftJournal(RaftJournalConfig config, StateMachine& sm)
    : impl_(std::make_unique<Impl>(*this, std::move(config), sm)) {}

RaftJournal::~RaftJournal() { stop(); }

Status RaftJournal::start() {
  auto& c = impl_->config;
  auto self = std::find(c.addresses.begin(), c.addresses.end(), c.self);
  if (self == c.addresses.end()) {
    return invalidArgument(fmt::format("this master's journal address {} is not in the journal addresses ({})", c.self,
                                       fmt::join(c.addresses, ",")));
  }
  auto all = sorted(c.addresses);
  if (std::adjacent_find(all.begin(), all.end()) != all.end()) {
    return invalidArgument(fmt::format("the journal addresses list a member twice ({})", fmt::join(c.addresses, ",")));
  }
  impl_->id = memberId(c.self);
  std::error_code ec;
  std::filesystem::create_directories(c.folder, ec);
  if (ec) return Status(StatusCode::kIoError, fmt::format("raft journal {}: {}", c.folder, ec.message()));
  // A peer that dies mid-write must not take this master with it.
  std::signal(SIGPIPE, SIG_IGN);
  std::promise<Status> started;
  auto fut = started.get_future();
  impl_->thread = std::thread([this, &started] { impl_->run(started); });
  Status st = fut.get();
  if (!st) {
    impl_->thread.join();
    return st;
  }
  return Status::ok();
}

ApplyResult RaftJournal::submit(proto::JournalEntry entry) {
  auto p = std::make_shared<Impl::Pending>();
  p->entry = std::move(entry);
  auto fut = p->done.get_future();
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running || impl_->stopping) {
      return ApplyResult{Status(StatusCode::kUnavailable, "the journal is not running"), std::nullopt};
    }
    impl_->queue.push_back(std::move(p));
  }
  uv_async_send(&impl_->wake);
  return awaitApplied(fut);
}

uint64_t RaftJournal::lastSequence() const { return impl_->sm.lastApplied(); }

Status RaftJournal::servingStatus() const {
  std::lock_guard lock(impl_->mu);
  if (impl_->serving && impl_->config_error.empty() && impl_->running && !impl_->stopping) return Status::ok();
  return impl_->notServingLocked();
}

std::string RaftJournal::leaderRpcAddress() const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->directory.find(impl_->leader_journal);
  return it == impl_->directory.end() ? "" : it->second;
}

const std::string& RaftJournal::journalAddress() const { return impl_->config.self; }

RaftState RaftJournal::state() {
  auto s = impl_->onLoop<RaftState>([this] { return impl_->snapshotState(); });
  if (!s) return RaftState{.role = "unavailable"};
  return *s;
}

Status RaftJournal::transferLeader(const std::string& address) {
  auto* t = new Impl::Transfer{};
  auto done = t->done.get_future();
  auto started = impl_->onLoop<Status>([&, t]() -> Status {
    auto& r = impl_->raft;
    const struct raft_server* m = impl_->member(address);
    Status refused;
    if (raft_state(&r) != RAFT_LEADER) refused = impl_->notServing();
    else if (!m) refused = invalidArgument(fmt::format("{} is not a member of the quorum (members: {})", address, impl_->memberList()));
    else if (m->id == impl_->id) refused = Status(StatusCode::kFailedPrecondition, fmt::format("{} already leads", address));
    else if (m->role != RAFT_VOTER) refused = Status(StatusCode::kFailedPrecondition, fmt::format("{} is not a voter", address));
    if (refused.isOk()) {
      t->req.data = t;
      int rv = raft_transfer(&r, &t->req, m->id, [](struct raft_transfer* req) {
        auto* tr = static_cast<Impl::Transfer*>(req->data);
        tr->done.set_value();
        delete tr;
      });
      if (rv == 0) return Status::ok();
      refused = Status(StatusCode::kFailedPrecondition, fmt::format("transfer to {}: {}", address, raft_errmsg(&r)));
    }
    delete t;
    return refused;
  });
  if (!started) return started.error();
  if (!*started) return *started;
  // libraft calls back once the target leads, or after an election timeout without it.
  if (done.wait_for(impl_->config.election_timeout * 4) != std::future_status::ready) {
    return Status(StatusCode::kDeadlineExceeded, fmt::format("the transfer to {} did not finish in time", address));
  }
  auto after = state();
  if (after.leader_address != address) {
    return Status(StatusCode::kUnavailable,
                  fmt::format("{} did not take over (is it running and caught up?); the leader is {}", address,
                              after.leader_address.empty() ? "unknown" : after.leader_address));
  }
  // Done once the new leader serves and this member can send clients to it: its announcement
  // has been applied here too.
  auto deadline = std::chrono::steady_clock::now() + impl_->config.election_timeout * 2;
  while (std::chrono::steady_clock::now() < deadline) {
    after = state();
    if (after.leader_address == address && !after.leader_rpc_address.empty()) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status(StatusCode::kDeadlineExceeded,
                fmt::format("{} took over but has not announced itself in time (leader now: {})", address,
                            after.leader_address.empty() ? "unknown" : after.leader_address));
}

// Runs a membership change: `begin` (on the loop) checks it and starts it with raft, returning why
// not; then waits for raft to commit it.
Status RaftJournal::changeMembership(const std::string& what,
                                     const std::function<Status(RaftMembershipChange*)>& begin, bool assign_voter) {
  auto* c = new RaftMembershipChange{};
  c->raft = &impl_->raft;
  c->assign_next = assign_voter;
  c->req.data = c;
  auto done = c->done.get_future();
  auto started = impl_->onLoop<Status>([&, c]() -> Status {
    Status st = raft_state(&impl_->raft) != RAFT_LEADER ? impl_->notServing() : begin(c);
    if (!st) delete c;  // raft never saw it
    return st;
  });
  if (!started) return started.error();
  if (!*started) return *started;
  if (done.wait_for(kChangeWait) != std::future_status::ready) {
    return Status(StatusCode::kDeadlineExceeded, fmt::format("{} did not finish in time", what));
  }
  int rv = done.get();
  if (rv == RAFT_LEADERSHIPLOST) {
    return Status(StatusCode::kUnavailable,
                  fmt::format("{}: this master lost the leadership before the change committed; it may or may not be "
                              "applied (see `shoal fsadmin journal quorum info`, then retry)",
                              what));
  }
  if (rv != 0) return Status(StatusCode::kUnavailable, fmt::format("{}: {}", what, raft_strerror(rv)));
  return Status::ok();
}

Status RaftJournal::addMember(const std::string& address) {
  return changeMembership("add " + address, [&](RaftMembershipChange* c) -> Status {
    if (impl_->member(address)) return Status(StatusCode::kAlreadyExists, fmt::format("{} is already a member", address));
    c->id = memberId(address);
    if (raft_add(&impl_->raft, &c->req, c->id, address.c_str(), &Impl::changed) == 0) return Status::ok();
    return Status(StatusCode::kFailedPrecondition, fmt::format("add {}: {}", address, raft_errmsg(&impl_->raft)));
  }, /*assign_voter=*/true);
}

Status RaftJournal::removeMember(const std::string& address) {
  return changeMembership("remove " + address, [&](RaftMembershipChange* c) -> Status {
    const struct raft_server* m = impl_->member(address);
    if (!m) return invalidArgument(fmt::format("{} is not a member of the quorum (members: {})", address, impl_->memberList()));
    if (m->id == impl_->id) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("{} leads; transfer the leadership to another member before removing it", address));
    }
    c->id = m->id;
    if (raft_remove(&impl_->raft, &c->req, m->id, &Impl::changed) == 0) return Status::ok();
    return Status(StatusCode::kFailedPrecondition, fmt::format("remove {}: {}", address, raft_errmsg(&impl_->raft)));
  }, /*assign_voter=*/false);
}

void RaftJournal::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running || impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->serving = false;
  uv_async_send(&impl_->wake);
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace shoal::master
