"""The national-scale benchmark (`make bench`, `python -m bench.run`): see BENCHMARKS.md."""
