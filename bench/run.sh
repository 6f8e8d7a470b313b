echo "make bench: not yet implemented (see docs/benchmarks.md)"; exit 1
