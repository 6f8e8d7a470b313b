// `shoal fsadmin journal repair`: the explicit way out of a corrupt local journal. A master that
// finds a bad record followed by valid ones refuses to start and prints this command with the
// segment and offset; running it cuts the journal there and says exactly what is lost.
#include <iostream>

#include "cli/cli.h"
#include "master/journal/journal_segment.h"

namespace shoal::cli {

void registerJournalRepairCommand(CLI::App& journal, CliContext& ctx) {
  static std::string dir;
  static std::string segment;
  static uint64_t offset = 0;
  auto* repair = journal.add_subcommand(
      "repair", "Cut a single master's corrupt local journal at a byte offset, dropping every change from there on "
                "(the master must be stopped); prints what was dropped");
  repair->add_option("--journal-dir", dir, "the journal folder (default: shoal.master.journal.folder)");
  repair->add_option("--segment", segment, "the segment named in the master's error (log-NNNN...)")->required();
  repair->add_option("--truncate-at", offset, "the byte offset named in the master's error")->required();
  repair->callback([&ctx] {
    std::string folder = dir.empty() ? ctx.conf.getString(keys::kMasterJournalFolder) : dir;
    auto report = master::repairJournal(folder, segment, offset);
    if (!report) return ctx.fail("fsadmin journal repair", report.error());
    std::cout << fmt::format("Cut {} at byte {}: dropped {} bytes holding {} valid records", report->segment,
                             report->offset, report->bytes_dropped, report->records_dropped);
    if (report->records_dropped > 0) {
      std::cout << fmt::format(" (sequence {} onwards: these changes are lost)", report->first_dropped_sequence);
    }
    std::cout << ".\n";
    for (const auto& s : report->removed_segments) std::cout << "Removed the later segment " << s << "\n";
  });
}

}  // namespace shoal::cli
