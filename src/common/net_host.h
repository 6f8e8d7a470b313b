// Which host a daemon binds and advertises, and which hosts are this machine: the name or address
// set by `shoal.<role>.hostname`, or the IPv4 address of the interface `shoal.<role>.network.interface`
// names (for hosts whose name resolves to the wrong address, or containers that only know their
// interfaces).
#pragma once

#include <netinet/in.h>
#include <string>
#include <string_view>
#include <vector>

#include "common/configuration.h"
#include "common/status.h"

namespace shoal {

struct InterfaceAddress {
  std::string interface;
  std::string address;  // IPv4 dotted quad; empty for an interface that has none
};

// Every interface of this machine, with each of its IPv4 addresses (one entry per address, or one
// with an empty address for an interface without any).
std::vector<InterfaceAddress> interfaceAddresses();

// The host to bind and advertise: `hostname_key`'s value, or the first IPv4 address of the
// interface `interface_key` names. Setting both is an error (which one would win is a guess), as
// is an interface this machine does not have or one without an IPv4 address.
Result<std::string> serviceHost(const Configuration& conf, std::string_view hostname_key,
                                std::string_view interface_key);

// The IPv4 address a host name or dotted quad resolves to (the first, if several).
Result<in_addr> resolveIpv4(const std::string& host);

// Whether `host` names this machine: loopback, this host's name, or an address of one of its
// interfaces.
bool isLocalHost(const std::string& host);

}  // namespace shoal
