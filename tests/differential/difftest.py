#!/usr/bin/python3
"""vtlint against libvtask's checked mode on generated programs.

  difftest.py batch  --seeds 1,2 -n 200 [--build DIR]   fixed batch: exit 1 on a difference
  difftest.py fuzz   --seeds 7 -n 100000 [--out DIR]     until N programs or the first
                                                         difference, reduced with C-Vise
  difftest.py check  PROG.c META.json                    one program (used by the reducer)

A *program* is one generator unit (tests/differential/gen.py): seed S, unit
U.  Programs are linted, compiled and run in files of --per-file units to
amortise vtlint's and the compiler's start-up; a file that differs is split
into its units, each checked alone, so what is reported is one program.

The comparison (rules.md, fixture format): the runtime's reports over all 64
inputs against vtlint's findings, VT001/VT003/VT006 by line, VT002/VT005/VT007
by place (a helper's body and its calls are one place, as are a hand-off and
the waiter fiber's await, and every reference made to one vt_task), VT004
against the stores the generator planted.
"""
import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import gen  # noqa: E402

RT = re.compile(r"^vtask: misuse (VT\d{3}) at (.*):(\d+):")
SEEN = re.compile(r"^difftest: store at (\d+)$")
UNSEEN = os.path.join(HERE, "unseen.c")
DYN_RULES = ("VT001", "VT002", "VT003", "VT005", "VT006", "VT007")


class Tools:
    def __init__(self, a):
        root = os.path.dirname(os.path.dirname(HERE))
        b = a.build if os.path.isabs(a.build) else os.path.join(root, a.build)
        self.vtlint = a.vtlint or os.path.join(b, "vtlint")
        self.lib = a.lib or os.path.join(b, "runtime", "libvtask.a")
        self.inc = a.inc or os.path.join(root, "runtime", "include")
        self.cc = a.cc
        self.cflags = a.cflags.split()
        self.flags = gen.parse_flags(a.enable, a.disable)
        for f in (self.vtlint, self.lib):
            if not os.path.exists(f):
                raise SystemExit(f"difftest: {f} does not exist (build first, or give --build)")


def lint(t, path):
    """vtlint's findings as a list of (rule, line); raises on failure."""
    p = subprocess.run([t.vtlint, "--format", "json", path, "--", "-I" + t.inc],
                       capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"vtlint exited {p.returncode}: {p.stderr.strip()[:2000]}")
    doc = json.loads(p.stdout)
    if doc.get("errors"):
        raise RuntimeError(f"vtlint errors: {doc['errors']}")
    # Functions analysed past the path budget: a finding missed there shows
    # as a difference; the count says how often the budget was reached.
    t.limits = len(doc.get("limits", []))
    return [(d["rule"], d["line"]) for d in doc["diagnostics"]]


