#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The include graph of attest/ and cli/ points one way (TAP).

usage: include_graph.py ROOT FOLDER...

Every #include "x/y.h" is a path from the repository root; no folder
includes one above it (lib -> guest -> attest -> vmm -> services -> cli);
no two files, and no two folders, include each other in a loop (a .c and
its .h count as one node, since they are one part). First it shows on a
made-up tree that each of these mistakes is caught."""
import collections
import os
import re
import sys
import tempfile

ORDER = ['lib', 'guest', 'attest', 'vmm', 'services', 'cli']
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def edges_of(root, folders):
    edges = collections.defaultdict(set)
    for folder in folders:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                src = os.path.splitext(os.path.relpath(path, root))[0]
                for inc in INCLUDE.findall(text):
                    edges[src].add((inc, os.path.splitext(inc)[0]))
    return edges


def cycles(graph):
    state, stack, found = {}, [], []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def problems(root, folders):
    """Lists of (not from the root, upward, file loops, folder loops)."""
    edges = edges_of(root, folders)
    unrooted, upward = [], []
    files = collections.defaultdict(set)
    dirs = collections.defaultdict(set)
    for src, incs in edges.items():
        for inc, dst in incs:
            if not os.path.exists(os.path.join(root, inc)):
                unrooted.append(f'{src}: "{inc}"')
            top_src, top_dst = src.split('/')[0], dst.split('/')[0]
            if top_src in ORDER and top_dst in ORDER and \
                    ORDER.index(top_dst) > ORDER.index(top_src):
                upward.append(f'{src} -> {inc}')
            if dst != src:
                files[src].add(dst)
                if os.path.dirname(src) != os.path.dirname(dst):
                    dirs[os.path.dirname(src)].add(os.path.dirname(dst))
    return (unrooted, upward, [' -> '.join(c) for c in cycles(files)],
            [' -> '.join(c) for c in cycles(dirs)], sum(map(len, files.values())))


def made_up_tree(top):
    files = {
        'attest/a/one.c': '#include "attest/a/two.h"\n',
        'attest/a/two.c': '#include "attest/a/one.h"\n#include "vmm/run.h"\n',
        'attest/a/one.h': '', 'attest/a/two.h': '', 'vmm/run.h': '',
        'attest/b/x.c': '#include "attest/c/y.h"\n#include "y.h"\n',
        'attest/c/y.c': '#include "attest/b/z.h"\n',
        'attest/b/z.h': '', 'attest/c/y.h': '',
    }
    for name, text in files.items():
        os.makedirs(os.path.join(top, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(top, name), 'w', encoding='utf-8') as f:
            f.write(text)


def main():
    if len(sys.argv) < 3:
        print('1..0 # SKIP usage: include_graph.py ROOT FOLDER...')
        return 0
    root, folders = sys.argv[1], sys.argv[2:]
    n, failed = 0, 0

    def check(ok, what, details=()):
        nonlocal n, failed
        n += 1
        failed += not ok
        print(f'{"" if ok else "not "}ok {n} - {what}')
        for line in details:
            print(f'# {line}')

    with tempfile.TemporaryDirectory() as top:
        made_up_tree(top)
        unrooted, upward, file_loops, dir_loops, _ = problems(top, ['attest'])
        check(unrooted == ['attest/b/x: "y.h"'], 'made-up tree: an include not from the root is caught', unrooted)
        check(upward == ['attest/a/two -> vmm/run.h'], 'made-up tree: attest including vmm/ is caught', upward)
        check(file_loops == ['attest/a/one -> attest/a/two -> attest/a/one'],
              'made-up tree: one.c -> two.h, two.c -> one.h is a loop', file_loops)
        check(dir_loops == ['attest/b -> attest/c -> attest/b'],
              'made-up tree: two folders including each other are a loop', dir_loops)

    unrooted, upward, file_loops, dir_loops, count = problems(root, folders)
    where = ', '.join(folders)
    check(count > 50, f'{where}: {count} include edges read')
    check(not unrooted, f'{where}: every include is a path from the repository root', unrooted)
    check(not upward, f'{where}: no include points up (lib -> guest -> attest -> vmm -> services -> cli)', upward)
    check(not file_loops, f'{where}: no two files include each other in a loop', file_loops)
    check(not dir_loops, f'{where}: no two folders include each other in a loop', dir_loops)
    print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
