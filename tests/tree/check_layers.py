#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Keeps the floor plan: includes point one way, services do not include one
another, no headers include one another round a loop, and no two files of
a library call each other, directly or round a loop (read from the objects
of each static library with nm). Prints TAP. Usage: check_layers.py REPO_ROOT BUILD_DIR"""
import os
import re
import subprocess
import sys

# Lowest first. A file may include its own layer or a lower one.
LAYERS = ["lib", "guest", "attest", "vmm", "services", "cli"]
FREE = ("tests", "bench", "examples", "images", "scripts")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
# "lib.a:member.o:0000000000000000 T name" or "lib.a:member.o:   U name"
NM_LINE = re.compile(r'^[^:]+:([^:]+\.o):(.*)$')


def sources(root):
    for top in LAYERS + list(FREE):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root)


def layer(path):
    top = path.split("/")[0]
    return LAYERS.index(top) if top in LAYERS else None


def service(path):
    parts = path.split("/")
    if parts[0] == "services" and len(parts) > 2 and parts[1] != "common":
        return parts[1]
    return None


def find_cycle(graph):
    """One cycle in the graph as a list of nodes, or None."""
    state = {}
    stack = []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                return stack[stack.index(v):] + [v]
            if v not in state:
                found = visit(v)
                if found:
                    return found
        stack.pop()
        state[u] = 2
        return None

    for u in sorted(graph):
        if u not in state:
            found = visit(u)
            if found:
                return found
    return None


def call_graphs(build):
    """Per static library: member -> members whose functions it calls."""
    graphs = {}
    for d, _, files in os.walk(build):
        for f in files:
            if not (f.endswith(".a") and f.startswith("libkettle")):
                continue
            lib = os.path.join(d, f)
            out = subprocess.run(["nm", "-o", lib], capture_output=True,
                                 text=True, check=True).stdout
            defined, used = {}, []
            for line in out.splitlines():
                m = NM_LINE.match(line)
                if not m:
                    continue
                member = os.path.basename(m.group(1)).replace(".c.o", "")
                fields = m.group(2).split()
                if len(fields) == 3 and fields[1] in "TD":
                    defined[fields[2]] = member
                elif len(fields) == 2 and fields[0] == "U":
                    used.append((member, fields[1]))
            graph = {}
            for member, sym in used:
                target = defined.get(sym)
                if target and target != member:
                    graph.setdefault(member, set()).add(target)
            graphs[os.path.relpath(lib, build)] = graph
    return graphs


def main():
    root, build = sys.argv[1], sys.argv[2]
    upward, cross, missing = [], [], []
    graph = {}
    for path in sources(root):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if not os.path.exists(os.path.join(root, inc)):
                missing.append(f"{path}: \"{inc}\" is not written from the root")
                continue
            lf, li = layer(path), layer(inc)
            if lf is not None and li is not None and li > lf:
                upward.append(f"{path} -> {inc}")
            sf, si = service(path), service(inc)
            if si and sf != si and not path.startswith(FREE):
                cross.append(f"{path} -> {inc}")
            graph.setdefault(path, set()).add(inc)
    cycle = find_cycle(graph)
    call_loops = []
    for lib, calls in sorted(call_graphs(build).items()):
        loop = find_cycle(calls)
        if loop:
            call_loops.append(f"{lib}: " + " -> ".join(loop))
    checks = [
        ("every include is written from the repository root", missing),
        ("no include points up the layers " + " -> ".join(LAYERS), upward),
        ("no service includes another service's code", cross),
        ("no loop of headers including one another", [" -> ".join(cycle)] if cycle else []),
        ("no call loop between the files of a library", call_loops),
    ]
    for n, (what, bad) in enumerate(checks, 1):
        print(f"{'not ok' if bad else 'ok'} {n} - {what}")
        for line in bad[:20]:
            print(f"# {line}")
    print(f"1..{len(checks)}")
    return 1 if any(bad for _, bad in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
