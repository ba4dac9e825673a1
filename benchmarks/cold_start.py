"""Cold start: from spawning `lawful serve` to its first HTTP 200 on /privacy (goal: under 2 s).

Run: .venv/bin/python -m benchmarks.cold_start [--database sqlite|postgresql] [--smoke]   (--smoke: 1 start)
"""

from .environment import installation
from .report import header, options, summarise
from .server import serving, wait_for_privacy

RUNS = 7
SMOKE_RUNS = 1


def main() -> None:
    args = options(__doc__ or "")
    with installation(args.database, "cold_start") as setup:
        header("cold start of `lawful serve` to the first 200 on /privacy", args.database, setup.register)
        seconds = []
        for run in range(1, (SMOKE_RUNS if args.smoke else RUNS) + 1):
            with serving(setup) as server:
                seconds.append(wait_for_privacy(server) - server.started_at)
            print(f"run {run}: {seconds[-1]:.3f} s")
        print(f"cold start: {summarise(seconds).line('s', digits=3)}")


if __name__ == "__main__":
    main()
