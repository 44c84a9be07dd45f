#!/usr/bin/python3
"""growth.py [BUILD]: vtlint's time and peak memory on generated programs of
growing size, so that how they grow is seen (issue 11, item 6).

Two series, both from the differential tester's generator
(tests/differential/gen.py), so the code is the same kind of vtask code the
tester checks, with every construct it knows:
  size:  one function of 100 to 20,000 statements (nesting <= 4);
  depth: one function whose statements nest 10 to 200 blocks deep.
Each row: statements, source lines, vtlint's wall seconds and peak resident
memory (getrusage of the vtlint process), and the time per 1,000 statements
relative to the first row (1.00 = linear growth).  GROWTH_CPU=1: CPU seconds
instead of wall seconds (a loaded machine); GROWTH_SIZES / GROWTH_DEPTHS:
comma-separated rows instead of the defaults.  Not a test: read it.
"""
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "differential"))
import gen  # noqa: E402


def no_early_return(self, depth):
    """For the bench: an early return per ~50 statements at the top level
    makes everything after it dead code on some input pair (if (b) ... return;
    if (!b) ... return;), and vtlint's work on dead code is not what grows."""
    self.emit(depth, f"if ({self.cond()}) {{")
    for v in self.vars:
        if self.r.random() < 0.75:
            self.consume_stmt(v, depth + 1)
    self.emit(depth, "}")


gen.Unit.early_return = no_early_return


def deep_program(depth, seed):
    """A unit whose entry function nests `depth` blocks (if, loop, switch
    in turn), two statements at each level."""
    u = gen.Unit(0, random.Random(seed), 10 ** 9, dict(gen.FLAGS))
    u.handoffs = []
    u.maxdepth = 0                   # the random statements stay flat
    u.emit(0, "static void u0_f(int b0, int b1, int b2, int h, int s)")
    u.emit(0, "{")
    for _ in range(3):
        u.vars.append(u.new_var(u.kind(), 0, 1))
    closers = []
    for d in range(1, depth + 1):
        k = d % 3
        if k == 0:
            u.emit(d, f"if ({u.cond()}) {{")
            closers.append("}")
        elif k == 1:
            u.emit(d, f"for (int i{d} = 0; i{d} < 2; i{d}++) {{")
            closers.append("}")
        else:
            u.emit(d, f"switch (s) {{ case {d % 4}:")
            closers.append("break; default: break; }")
        for _ in range(2):
            u.stmt(d + 1, 0, False, False)
    for d in range(depth, 0, -1):
        u.emit(d, closers.pop())
    u.close(0, 1)
    u.emit(0, "}")
    return unit_text(u)


def unit_text(u):
    body = u.lines
    u.lines = []
    for name, text in u.helpers():
        u.lines += [(0, t) for t in text]
    u.lines += body
    u.emit(0, "static void u0_run(void *a)")
    u.emit(0, "{")
    u.emit(1, "const int *in = a;")
    u.emit(1, "u0_f(in[0], in[1], in[2], in[3], in[4]);")
    u.emit(0, "}")
    out = gen.PRELUDE.split("\n") + ["\t" * d + t for d, t in u.lines] + gen.main_text([0])
    return "\n".join(out) + "\n"


def measure(vtlint, inc, text, work):
    c = os.path.join(work, "g.c")
    with open(c, "w") as f:
        f.write(text)
    t0 = time.monotonic()
    p = subprocess.Popen([vtlint, "--quiet", "--format", "json", c, "--", "-I" + inc],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    el = time.monotonic() - t0
    if os.environ.get("GROWTH_CPU"):   # a loaded machine: CPU seconds, not wall
        el = ru.ru_utime + ru.ru_stime
    p.returncode = os.waitstatus_to_exitcode(status)
    return el, ru.ru_maxrss / 1024.0, out.count(b'"rule"'), p.returncode


def row(label, n, text, base, vtlint, inc, work):
    el, mb, nf, rc = measure(vtlint, inc, text, work)
    per = el / n * 1000
    ratio = per / base if base else 1.0
    state = "" if rc in (0, 1) else f"  (vtlint exited {rc})"
    print(f"{label:>6} {n:>7} {text.count(chr(10)):>7} {el:>9.3f} {mb:>9.1f} {nf:>8} "
          f"{ratio:>9.2f}{state}", flush=True)
    return base or per


def sizes(name, default):
    """GROWTH_SIZES=100,1000 (GROWTH_DEPTHS=...): fewer rows on a slow machine."""
    v = os.environ.get(name)
    return tuple(int(x) for x in v.split(",")) if v else default


SIZES = sizes("GROWTH_SIZES", (100, 500, 1000, 2000, 5000, 10000, 20000))
DEPTHS = sizes("GROWTH_DEPTHS", (10, 25, 50, 100, 200))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    vtlint = os.path.join(ROOT, build, "vtlint")
    inc = os.path.join(ROOT, "runtime", "include")
    if not os.path.exists(vtlint):
        sys.exit(f"growth.py: {vtlint} does not exist: build first")
    head = f"{'series':>6} {'stmts':>7} {'lines':>7} {'seconds':>9} {'peak MB':>9} {'findings':>8} {'per-stmt':>9}"
    with tempfile.TemporaryDirectory(prefix="growth") as work:
        print("vtlint on one generated function of growing size (per-stmt: time per "
              "statement against the first row)")
        print(head)
        base = None
        for n in SIZES:
            text, _ = gen.program("growth", [0], n, dict(gen.FLAGS))
            base = row("size", n, text, base, vtlint, inc, work)
        print(head)
        base = None
        for depth in DEPTHS:
            text = deep_program(depth, "growth")
            base = row("depth", depth * 2, text, base, vtlint, inc, work)


if __name__ == "__main__":
    main()
