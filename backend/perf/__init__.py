"""Benchmark support: a seeded data generator and the benchmark's own routes (never in normal runs)."""
