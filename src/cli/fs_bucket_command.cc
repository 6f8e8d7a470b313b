// `shoal fs bucket bind|unbind|list`: the S3 gateways' bucket table, kept (journaled) by the
// master. A bound name serves its directory as a bucket; every top-level directory is a bucket
// of its own name besides, unless a binding of that name hides it.
#include <fmt/format.h>
#include <iostream>
#include <string>

#include "cli/cli.h"
#include "cli/format.h"
#include "common/path.h"
#include "stubs/s3_bucket_client.h"

namespace shoal::cli {

void registerFsBucketCommands(CLI::App& fs, CliContext& ctx) {
  auto* bucket = fs.add_subcommand("bucket", "Bind S3 bucket names to Shoal directories (the S3 gateways' bucket table)");
  bucket->require_subcommand(1);
  struct Opts {
    std::string name, path;
  };
  auto o = std::make_shared<Opts>();

  auto* bind = bucket->add_subcommand("bind", "Serve a directory as the bucket NAME; gateways serve it within a second");
  bind->add_option("name", o->name, "Bucket name (3-63 characters of a-z, 0-9, '.' and '-')")->required();
  bind->add_option("path", o->path, "An existing Shoal directory below /")->required();
  bind->callback([&ctx, o] {
    // "/data/./x/" and "/data/x" bind the same directory; the master keeps the normal form.
    auto path = normalizePath(o->path);
    if (!path) return ctx.fail("fs bucket bind", path.error());
    Status st = stubs::S3BucketClient(ctx.master().connection()).bind(o->name, *path);
    if (!st) return ctx.fail("fs bucket bind", st);
    std::cout << "Bound bucket " << o->name << " to " << *path << "\n";
  });

  auto* unbind = bucket->add_subcommand("unbind", "Remove a binding (the directory and its files stay); gateways stop serving it within 5 s");
  unbind->add_option("name", o->name, "Bucket name")->required();
  unbind->callback([&ctx, o] {
    Status st = stubs::S3BucketClient(ctx.master().connection()).unbind(o->name);
    if (!st) return ctx.fail("fs bucket unbind", st);
    std::cout << "Unbound bucket " << o->name << "\n";
  });

  auto* list = bucket->add_subcommand("list", "List the bound buckets");
  list->callback([&ctx] {
    auto bindings = stubs::S3BucketClient(ctx.master().connection()).list();
    if (!bindings) return ctx.fail("fs bucket list", bindings.error());
    if (bindings->empty()) {
      std::cout << "No bound buckets (every top-level directory is a bucket; bind others with `shoal fs bucket "
                   "bind NAME PATH`)\n";
      return;
    }
    for (const auto& b : *bindings) {
      std::cout << fmt::format("{:<24}  {:<40}  bound {} by {}\n", b.name(), b.path(), timeString(b.created_ms()),
                               b.user());
    }
  });
}

}  // namespace shoal::cli
