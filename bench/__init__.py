"""The benchmark (docs/performance.md): a seeded data generator, the app it serves with its own
hello route, and the runner that loads it with wrk. The portal imports nothing from here."""
