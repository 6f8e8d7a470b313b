// `shoal fsadmin s3 key add|remove|list`: the S3 gateways' access keys, kept (journaled) by the
// master. The secret is read from standard input so it never shows in `ps` or a shell history,
// and no command prints one.
#include <iostream>
#include <string>

#include "cli/cli.h"
#include "cli/format.h"
#include "stubs/s3_key_client.h"

namespace shoal::cli {

void registerS3KeyCommands(CLI::App& fsadmin, CliContext& ctx) {
  auto* s3 = fsadmin.add_subcommand("s3", "The S3 gateways' access keys (shoal proxy without shoal.proxy.s3.keys.file)");
  s3->require_subcommand(1);
  auto* key = s3->add_subcommand("key", "Add, remove or list S3 access keys");
  key->require_subcommand(1);
  auto access = std::make_shared<std::string>();

  auto* add = key->add_subcommand("add", "Add an access key; its secret is read from standard input (one line)");
  add->add_option("access_key", *access, "The access key (3-128 letters, digits, '_', '-', '.')")->required();
  add->callback([&ctx, access] {
    std::string secret;
    if (!std::getline(std::cin, secret) || secret.empty()) {
      return ctx.fail("fsadmin s3 key add",
                      invalidArgument("no secret on standard input (e.g. `printf '%s\\n' \"$SECRET\" | shoal fsadmin "
                                      "s3 key add " + *access + "`)"));
    }
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    Status st = stubs::S3KeyClient(ctx.master().connection()).add(*access, secret);
    if (!st) return ctx.fail("fsadmin s3 key add", st);
    std::cout << "Added S3 access key " << *access << "\n";
  });

  auto* remove = key->add_subcommand("remove", "Remove an access key: gateways refuse it within 10 s");
  remove->add_option("access_key", *access, "The access key")->required();
  remove->callback([&ctx, access] {
    Status st = stubs::S3KeyClient(ctx.master().connection()).remove(*access);
    if (!st) return ctx.fail("fsadmin s3 key remove", st);
    std::cout << "Removed S3 access key " << *access << "\n";
  });

  auto* list = key->add_subcommand("list", "List the access keys (never their secrets)");
  list->callback([&ctx] {
    auto keys = stubs::S3KeyClient(ctx.master().connection()).list();
    if (!keys) return ctx.fail("fsadmin s3 key list", keys.error());
    if (keys->empty()) {
      std::cout << "No S3 access keys (add one with `shoal fsadmin s3 key add ACCESS_KEY`)\n";
      return;
    }
    for (const auto& k : *keys) std::cout << k.access_key() << "  added " << timeString(k.created_ms()) << " by " << k.user() << "\n";
  });
}

}  // namespace shoal::cli
