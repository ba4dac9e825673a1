"""Where `import lawful.app` spends its time: the slowest imports by cumulative time (`python -X importtime`).

Run: .venv/bin/python -m benchmarks.import_time [--module lawful.app] [--top 5] [--smoke]   (--smoke: 1 run)
It touches no database, so it has no --database option.
"""

import argparse
import shlex
import subprocess
import sys

from .report import SMOKE_HELP, summarise

RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--module", default="lawful.app")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    runs = 1 if args.smoke else RUNS
    command = [sys.executable, "-X", "importtime", "-c", f"import {args.module}"]
    print(f"$ {shlex.join(sys.orig_argv)}")
    print(f"# {runs} runs of: {shlex.join(command)}; the run with the median total is shown")
    found = sorted((_cumulative(command) for _ in range(runs)), key=lambda run: run[args.module])
    totals = summarise([run[args.module] / 1e3 for run in found])
    median = found[len(found) // 2]
    print(f"import {args.module}: {totals.line('ms', digits=0)}")
    ranked = [
        (name, us) for name, us in sorted(median.items(), key=lambda item: -item[1]) if name != args.module
    ]
    print(f"top {args.top} imports by cumulative time (nested: a package includes what it imported first):")
    for name, micros in ranked[: args.top]:
        print(f"  {micros / 1e3:7.0f} ms  {name}")
    print(f"top {args.top} top-level packages by cumulative time:")
    for name, micros in [(name, us) for name, us in ranked if "." not in name][: args.top]:
        print(f"  {micros / 1e3:7.0f} ms  {name}")


def _cumulative(command: list[str]) -> dict[str, int]:
    """Microseconds per module, cumulative (the module and everything it imported first)."""
    stderr = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        found[name] = max(found.get(name, 0), int(cumulative))
    return found


if __name__ == "__main__":
    main()
