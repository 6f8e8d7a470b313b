// ConfigService over gRPC: translation only, over ConfMaster (changes) and the state machine
// (reads). Served by the leader alone. Thread-safe.
#pragma once

#include <functional>

#include "master.grpc.pb.h"
#include "master/config/conf_master.h"
#include "master/service/leader_gate.h"

namespace shoal::master {

class ConfigServiceImpl final : public proto::ConfigService::Service {
 public:
  // `self` names this master in `conf status`; `applied` is the version it applied itself.
  ConfigServiceImpl(ConfMaster& conf, const StateMachine& sm, const Journal& journal,
                    std::function<std::string()> self, std::function<uint64_t()> applied)
      : conf_(conf), sm_(sm), gate_(journal), self_(std::move(self)), applied_(std::move(applied)) {}

  grpc::Status SetConf(grpc::ServerContext*, const proto::SetConfRequest*, proto::SetConfResponse*) override;
  grpc::Status GetConf(grpc::ServerContext*, const proto::GetConfRequest*, proto::GetConfResponse*) override;
  grpc::Status GetConfHistory(grpc::ServerContext*, const proto::GetConfHistoryRequest*,
                              proto::GetConfHistoryResponse*) override;
  grpc::Status GetConfStatus(grpc::ServerContext*, const proto::GetConfStatusRequest*,
                             proto::GetConfStatusResponse*) override;

 private:
  ConfMaster& conf_;
  const StateMachine& sm_;
  LeaderGate gate_;
  std::function<std::string()> self_;
  std::function<uint64_t()> applied_;
};

}  // namespace shoal::master
