// The public client API (include/shoal/file_system.h) over the client library's parts.
#include "shoal/file_system.h"

#include "client/live_client.h"
#include "common/configuration.h"

namespace shoal {
namespace {

FileStatus toStatus(const proto::FileInfo& f) {
  return FileStatus{f.id(), f.path(), f.is_dir(), f.size(), f.mode(), f.owner(), f.group(), f.mtime_ms(),
                    f.persisted(), f.pinned()};
}

proto::WriteType toProto(WriteType t) {
  switch (t) {
    case WriteType::kMustCache: return proto::MUST_CACHE;
    case WriteType::kCacheThrough: return proto::CACHE_THROUGH;
    case WriteType::kThrough: return proto::THROUGH;
    case WriteType::kDefault: break;
  }
  return proto::WRITE_TYPE_DEFAULT;
}

class Input final : public InputFile {
 public:
  Input(client::FileReader& reader, proto::FileInfo info) : reader_(reader), info_(std::move(info)), status_(toStatus(info_)) {}
  const FileStatus& status() const override { return status_; }
  Result<size_t> pread(uint64_t offset, std::span<char> buf) override { return reader_.pread(info_, offset, buf); }
  Result<size_t> read(std::span<char> buf) override {
    auto n = reader_.pread(info_, pos_, buf);
    if (n) pos_ += *n;
    return n;
  }

 private:
  client::FileReader& reader_;
  proto::FileInfo info_;
  FileStatus status_;
  uint64_t pos_ = 0;
};

class Output final : public OutputFile {
 public:
  explicit Output(std::unique_ptr<client::FileWriter> w) : w_(std::move(w)) {}
  Status write(std::span<const char> data) override { return w_->write(data); }
  Result<FileStatus> close() override {
    auto f = w_->close();
    if (!f) return makeError(f.error());
    return toStatus(*f);
  }
  void cancel() override { w_->cancel(); }

 private:
  std::unique_ptr<client::FileWriter> w_;
};

class Client final : public FileSystem {
 public:
  explicit Client(Configuration conf) : live_(std::move(conf)), ctx_(live_.context()), master_(ctx_.master()) {}

  Result<FileStatus> getStatus(const std::string& path) override {
    auto f = master_.getStatus(path);
    if (!f) return makeError(f.error());
    return toStatus(*f);
  }
  Result<std::vector<FileStatus>> list(const std::string& path) override {
    auto all = master_.listAll(path);
    if (!all) return makeError(all.error());
    std::vector<FileStatus> out;
    for (const auto& f : *all) out.push_back(toStatus(f));
    return out;
  }
  Status mkdir(const std::string& path, bool recursive) override {
    auto r = master_.createDirectory(path, recursive);
    return r ? Status::ok() : r.error();
  }
  Status remove(const std::string& path, bool recursive) override { return master_.remove(path, recursive); }
  Status rename(const std::string& src, const std::string& dst) override { return master_.rename(src, dst); }
  Result<std::unique_ptr<InputFile>> open(const std::string& path) override {
    auto f = master_.getStatus(path);
    if (!f) return makeError(f.error());
    if (f->is_dir()) return makeError(Status(StatusCode::kIsADirectory, f->path() + ": is a directory"));
    return std::unique_ptr<InputFile>(new Input(ctx_.reader(), std::move(*f)));
  }
  Result<std::unique_ptr<OutputFile>> create(const std::string& path, WriteType type) override {
    client::WriteOptions opts;
    opts.write_type = toProto(type);
    auto w = ctx_.createFile(path, opts);
    if (!w) return makeError(w.error());
    return std::unique_ptr<OutputFile>(new Output(std::move(*w)));
  }

 private:
  client::LiveClient live_;
  client::Context& ctx_;
  stubs::MasterClient& master_;
};

}  // namespace

Result<std::unique_ptr<FileSystem>> FileSystem::connect(const std::vector<std::string>& overrides) {
  auto conf = Configuration::load(Configuration::confDirFromEnv(), overrides);
  if (!conf) return makeError(conf.error());
  return std::unique_ptr<FileSystem>(new Client(std::move(*conf)));
}

}  // namespace shoal
