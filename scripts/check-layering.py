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
    # The RPC stubs, the placement ring and direct store access: shared by clients and workers.
    "stubs": {"common", "rpc", "ufs"},
    "client": {"common", "rpc", "ufs", "stubs", "shoal"},
    "worker": {"common", "rpc", "ufs", "stubs", "daemon", "web"},
    "master": {"common", "rpc", "ufs", "daemon", "web"},
    # POSIX semantics over the client; the front ends (FUSE, then S3 and Python) sit on it.
    "vfs": {"common", "client", "stubs", "rpc"},
    # FUSE does every file operation through vfs/; it holds the client::Context the vfs runs on,
    # and starts the client's heartbeat and configuration sync (stubs/conf_sync.h).
    "fuse": {"common", "vfs", "client", "stubs", "daemon"},
    # The S3 gateway serves S3 over vfs/ as FUSE serves POSIX; its own HTTP server (cpp-httplib,
    # with web/'s bounded pool) and the daemon skeleton.
    "s3": {"common", "vfs", "client", "stubs", "daemon", "web"},
    "cli": {"common", "rpc", "ufs", "stubs", "client", "master", "worker", "fuse", "daemon", "s3"},
    "bin": {"cli", "common"},
}
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
    for p in problems:
        print(p)
    print(f"{len(problems)} layering violation(s)" if problems else "layering: every include is allowed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")))
