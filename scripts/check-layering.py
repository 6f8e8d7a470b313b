#!/usr/bin/python3
"""Checks every #include "dir/..." in src/ against the layering rules of docs/architecture.md.

Each folder of src/ may include only the folders listed for it (and generated *.pb.h, which have no
folder). testing/ helpers are for *_test.cc files only. Prints every violation with its file and
line and exits 1 if there is any."""
import pathlib
import re
import sys

# folder -> folders it may include (besides itself). Lower layers know nothing above them.
ALLOWED = {
    "common": set(),
    "rpc": {"common"},
    "ufs": {"common"},
    # The web port (HTTP over cpp-httplib, page building blocks) and the daemon skeleton every
    # daemon starts on (log file, metrics, gRPC server with RPC metrics, the web port).
    "web": {"common"},
    "daemon": {"common", "rpc", "web"},
    "client": {"common", "rpc", "ufs", "shoal"},
    # The worker still reaches its stores and the master through client/ (UfsDirect, MasterClient):
    # the seam that removes it is the stubs/ of the vfs issue. It places the pages it hands over
    # when decommissioned with the clients' own ring (one placement function, never two).
    # Nothing else of client/ is allowed.
    "worker": {"common", "rpc", "ufs", "client", "daemon", "web"},
    "master": {"common", "rpc", "ufs", "daemon", "web"},
    # POSIX semantics over the client; the front ends (FUSE, then S3 and Python) sit on it.
    "vfs": {"common", "client", "rpc"},
    # FUSE still reads published files and lists directories through client/ directly; writes
    # and the namespace changes that touch open files go through vfs/.
    "fuse": {"common", "vfs", "client", "ufs", "daemon"},
    "cli": {"common", "rpc", "ufs", "client", "master", "worker", "fuse", "daemon"},
    "bin": {"cli", "common"},
}
WORKER_MAY_USE = {"client/ufs_direct.h", "client/master_client.h", "client/worker_registry_client.h",
                  "client/worker_ring.h",
                  "client/conf_sync.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"')


def main(root: pathlib.Path) -> int:
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc") or not path.is_file():
            continue
        layer = path.relative_to(root).parts[0]
        if layer not in ALLOWED:
            continue
        is_test = path.name.endswith("_test.cc") or "testing" in path.relative_to(root).parts
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target, rest = m.group(1), m.group(2)
            where = f"{path.relative_to(root.parent)}:{n}"
            if target == layer:
                continue
            if target == "testing":
                if not is_test:
                    problems.append(f"{where}: includes testing/{rest} outside a test")
                continue
            if target not in ALLOWED[layer]:
                problems.append(f"{where}: {layer}/ may not include {target}/{rest} "
                                f"(allowed: {', '.join(sorted(ALLOWED[layer])) or 'nothing above it'})")
            elif layer == "worker" and target == "client" and f"client/{rest}" not in WORKER_MAY_USE:
                problems.append(f"{where}: worker/ may use only {', '.join(sorted(WORKER_MAY_USE))} of client/")
    for p in problems:
        print(p)
    print(f"{len(problems)} layering violation(s)" if problems else "layering: every include is allowed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")))
