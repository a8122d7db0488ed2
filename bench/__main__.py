"""``python -m bench``: run the benchmark (``run``, what ``make bench`` calls), fill a database with
its data set (``generate-data``), or serve the portal with the benchmark's hello route (``serve``)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from backend.cli import add_serve_arguments, dispatch, serve


def _generate_data(args: argparse.Namespace) -> int:
    from bench.datagen import NotEmpty, generate

    try:
        counts, seconds = asyncio.run(generate(args.size, args.seed))
    except NotEmpty as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{table} {count}" for table, count in counts.items())
    total = sum(counts.values())
    print(f"generate-data: size {args.size}, seed {args.seed}, {total} rows in {seconds:.1f} s ({rows})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    return serve(args, app_factory="bench.app:create_bench_app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    # listed for --help only: main() hands `run`'s arguments to the benchmark's own parser
    commands.add_parser("run", help="the benchmark; writes docs/benchmark-results.md (see `run --help`)")

    generate = commands.add_parser(
        "generate-data", help="fill a freshly migrated database with the benchmark's seeded data set"
    )
    generate.add_argument("--size", choices=["S", "L"], default="S", help="S (small) or L (large)")
    generate.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
    generate.set_defaults(handler=_generate_data)

    add_serve_arguments(
        commands.add_parser("serve", help="serve the portal as `portal serve` does, plus /bench/hello")
    ).set_defaults(handler=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        from bench.benchmark import main as run

        return run(argv[1:])
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
