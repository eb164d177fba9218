"""Two ember source trees on one workload, in alternating fresh processes: is a change faster?

    python benchmarks/ab_trees.py BASE_TREE NEW_TREE [--workload cnn] [--rounds 6] [--steps 5]

Each tree must be built in place (`python3 setup.py -q build_ext --inplace`; a git worktree of
the older commit makes a base). Every round runs one process per tree, in turn, with the tree
first on sys.path; each times --steps steps of a workload from benchmarks/run.py after two
warm-up steps, and the medians of all steps are printed.

Why whole processes: on this project's machine a step's time depends on how the process's
memory has been used (page faults on fresh memory cost 2-15x more on some days than others),
so toggling a change inside one process, or comparing single runs, misled (BENCHMARKS.md).
Since session 6 ember sets glibc's thresholds itself (ember/_host_memory.py), which took most
of that out; EMBER_MALLOC_DEFAULTS=1 in the environment shows a change's effect under glibc's
own. Two copies of one tree measured 0.97-0.99 of each other
at 4 rounds of 20 op_overhead steps, and 1.27 at 2 rounds: use several rounds.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

_CHILD = r"""
import json, sys, time
tree, benchmarks, workload, steps = sys.argv[1:5]
sys.path[:0] = [tree, benchmarks]
import ember
if not ember.__file__.startswith(tree):
    sys.exit(f"ember imported from {ember.__file__}, not from {tree}")
import run
step, _ = run.make_workload(workload, ember)
for _ in range(2):
    step()
times = []
for _ in range(int(steps)):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs=2, help="the base tree, then the new one")
    parser.add_argument("--workload", default="cnn")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    trees = [os.path.abspath(tree) for tree in args.trees]
    benchmarks = os.path.dirname(os.path.abspath(__file__))
    times = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            child = subprocess.run(
                [sys.executable, "-c", _CHILD, tree, benchmarks, args.workload, str(args.steps)],
                capture_output=True, text=True, cwd=os.path.dirname(tree))
            if child.returncode:
                sys.exit(child.stderr)
            times[tree] += json.loads(child.stdout.splitlines()[-1])
    base, new = (statistics.median(times[tree]) * 1e3 for tree in trees)
    print(f"{args.workload}: base {base:.2f} ms, new {new:.2f} ms, new/base {new / base:.3f} "
          f"({args.rounds} rounds x {args.steps} steps each)")


if __name__ == "__main__":
    main()
