#!/usr/bin/env bash
# Runs fsspec's public abstract filesystem tests (fsspec/tests/abstract: copy, get, put, pipe,
# open) against shoal.fsspec on a real master and two workers over a local directory, and prints
# pytest's summary. The suite is not part of Shoal: take the fsspec sources
# (github.com/fsspec/filesystem_spec) anywhere outside this repository and pass their directory;
# that fsspec is imported instead of Debian's, as the tests are written for it.
#   scripts/run-fsspec-abstract.sh /path/to/filesystem_spec [build dir]
set -euo pipefail
src=${1:?usage: $0 FSSPEC_SOURCE_DIR [BUILD_DIR]}
build=$(cd "${2:-$(dirname "$0")/../build}" && pwd)
tests=$(cd "$(dirname "$0")/../python/tests" && pwd)
[ -f "$src/fsspec/tests/abstract/__init__.py" ] || { echo "$src has no fsspec/tests/abstract" >&2; exit 1; }
work=$(mktemp -d /tmp/shoal-fsspec-abstract-XXXXXX)
trap 'rm -rf "$work"' EXIT
# The fixtures the suite asks of a filesystem, on the cluster of Shoal's own Python tests.
cat > "$work/conftest.py" <<PY
import importlib.util, posixpath, pytest
spec = importlib.util.spec_from_file_location("shoal_cluster", "$tests/conftest.py")
shoal_cluster = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shoal_cluster)
cluster = shoal_cluster.cluster
PY
cat > "$work/test_shoal_abstract.py" <<'PY'
import posixpath
import pytest
import fsspec
import fsspec.tests.abstract as abstract


class ShoalFixtures(abstract.AbstractFixtures):
    @pytest.fixture
    def fs(self, cluster):
        fs = fsspec.filesystem("shoal", master=cluster.master_address)
        fs.makedirs("/data/abstract", exist_ok=True)
        return fs

    @pytest.fixture
    def fs_join(self):
        return posixpath.join

    @pytest.fixture
    def fs_path(self):
        return "/data/abstract"

    @pytest.fixture
    def supports_empty_directories(self):
        return True


class TestShoalCopy(abstract.AbstractCopyTests, ShoalFixtures):
    pass


class TestShoalGet(abstract.AbstractGetTests, ShoalFixtures):
    pass


class TestShoalPut(abstract.AbstractPutTests, ShoalFixtures):
    pass


class TestShoalPipe(abstract.AbstractPipeTests, ShoalFixtures):
    pass


class TestShoalOpen(abstract.AbstractOpenTests, ShoalFixtures):
    pass
PY
cd "$work"
PYTHONPATH="$src:$build/python" SHOAL_BIN="$build/bin/shoal" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  -o faulthandler_timeout=300 "${@:3}" test_shoal_abstract.py
