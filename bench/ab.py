#!/usr/bin/env python3
"""Interleaved A/B timer for short commands (start-up, pre-commit runs).

    python3 bench/ab.py N CWD -- CMD_A ARGS... -- CMD_B ARGS... [-- CMD_C ...]

Runs the commands round-robin N times each in CWD (stdout and stderr to /dev/null) and prints,
per command, the minimum and median wall time and the median CPU time (user + system, children
included). fork/exec/wait4 straight from Python: a Node harness adds its own spawn cost (~10 ms
of a blocked event loop on this VM) to every reading. Interleaving spreads the machine's drift
over all commands alike.
"""
import os
import statistics
import sys
import time


def main() -> None:
    if len(sys.argv) < 5 or sys.argv[3] != '--':
        sys.exit(__doc__)
    n, cwd = int(sys.argv[1]), sys.argv[2]
    cmds, cur = [], []
    for a in sys.argv[4:]:
        if a == '--':
            cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    cmds.append(cur)
    wall = [[] for _ in cmds]
    cpu = [[] for _ in cmds]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _ in range(n):
        for j, c in enumerate(cmds):
            t = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                os.chdir(cwd)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.execvp(c[0], c)
            _, _, ru = os.wait4(pid, 0)
            wall[j].append(time.perf_counter() - t)
            cpu[j].append(ru.ru_utime + ru.ru_stime)
    for j, c in enumerate(cmds):
        print(f"min {min(wall[j]) * 1000:6.1f}  median {statistics.median(wall[j]) * 1000:6.1f} ms wall  {statistics.median(cpu[j]) * 1000:6.1f} ms CPU  {' '.join(c)}")


if __name__ == '__main__':
    main()