def build(t, path, exe, werror=True):
    # A leaked vtask local is what some programs are about: not a warning here;
    # nor a helper whose last call a reduction removed.
    w = ["-Wall", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
         "-Wno-unused-function", "-Werror"] if werror else []
    # unseen.c: the code the programs call and vtlint does not see.
    p = subprocess.run([t.cc, "-std=gnu11", *w, *t.cflags, "-I" + t.inc, path, UNSEEN, t.lib,
                        "-pthread", "-o", exe], capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise RuntimeError(f"does not compile:\n{p.stderr[:3000]}")


def run(exe, args=(), timeout=60):
    """The runtime's reports as a list of (rule, line), and the exit status."""
    # P operations leak their vt_task by design: no leak checker on programs.
    env = dict(os.environ, VT_CHECK="1", ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run([exe, *map(str, args)], capture_output=True, text=True,
                       env=env, timeout=timeout)
    reps = []
    for ln in p.stderr.splitlines():
        m = RT.match(ln)
        if m:
            # A report inside unseen.c has no line of the program: line 0,
            # which check_file calls a generator fault.
            inside = os.path.basename(m.group(2)) == "unseen.c"
            reps.append((m.group(1), 0 if inside else int(m.group(3))))
        m = SEEN.match(ln)
        if m:
            reps.append(("store", int(m.group(1))))
    return reps, p.returncode, p.stderr


def norm(rule):
    """VT002 compares as VT001: a third await of a handed-off operation is
    VT002 for the runtime while the waiter has not resumed yet, and VT001
    for vtlint (the body consumed it already); which one is timing, not a
    fault of either side."""
    return "VT001" if rule == "VT002" else rule


def compare(meta, static, dynamic):
    """Differences per unit: {unit: [(side, rule, line), ...]} where side is
    'vtlint' (only vtlint reports it) or 'runtime' (only the runtime does);
    for VT004, 'vtlint' or 'generator' (planted, not reported)."""
    diffs = {}
    for um in meta["units"]:
        lo, hi = um["first"], um["last"]
        g = {int(k): v for k, v in um["groups"].items()}

        def place(rule, line):
            return g.get(line, line) if rule in ("VT002", "VT005", "VT001", "VT007") else line

        def mine(rs):
            return {(norm(r), place(r, ln)) for r, ln in rs if lo <= ln <= hi}
        s = {x for x in mine(static) if x[0] in DYN_RULES}
        d = {x for x in mine(dynamic) if x[0] in DYN_RULES}
        out = [("vtlint", r, ln) for r, ln in sorted(s - d)]
        out += [("runtime", r, ln) for r, ln in sorted(d - s)]
        s4 = {ln for r, ln in static if r == "VT004" and lo <= ln <= hi}
        p4 = set(um["stores"])
        ran = {ln for r, ln in dynamic if r == "store" and lo <= ln <= hi}
        out += [("vtlint", "VT004", ln) for ln in sorted(s4 - p4)]
        out += [("runtime", "VT004", ln) for ln in sorted(ran - s4)]
        out += [("generator", "VT004", ln) for ln in sorted((s4 & p4) - ran)]
        other = {(r, ln) for r, ln in static if lo <= ln <= hi and
                 r not in DYN_RULES and r != "VT004"}
        out += [("vtlint", r, ln) for r, ln in sorted(other)]
        if out:
            diffs[um["unit"]] = out
    return diffs


def check_file(t, seed, units, size, work):
    """Generate, lint, build and run one file of units.  Returns (diffs,
    error): error is a string when the program is not valid (a generator
    fault) or a tool failed."""
    text, meta = gen.program(seed, units, size, t.flags)
    c = os.path.join(work, "p.c")
    with open(c, "w") as f:
        f.write(text)
    try:
        static = lint(t, c)
        build(t, c, os.path.join(work, "p"))
        dyn, rc, err = run(os.path.join(work, "p"))
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return {}, str(e)
    if any(ln == 0 for _, ln in dyn):
        return {}, f"the runtime reported misuse inside unseen.c:\n{err[-2000:]}"
    want = 66 if any(r != "store" for r, _ in dyn) else 0
    if rc != want:
        return {}, f"program exited {rc} (want {want}):\n{err[-2000:]}"
    return compare(meta, static, dyn), None


def job(args):
    """One file of the batch: (seed, units) -> result record."""
    t, seed, units, size = args
    with tempfile.TemporaryDirectory(prefix="difft") as w:
        diffs, err = check_file(t, seed, units, size, w)
        limits = getattr(t, "limits", 0)
        for u in [u for u, d in diffs.items() if len(units) > 1 and any(
                x[:2] == ("vtlint", "VT007") for x in d)]:
            # The runtime's VT007 scan is conservative: a stale word in
            # the heap of a long run (many units, 64 inputs each) that
            # equals a leaked task's address hides the leak.  A unit alone
            # has a small heap: its own run is the one that counts.
            alone, err1 = check_file(t, seed, [u], size, w)
            diffs.pop(u)
            if alone.get(u):
                diffs[u] = alone[u]
            err = err or err1
    return seed, units, diffs, err, limits


def files_of(seeds, n, per):
    for s in seeds:
        for first in range(0, n, per):
            yield s, list(range(first, min(n, first + per)))


def sweep(t, a, stop_first):
    """Runs the programs; returns the list of (seed, unit, diffs|error)."""
    tasks = [(t, s, u, a.size) for s, u in files_of(a.seeds, a.n, a.per_file)]
    bad, done, limits, t0 = [], 0, 0, time.time()
    last = t0
    with multiprocessing.Pool(a.jobs) as pool:
        for seed, units, diffs, err, nlim in pool.imap_unordered(job, tasks):
            done += len(units)
            limits += nlim
            if err:
                bad.append((seed, units, err))
            for u, d in sorted(diffs.items()):
                bad.append((seed, [u], d))
            now = time.time()
            if now - last > 10 or done == a.n * len(a.seeds):
                print(f"difftest: {done} programs, {done / (now - t0):.1f} programs/s, "
                      f"{len(bad)} differing", flush=True)
                last = now
            if bad and stop_first:
                pool.terminate()
                break
    el = time.time() - t0
    print(f"difftest: {done} programs in {el:.1f} s: {done / el:.1f} programs/s "
          f"(seeds {','.join(a.seeds)}, {a.jobs} jobs); {limits} functions past "
          f"vtlint's path budget")
    return bad


def describe(t, seed, unit, size, outdir):
    """Writes the program of one unit alone, checks it again and finds the
    inputs that show each runtime-only report.  Returns the text."""
    text, meta = gen.program(seed, [unit], size, t.flags)
    os.makedirs(outdir, exist_ok=True)
    c = os.path.join(outdir, f"s{seed}_u{unit}.c")
    with open(c, "w") as f:
        f.write(text)
    with open(c[:-2] + ".json", "w") as f:
        json.dump(meta, f)
    static = lint(t, c)
    exe = c[:-2]
    build(t, c, exe)
    dyn, _, _ = run(exe)
    diffs = compare(meta, static, dyn).get(unit, [])
    lines = [f"seed {seed} unit {unit}: {c}"]
    for side, rule, ln in diffs:
        who = [m for m in range(meta["inputs"])
               if any(norm(r) == rule and meta["units"][0]["groups"].get(l2, l2) == ln
                      for r, l2 in run(exe, (0, m))[0])] if side == "runtime" else []
        shown = f" (inputs {who[:8]})" if who else (" (no input shows it)" if side == "vtlint" else "")
        lines.append(f"  {rule} at line {ln}: only {side} reports it{shown}")
    return "\n".join(lines), c, diffs


def ranges(lines, lo, hi):
    """Removable statement ranges [a, b] among lines lo..hi: one-line
    statements, and blocks from their opening line to their closing one
    (an if with its else, a loop, a switch).  `} else {` alone is none."""
    before, d = [], 0
    for ln in lines[lo:hi + 1]:
        before.append(d)
        d += ln.count("{") - ln.count("}")
    out = []
    for k, ln in enumerate(lines[lo:hi + 1]):
        net = ln.count("{") - ln.count("}")
        if net == 0 and not ln.lstrip().startswith("}"):
            out.append((lo + k, lo + k))
        elif net > 0:
            for m in range(k + 1, hi - lo + 1):
                if before[m] + lines[lo + m].count("{") - lines[lo + m].count("}") <= before[k]:
                    out.append((lo + k, lo + m))
                    break
    return sorted(out, key=lambda r: r[0] - r[1])


class Cut:
    """The program with some of its lines left out, and its meta renumbered."""
    def __init__(self, lines, meta, keep):
        self.keep = keep
        self.new = {}
        for n, old in enumerate(k for k in range(len(lines)) if keep[k]):
            self.new[old + 1] = n + 1
        self.text = "\n".join(ln for k, ln in enumerate(lines) if keep[k]) + "\n"
        um = meta["units"][0]
        nw = self.new
        g = {nw[int(a)]: nw[b] for a, b in um["groups"].items() if int(a) in nw and b in nw}
        self.meta = dict(meta, units=[dict(um, first=nw[um["first"]], last=max(g), groups=g,
                                           stores=[nw[x] for x in um["stores"] if x in nw])])


def still(t, cut, target, work):
    """True when the cut program is valid and still shows the target
    difference (side, rule, original line)."""
    c = os.path.join(work, "cut.c")
    with open(c, "w") as f:
        f.write(cut.text)
    try:
        static = lint(t, c)
        build(t, c, os.path.join(work, "cut"))
        dyn, rc, _ = run(os.path.join(work, "cut"), timeout=20)
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return False
    if rc != (66 if any(r != "store" for r, _ in dyn) else 0):
        return False
    side, rule, line = target
    if line not in cut.new:
        return False
    return (side, rule, cut.new[line]) in compare(cut.meta, static, dyn).get(cut.meta["units"][0]["unit"], [])


def shrink(t, c, meta, target):
    """Statement-level delta debugging over the unit's entry function: the
    generator's own shapes are kept (conditions stay input bits, loops stay
    counted), so what is left is still a program whose paths are its runs."""
    lines = open(c).read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    f0 = next(k for k, ln in enumerate(lines) if re.match(r"static void u\d+_f\(", ln))
    f1 = next(k for k in range(f0 + 2, len(lines)) if lines[k] == "}")
    keep = [True] * len(lines)
    with tempfile.TemporaryDirectory(prefix="dtcut") as w:
        changed = True
        while changed:
            changed = False
            for a, b in ranges(lines, f0 + 2, f1 - 1):
                if not keep[a] or not any(keep[a:b + 1]):
                    continue
                trial = keep[:]
                trial[a:b + 1] = [False] * (b - a + 1)
                if still(t, Cut(lines, meta, trial), target, w):
                    keep, changed = trial, True
        # Helpers nobody calls any more, and blank lines.
        cut = Cut(lines, meta, keep)
    out = c[:-2] + ".min.c"
    with open(out, "w") as f:
        f.write(cut.text)
    return out, cut.new.get(target[2])


def reduce(t, c, side, rule, timeout, budget):
    """C-Vise over the entry function of a shrunk program c, keeping the
    difference (`interesting`); returns the path of the result or None."""
    if not shutil.which("cvise"):
        print("difftest: cvise not found (scripts/deps.sh --tests installs it): "
              "kept the statement-level reduction only")
        return None
    red = c[:-2] + ".cvise.c"
    shutil.copy(c, red)
    shutil.copy(c, red + ".orig")
    test = os.path.join(os.path.dirname(c), "interesting.sh")
    # A fault the runtime saw and vtlint missed is real whatever the paths:
    # C-Vise may then reshape freely.  A finding only vtlint makes rests on
    # the paths, so those keep the generator's shapes.
    orig = f"--orig {red}.orig " if side != "runtime" else ""
    with open(test, "w") as f:
        f.write("#!/bin/sh\n"
                f"exec /usr/bin/python3 {os.path.abspath(__file__)} interesting "
                f"--vtlint {t.vtlint} --lib {t.lib} --inc {t.inc} --cc {t.cc} "
                f"{orig}--side {side} --rule {rule} {os.path.basename(red)}\n")
    os.chmod(test, 0o755)
    try:
        subprocess.run(["cvise", "--n", "2", "--timeout", str(timeout), test, red],
                       cwd=os.path.dirname(red), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=budget)
    except subprocess.TimeoutExpired:
        pass
    return red


# Lines of the entry function that keep a program's paths equal to its runs:
# C-Vise may delete and simplify, but not turn a counted loop into another
# loop or split a one-line inspection guard.
GUARD1 = re.compile(r"vtask_is_completed\((\w+)\) \? vtask_get_result\(\1, NULL\) : "
                    r"\(vt_task_release\(vtask_as_task\(\1\)\), 0\)")
GUARD2 = re.compile(r"if \(vtask_is_completed\((\w+)\)\) \(void\)vtask_get_result\(\1, NULL\); "
                    r"else vt_task_release\(vtask_as_task\(\1\)\);")
LOOPS = (re.compile(r"for \(int (\w+) = 0; \1 < 2; \1\+\+\)"), re.compile(r"while \(\+\+\w+ < 2\)"),
         re.compile(r"if \(\w+\+\+ < 1\) goto"))


def shaped(text, orig):
    """The scaffold (everything but the entry function's body) is the
    original's, and the body only has the generator's shapes."""
    head = orig.split("\n{\n", 1)
    m = re.search(r"(?s)\nstatic void (u\d+)_f\(int b0, int b1, int b2, int h, int s\)\n\{\n(.*)\n\}\n"
                  r"static void \1_run", text)
    m0 = re.search(r"(?s)^(.*\nstatic void u\d+_f\(int b0, int b1, int b2, int h, int s\)\n\{\n).*"
                   r"(\n\}\nstatic void u\d+_run.*)$", orig)
    if not m or not m0 or not head:
        return False
    if not text.startswith(m0.group(1)) or not text.endswith(m0.group(2)):
        return False
    body = m.group(2)
    for ln in body.split("\n"):
        rest = GUARD2.sub("", GUARD1.sub("", ln))
        if "vtask_is_completed" in rest:
            return False
        if re.search(r"\b(for|while)\b|\+\+|--", ln) and not any(p.search(ln) for p in LOOPS):
            return False
    return True


def interesting(t, a):
    """Exit 0 when the file is valid and still shows `side` reporting `rule`
    more than the other side: lines (VT001/VT003/VT006) or places (VT002/VT005/VT007,
    counted since groups do not survive reduction)."""
    if a.orig and not shaped(open(a.file).read(), open(a.orig).read()):
        return 1
    with tempfile.TemporaryDirectory(prefix="dtint") as w:
        try:
            static = lint(t, a.file)
            build(t, a.file, os.path.join(w, "p"))
            dyn, rc, _ = run(os.path.join(w, "p"), timeout=10)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError):
            return 1
    if rc not in (0, 66):
        return 1
    s = {ln for r, ln in static if norm(r) == a.rule}
    d = {ln for r, ln in dyn if norm(r) == a.rule}
    if a.rule == "VT004":
        return 0 if (a.side == "vtlint") == bool(s) else 1
    if a.rule in ("VT001", "VT003", "VT006"):
        # Only lines of the entry function count: a helper's line (where the
        # runtime reports) against its call's (where vtlint does) is no
        # difference.
        text = open(a.file).read().split("\n")
        f0 = next((k for k, ln in enumerate(text) if re.match(r"\s*static void u\d+_f\(", ln)), None)
        f1 = next((k for k, ln in enumerate(text) if re.match(r"\s*static void u\d+_run\(", ln)), None)
        if f0 is None or f1 is None:
            return 1
        alone = (s - d) if a.side == "vtlint" else (d - s)
        return 0 if any(f0 < ln <= f1 for ln in alone) else 1
    return 0 if ((len(s) > len(d)) if a.side == "vtlint" else (len(d) > len(s))) else 1


def selftest(t):
    """The oracle must notice each of vtlint's findings missing, and a
    finding vtlint did not make: one generated file, perturbed."""
    text, meta = gen.program("selftest", [0, 1, 2], 25, t.flags)
    with tempfile.TemporaryDirectory(prefix="dtself") as w:
        c = os.path.join(w, "p.c")
        with open(c, "w") as f:
            f.write(text)
        static = lint(t, c)
        build(t, c, os.path.join(w, "p"))
        dyn, _, _ = run(os.path.join(w, "p"))
    fails = 0
    base = compare(meta, static, dyn)
    groups = {}
    for um in meta["units"]:
        groups.update({int(a): b for a, b in um["groups"].items()})

    def place(r, ln):
        return (norm(r), groups.get(ln, ln) if r != "VT003" else ln)
    for k, f in enumerate(static):
        rest = static[:k] + static[k + 1:]
        if compare(meta, rest, dyn) == base and place(*f) not in {place(*x) for x in rest}:
            print(f"selftest: dropping vtlint's {f} went unnoticed")
            fails += 1
    um = meta["units"][1]
    extra = static + [("VT003", um["last"] - 1)]
    if compare(meta, extra, dyn).get(1) == base.get(1):
        print("selftest: an extra VT003 went unnoticed")
        fails += 1
    if compare(meta, static, dyn + [("VT001", um["last"] - 1)]).get(1) == base.get(1):
        print("selftest: an extra runtime VT001 went unnoticed")
        fails += 1
    print(f"selftest: {len(static)} findings, {len(dyn)} runtime reports, {fails} failures")
    return 1 if fails or not static or not dyn else 0


def seed_list(text):
    """`1,2,7`, `1-20` or both: the seeds in order."""
    out = []
    for part in filter(None, text.replace(" ", ",").split(",")):
        lo, dash, hi = part.partition("-")
        if dash and lo.isdigit() and hi.isdigit():
            out += [str(k) for k in range(int(lo), int(hi) + 1)]
        else:
            out.append(part)
    return out


def common(ap):
    ap.add_argument("--build", default="build")
    ap.add_argument("--vtlint")
    ap.add_argument("--lib")
    ap.add_argument("--inc")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--cflags", default="", help="extra flags for the programs (sanitizers)")
    ap.add_argument("--enable", default="", help="generator flags: " + ",".join(gen.FLAGS))
    ap.add_argument("--disable", default="", help="generator flags to turn off")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("batch", "fuzz"):
        p = sub.add_parser(name)
        common(p)
        p.add_argument("--seeds", default="1", type=seed_list, help="seeds: 1,2,7 or 1-20")
        p.add_argument("-n", type=int, default=100, help="programs per seed")
        p.add_argument("--size", type=int, default=25, help="statements per program")
        p.add_argument("--per-file", type=int, default=20)
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
        p.add_argument("--out", default="difftest-out")
        p.add_argument("--reduce-timeout", type=int, default=30, help="seconds per C-Vise test")
        p.add_argument("--cvise-budget", type=int, default=600, help="seconds for all of C-Vise")
        p.add_argument("--no-cvise", action="store_true")
        p.add_argument("--describe", type=int, default=10,
                       help="differing programs written out and explained (batch)")
    common(sub.add_parser("selftest"))
    p = sub.add_parser("interesting")
    common(p)
    p.add_argument("--side", required=True)
    p.add_argument("--rule", required=True)
    p.add_argument("--orig", help="the program before C-Vise: its scaffold must stay")
    p.add_argument("file")
    a = ap.parse_args()
    t = Tools(a)
    if a.cmd == "interesting":
        return interesting(t, a)
    if a.cmd == "selftest":
        return selftest(t)
    a.seeds = [s for s in a.seeds if s]
    bad = sweep(t, a, stop_first=(a.cmd == "fuzz"))
    if not bad:
        return 0
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "differences.json"), "w") as f:
        json.dump([{"seed": s, "units": u, "diff": d} for s, u, d in bad], f, indent=1)
    print(f"difftest: every difference listed in {out}/differences.json")
    for seed, units, d in bad[:1] if a.cmd == "fuzz" else bad[:a.describe]:
        if isinstance(d, str):
            print(f"difftest: seed {seed} units {units[0]}..{units[-1]}: invalid: {d}")
            continue
        text, c, diffs = describe(t, seed, units[0], a.size, out)
        print(text)
        if a.cmd == "fuzz" and diffs:
            meta = json.load(open(c[:-2] + ".json"))
            small, line = shrink(t, c, meta, diffs[0])
            print(f"difftest: statement-level reduction: {small} "
                  f"({diffs[0][1]} at line {line}, only {diffs[0][0]})")
            if not a.no_cvise:
                red = reduce(t, small, diffs[0][0], diffs[0][1], a.reduce_timeout, a.cvise_budget)
                if red:
                    print(f"difftest: C-Vise reduction: {red}")
    print(f"difftest: programs kept under {out}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
