#!/usr/bin/env python3
"""The tree reads like the data flow: checks that keep it so (TAP).

1. Every #include between folders goes down the stage order of
   tests/layout/layers (never up, never between peers).
2. The folder graph has no cycle.
3. No circle between object files: A uses a symbol B defines and B, by
   some path, uses one A defines (read from the built objects with nm).
4. The README's Layout table names the stages in the same order.

Environment: SS_SRCDIR (sources), SS_BUILDDIR (a built tree)."""
import os
import re
import subprocess
import sys
from collections import defaultdict

SRC = os.environ.get("SS_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
BUILD = os.environ.get("SS_BUILDDIR") or SRC
INCLUDE_ROOTS = ["policy", "."]       # AM_CPPFLAGS: -I$(top_srcdir)/policy -I$(top_srcdir)


def read_layers():
    rank, peers = {}, []
    with open(os.path.join(SRC, "tests", "layout", "layers")) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                for d in line:
                    rank[d] = len(peers)
                peers.append(line)
    return rank, peers


def sources(rank):
    for d in rank:
        full = os.path.join(SRC, d)
        for name in sorted(os.listdir(full)):
            if name.endswith((".c", ".h")):
                yield d, os.path.join(d, name)


def resolve(frm, inc):
    for base in [os.path.dirname(frm)] + INCLUDE_ROOTS:
        p = os.path.normpath(os.path.join(base, inc))
        if os.path.isfile(os.path.join(SRC, p)):
            return p
    return None


def include_edges(rank):
    """(from_file, from_dir, to_dir, header) for every include across folders."""
    edges = []
    for d, f in sources(rank):
        with open(os.path.join(SRC, f), encoding="utf-8") as fh:
            for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', fh.read(), re.M):
                p = resolve(f, m.group(1))
                to = os.path.dirname(p) if p else None
                if to and to != d and to in rank:
                    edges.append((f, d, to, m.group(1)))
    return edges


def sccs(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(100000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def objects(rank):
    for d in rank:
        full = os.path.join(BUILD, d)
        if os.path.isdir(full):
            for name in sorted(os.listdir(full)):
                if name.endswith(".o"):
                    yield os.path.join(d, name)


def object_graph(objs):
    defs, uses = {}, defaultdict(set)
    for o in objs:
        out = subprocess.run(["nm", os.path.join(BUILD, o)], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRCV":
                defs[p[2]] = o
            elif len(p) == 2 and p[0] == "U":
                uses[o].add(p[1])
    graph = defaultdict(set)
    for o in objs:
        for s in uses[o]:
            if s in defs and defs[s] != o:
                graph[o].add(defs[s])
    return graph


def readme_stages():
    text = open(os.path.join(SRC, "README.md"), encoding="utf-8").read()
    m = re.search(r"^## Layout\n(.*?)(?=^## )", text, re.M | re.S)
    return re.findall(r"^\| `([^`]+)/` \|", m.group(1) if m else "", re.M)


def main():
    rank, peers = read_layers()
    checks = []

    edges = include_edges(rank)
    climbs = [e for e in edges if rank[e[2]] >= rank[e[1]]]
    checks.append(("every include between folders goes down the stage order (%d edges)"
                   % len({(e[1], e[2]) for e in edges}),
                   ["%s includes \"%s\" (%s is not below %s)" % (f, h, to, d)
                    for f, d, to, h in climbs]))

    fgraph = defaultdict(set)
    for _, d, to, _ in edges:
        fgraph[d].add(to)
    checks.append(("no cycle between folders",
                   ["cycle: " + " ".join(c) for c in sccs(fgraph)]))

    objs = list(objects(rank))
    if not objs:
        checks.append(("object files found in %s" % BUILD, ["none: build first"]))
    else:
        ograph = object_graph(objs)
        circles = sccs(ograph)
        why = []
        for c in circles:
            why.append("circle: " + " ".join(c))
            why += ["  %s uses %s" % (a, b) for a in c for b in sorted(ograph[a]) if b in c]
        checks.append(("no circle between object files (%d objects)" % len(objs), why))

    order = [d for line in peers for d in line]
    listed = [d for d in readme_stages() if d in rank]
    checks.append(("README's Layout table lists the stages in order",
                   [] if listed == order else
                   ["README lists %s, tests/layout/layers says %s" % (listed, order)]))

    print("1..%d" % len(checks))
    for i, (name, problems) in enumerate(checks, 1):
        print("%s %d - %s" % ("not ok" if problems else "ok", i, name))
        for p in problems:
            print("# " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
