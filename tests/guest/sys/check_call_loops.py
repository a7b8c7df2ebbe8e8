#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Calls between the files of a static library point one way: reads the
# symbol table (nm), draws an edge from each object to the objects that
# define what it uses, and fails on any loop (a strongly connected group
# of two or more files), naming the files. TAP output.
import collections
import subprocess
import sys


def graph(lib, nm):
    out = subprocess.run([nm, lib], capture_output=True, text=True, check=True).stdout
    defs, uses, cur = {}, collections.defaultdict(set), None
    for line in out.splitlines():
        if line.endswith(':'):
            cur = line[:-1].rsplit('/', 1)[-1].replace('.c.o', '.c')
            uses[cur]
            continue
        p = line.split()
        if len(p) == 3 and p[1] in 'TDRBCG':
            defs[p[2]] = cur
        elif len(p) == 2 and p[0] == 'U':
            uses[cur].add(p[1])
    return {f: {defs[s] for s in u if s in defs and defs[s] != f} for f, u in uses.items()}


def loops(g):
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in g:
        if v not in index:
            visit(v)
    return found


def main():
    lib, nm = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else 'nm')
    print('1..2')
    try:
        g = graph(lib, nm)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f'not ok 1 - nm reads {lib} # {e}')
        print('not ok 2 - no call loop between its files # nothing to check')
        return
    # An empty graph would pass anything: the library must have cross-file calls.
    edges = sum(len(v) for v in g.values())
    print(f'{"ok" if edges else "not ok"} 1 - {len(g)} files, {edges} cross-file edges in {lib.rsplit("/", 1)[-1]}')
    found = loops(g)
    print(f'{"not ok" if found else "ok"} 2 - no call loop between its files')
    for group in found:
        print('# files calling each other in a loop: ' + ', '.join(group))


main()
