"""Benchmarks (`make bench`): throughput and latency as ratios against a baseline measured in the
same run — bare SimPy for the simulation, a bare ASGI server for the HTTP routes."""
