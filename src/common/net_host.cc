#include "common/net_host.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "common/errno_status.h"

namespace shoal {

std::vector<InterfaceAddress> interfaceAddresses() {
  std::vector<InterfaceAddress> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  std::set<std::string> with_address, names;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_name) continue;
    names.insert(a->ifa_name);
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {0};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof(text));
    out.push_back({a->ifa_name, text});
    with_address.insert(a->ifa_name);
  }
  ::freeifaddrs(list);
  for (const auto& n : names) {
    if (!with_address.count(n)) out.push_back({n, ""});
  }
  return out;
}

Result<std::string> serviceHost(const Configuration& conf, std::string_view hostname_key,
                                std::string_view interface_key) {
  const std::string& iface = conf.getString(interface_key);
  if (iface.empty()) return conf.getString(hostname_key);
  if (conf.sourceOf(hostname_key) != ValueSource::kDefault) {
    return makeError(invalidArgument(fmt::format("both {} ({}) and {} ({}) are set; set one: the host name, or the "
                                                 "interface whose address to use",
                                                 hostname_key, conf.getString(hostname_key), interface_key, iface)));
  }
  std::vector<InterfaceAddress> all = interfaceAddresses();
  bool exists = false;
  std::set<std::string> names;
  for (const auto& a : all) {
    names.insert(a.interface);
    if (a.interface != iface) continue;
    exists = true;
    if (!a.address.empty()) return a.address;
  }
  if (exists) {
    return makeError(invalidArgument(fmt::format("{}: interface '{}' has no IPv4 address (down or not configured?); "
                                                 "set {} instead for an IPv6 or other address",
                                                 interface_key, iface, hostname_key)));
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  return makeError(invalidArgument(fmt::format("{}: this machine has no interface '{}' (it has: {})", interface_key,
                                               iface, known.empty() ? "none" : known)));
}

Result<in_addr> resolveIpv4(const std::string& host) {
  in_addr out{};
  if (::inet_pton(AF_INET, host.c_str(), &out) == 1) return out;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return makeError(invalidArgument(fmt::format("'{}' does not resolve to an IPv4 address ({})", host,
                                                 ::gai_strerror(rc))));
  }
  out = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
  ::freeaddrinfo(found);
  return out;
}

bool isLocalHost(const std::string& host) {
  if (host == "127.0.0.1" || host == "localhost" || host == "::1") return true;
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) == 0 && host == name) return true;
  // Interfaces are listed once: asked on every read, and they do not come and go under a client.
  static const std::set<std::string> addresses = [] {
    std::set<std::string> s;
    for (const auto& a : interfaceAddresses()) {
      if (!a.address.empty()) s.insert(a.address);
    }
    return s;
  }();
  return addresses.count(host) > 0;
}

}  // namespace shoal
