#!/usr/bin/python3
"""Random vtask programs for differential testing (Csmith/YARPGen style).

A program is a few *units*; each unit is an entry function `uN_f(b0, b1, b2,
h, s)` plus its helpers.  main() runs every unit for every input (the b's
and h are bits, s is 0..3) in a fiber of a fresh loop, or only the unit and
input given as argv[1] argv[2].  h is only passed to helpers that branch on
it, since vtlint does not carry a caller's facts into a callee.  Every branch condition is an input parameter, a
`case` of s, or a counted loop, so the paths vtlint's rules allow are exactly
the executions main() makes (rules.md, "facts about values").

Why the programs look the way they do:
- Each vtask local has one *kind*, so that whether an operation is complete
  is the same for vtlint and for the runtime at every use:
    S  vtask_from_result/from_error here: known completed, and complete;
    S2 made in a helper (mk, store-new): complete, but vtlint must not assume
       it, so S2 is never get_result'ed unguarded;
    P  vtask_from_task(vt_task_new()): never completes (get_result is VT003
       on both sides), never awaited;
    H  pending until hfire(): the only kind handed to a waiter fiber (VT002);
       the body awaits it only as (hfire(), vtask_await(h, NULL)).
  A thread (threads) awaits only S and S2 (outside a fiber an incomplete
  vtask cannot be awaited, and the runtime reports that under no rule); H
  goes to a thread that posts it to a fiber of the loop (vt_post).
- Every consuming or inspecting statement is one line, so that a fault on a
  branch the run did not take still shares its line with the one it took.
- Loop bodies only assign fresh operations to variables declared outside the
  loop: then the state after one iteration and after two is the same, and
  two iterations (what the program runs) show every fault that the rules'
  "one or more iterations" show.
- Place groups (lines of a helper and of its calls; the waiter and the
  hand-offs) tell the oracle which runtime line stands for which vtlint line.
"""
import argparse
import random
import sys

NBITS = 3            # inputs: bits b0..b2, h, and s in 0..3: 64 runs per unit
NINPUTS = (1 << (NBITS + 1)) * 4

# Features behind flags: what the analyzer or runtime may not have yet.
FLAGS = {
    "zero": True,        # the zero vtask: {0} and VTASK_COMPLETED
    "ptr": True,         # per-path local vtask * pointers
    "constfacts": True,  # while loops whose first test rests on `int i = 0;`
    "retconst": True,    # a helper's return constant guarding a consumption
    "recursion": True,   # a recursive helper that only inspects its parameter
    "orfacts": True,     # a test of b && b' whose false side is needed later
    "producer": True,    # vt_source producers (VT006) and vt_task * references (VT007)
    "threads": True,     # &x handed to pthread_create / thrd_create (VT002)
    "unseen": True,      # &x given to unseen code: unseen.c, or a function pointer
    "srchelpers": True,  # producer: helpers taking vt_source * (clean across the call)
    "srckept": True,     # srchelpers: a helper that only makes a vtask keeps what is known
    "srcpool": True,     # producer: `vt_source *sp = &pool[i];` declared in a loop body
    # Sub-flags of producer, off: constructs on which vtlint and the runtime
    # part ways (the programs are in the report; README.md says why).
    "srcmember": False,  # the source as a member of a local struct (&ps.s)
    "stale": False,      # a stale-token or old-version vtask left unconsumed or outstanding at a reset
}

PRELUDE = r"""#include <vtask.h>
#include <pthread.h>
#include <threads.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* H operations: pending until hfire() completes them all. */
static vt_loop *g_loop;
static vt_task *g_h[4096];
static int g_nh;
static inline vt_task *hreg(vt_task *t)
{
	if (g_nh == 4096)
		abort();
	g_h[g_nh++] = vt_task_retain(t);
	return t;
}
static void hfire(void)
{
	for (int i = 0; i < g_nh; i++) {
		vt_task_complete(g_h[i], NULL);
		vt_task_release(g_h[i]);
		/* A stale pointer in a global would hide a leaked task that
		   reuses the memory from VT007's reachability scan. */
		g_h[i] = NULL;
	}
	g_nh = 0;
}
struct box { vtask t; int n; };
struct psrc { int n; vt_source s; };
/* A planted store ran: VT004 is static only, so this is how the oracle
   knows which planted stores are on a path (dead code draws no finding). */
static inline void seen(int line)
{
	fprintf(stderr, "difftest: store at %d\n", line);
}
#define VT_AWAIT(x) ((void)vtask_await((x), NULL))
#define VT_DROP(x) vt_task_release(vtask_as_task(x))
/* In unseen.c, which vtlint does not see: consumes *p, leaves {0} there. */
void dt_take(vtask *p);
/* A thread reached the loop with vt_post: the posted fiber sets g_posted
   once it has read the vtask and begun awaiting, and the fiber that handed
   it over waits for that, so that it never changes the vtask first. */
static volatile int g_posted;
static inline void tsync(void)
{
	while (!g_posted)
		vt_yield();
	g_posted = 0;
}
"""


class Groups:
    """Union-find over (unit-relative) line numbers."""
    def __init__(self):
        self.p = {}

    def find(self, x):
        while self.p.get(x, x) != x:
            x = self.p[x]
        return x

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


class Var:
    def __init__(self, name, kind, loop):
        self.name, self.kind, self.loop = name, kind, loop
        self.ptr = None      # for (*pN): the pointer's name


class Unit:
    def __init__(self, idx, rng, size, flags):
        self.i, self.r, self.size, self.flags = idx, rng, size, flags
        self.lines = []          # (indent, text)
        self.groups = Groups()
        self.stores = []         # line indices of planted VT004 stores
        self.calls = {}          # helper name -> list of call line indices
        self.ranges = {}         # helper name -> (first, last) line index
        self.labels = 0
        self.budget = size
        self.vars = []
        self.nvar = 0
        self.punions = []        # (line, line): one VT007 place (one task's references)
        self.handoffs = []       # lines of hand-offs to the waiter fiber
        self.fp_used = False     # ft is called through its pointer

    # ---- emission ----
    def emit(self, depth, text):
        self.lines.append((depth, text))
        return len(self.lines) - 1

    def p(self, x):
        return f"u{self.i}_{x}"

    def call(self, helper, depth, text):
        ln = self.emit(depth, text)
        self.calls.setdefault(helper, []).append(ln)
        return ln

    # ---- expressions ----
    def bit(self):
        return f"b{self.r.randrange(NBITS)}"

    def cond(self):
        r = self.r.random()
        if r < 0.45:
            return self.bit()
        if r < 0.6:
            return "!" + self.bit()
        # Tests of s name 0..2 only: s == 3 stands for every other value,
        # the one vtlint must also consider.
        if r < 0.7:
            return f"s == {self.r.randrange(3)}"
        if r < 0.75:
            return f"s != {self.r.randrange(3)}"
        if not self.flags["orfacts"]:
            return self.bit()
        if r < 0.87:
            return f"{self.bit()} && {self.bit()}"
        return f"{self.bit()} || !{self.bit()}"

    def fresh(self, kind):
        if kind == "S":
            if self.r.random() < 0.8:
                return f"vtask_from_result((void *){self.r.randrange(1, 9)})"
            return f"vtask_from_error({self.r.randrange(1, 30)})"
        if kind == "S2":
            return None      # made by a helper: see make_s2
        if kind == "P":
            return "vtask_from_task(vt_task_new())"
        return "vtask_from_task(hreg(vt_task_new()))"

    def consume_expr(self, v):
        """An int expression consuming v, on one line."""
        n, k = v.name, v.kind
        if k == "H":
            return f"(hfire(), vtask_await({n}, NULL))"
        forms = ["as"]
        if k in ("S", "S2"):
            forms += ["await", "await"]
        if k in ("S", "P"):
            forms += ["get"]
        forms += ["guard"]
        f = self.r.choice(forms)
        if f == "await":
            return f"vtask_await({n}, NULL)"
        if f == "get":
            return f"vtask_get_result({n}, NULL)"
        if f == "as":
            return f"(vt_task_release(vtask_as_task({n})), 0)"
        return (f"(vtask_is_completed({n}) ? vtask_get_result({n}, NULL) : "
                f"(vt_task_release(vtask_as_task({n})), 0))")

    def consume_stmt(self, v, depth):
        n = v.name
        r = self.r.random()
        if v.kind == "H":
            return self.emit(depth, f"(void){self.consume_expr(v)};")
        if v.kind in ("S", "S2") and r < 0.12:
            return self.emit(depth, f"VT_AWAIT({n});")
        if r < 0.22:
            return self.emit(depth, f"VT_DROP({n});")
        if r < 0.3:
            return self.emit(depth, f"({{ int r_ = {self.consume_expr(v)}; (void)r_; }});")
        if v.kind in ("S", "P") and r < 0.4:
            return self.emit(depth, f"if (vtask_is_completed({n})) (void)vtask_get_result({n}, NULL); "
                                    f"else vt_task_release(vtask_as_task({n}));")
        return self.emit(depth, f"(void){self.consume_expr(v)};")

    # ---- variables ----
    def new_var(self, kind, loop, depth, decl=True):
        v = Var(f"v{self.nvar}", kind, loop)
        self.nvar += 1
        self.assign(v, depth, decl=True)
        return v

    def assign(self, v, depth, decl=False):
        t = "vtask " if decl else ""
        if self.flags["zero"] and self.r.random() < 0.15:
            # The zero vtask: complete, nothing behind it, fine to drop.
            if decl:
                return self.emit(depth, f"vtask {v.name} = {self.r.choice(['{0}', 'VTASK_COMPLETED'])};")
            return self.emit(depth, f"{v.name} = VTASK_COMPLETED;")
        if v.kind == "S2":
            if decl or self.r.random() < 0.6:
                return self.call("mk", depth, f"{t}{v.name} = {self.p('mk')}();")
            return self.call("hn", depth, f"{self.p('hn')}(&{v.name});")
        if v.kind == "H" and not decl and self.r.random() < 0.5:
            return self.handoff(v, depth, fresh=True)
        return self.emit(depth, f"{t}{v.name} = {self.fresh(v.kind)};")

    def handoff(self, v, depth, fresh):
        new = f"{v.name} = {self.fresh('H')}; " if fresh else ""
        ln = self.emit(depth, f"{new}vt_spawn(g_loop, {self.p('waiter')}, &{v.name}); vt_yield();")
        self.handoffs.append(ln)
        return ln

    def thread_handoff(self, depth):
        """&x (or a local pointer holding it) to another thread, joined at
        once so that the thread has read x before this fiber goes on.  A
        thread is no fiber: it awaits only complete kinds (an incomplete one
        would be VT_EMISUSE with no report, and its task never released);
        or it hands the pointer to a fiber of the loop with vt_post, which
        may wait (VT002 when this fiber also consumes it), and this fiber
        yields until that fiber has read x (tsync)."""
        v = self.pick(lambda x: x.kind in ("S", "S2", "H"))
        if v is None:
            return
        new = ""
        if v.ptr:
            arg = v.ptr
        elif self.r.random() < 0.3:
            arg = "q_"
        else:
            arg = f"&{v.name}"
        if v.kind in ("S", "H") and not v.ptr and self.r.random() < 0.3:
            new = f"{v.name} = {self.fresh(v.kind)}; "
        q = f"vtask *q_ = &{v.name}; " if arg == "q_" else ""
        f = "tp" if v.kind == "H" else self.r.choice(["tw", "tt", "tp"])
        if f == "tt":
            text = f"thrd_t th_; thrd_create(&th_, {self.p('tt')}, {arg}); thrd_join(th_, NULL);"
        else:
            text = (f"pthread_t th_; pthread_create(&th_, NULL, {self.p(f)}, {arg}); "
                    f"pthread_join(th_, NULL);{' tsync();' if f == 'tp' else ''}")
        self.call(f, depth, f"{new}{{ {q}{text} }}")

    def unseen_call(self, depth):
        """&x to code vtlint does not see (unseen.c's dt_take, or ft through
        a function pointer), just after x is given a fresh operation: the
        callee consumes that once and leaves the zero vtask in x, so that
        nothing the unit does with x later is misuse for the runtime, as it
        is no finding for vtlint (x is tracked again from its next
        assignment)."""
        v = self.pick(lambda x: not x.ptr)
        if v is None:
            return
        if self.r.random() < 0.5:
            f = "dt_take"
        else:
            f = self.p("fp")
            self.fp_used = True
        arg = f"&{v.name}"
        if self.r.random() < 0.25:
            arg = "q_"
        call = f"{f}({arg});" if arg != "q_" else f"{{ vtask *q_ = &{v.name}; {f}(q_); }}"
        if v.kind == "S2":
            self.call("mk", depth, f"{v.name} = {self.p('mk')}(); {call}")
        else:
            self.emit(depth, f"{v.name} = {self.fresh(v.kind)}; {call}")

    def pick(self, pred=lambda v: True):
        c = [v for v in self.vars if pred(v)]
        return self.r.choice(c) if c else None

    # ---- statements ----
    def stmt(self, depth, loop, in_loop, in_switch):
        self.budget -= 1
        if self.flags["producer"] and self.r.random() < 0.12:
            Producer(self).block(depth)
            return
        if self.flags["threads"] and self.r.random() < 0.05:
            self.thread_handoff(depth)
            return
        if self.flags["unseen"] and self.r.random() < 0.04:
            self.unseen_call(depth)
            return
        r = self.r.random()
        v = self.pick()
        if v and v.ptr and r >= 0.22:
            # Not inside a loop: a pointer re-pointed there can name, on a
            # third iteration (a path for vtlint, never a run), an operation
            # that the second consumed.
            if r < 0.3 and loop == 0:
                self.repoint(v, depth)
                return
            v = self.pick(lambda x: not x.ptr)
        if r < 0.22 and v:
            self.consume_stmt(v, depth)
        elif r < 0.3 and v:
            self.assign(v, depth)
        elif r < 0.36:
            a = self.pick(lambda x: x.loop == loop and x.kind != "H" and not x.ptr)
            b = a and self.pick(lambda x: x.kind == a.kind and x is not a and not x.ptr)
            if a and b:
                self.emit(depth, f"{a.name} = {b.name};")
        elif r < 0.42 and v and v.kind != "H":
            self.cond_consume(v, depth)
        elif r < 0.5 and v and v.kind != "H":
            self.helper_call(v, depth)
        elif r < 0.53 and v and v.kind == "H":
            self.handoff(v, depth, fresh=False)
        elif r < 0.56:
            self.store(depth)
        elif r < 0.68 and depth < self.maxdepth:
            self.if_stmt(depth, loop, in_loop, in_switch)
        elif r < 0.74 and depth < self.maxdepth:
            self.switch_stmt(depth, loop, in_loop)
        elif r < 0.82 and depth < self.maxdepth:
            self.loop_stmt(depth, loop)
        elif r < 0.86 and in_loop:
            self.emit(depth, f"if ({self.cond()}) {self.r.choice(['break', 'continue'])};")
        elif r < 0.88:
            self.early_return(depth)
        elif r < 0.93 and depth < self.maxdepth:
            self.block(depth, loop, in_loop, in_switch)
        else:
            self.scoped_op(depth, loop, in_loop)

    def cond_consume(self, v, depth):
        w = self.pick(lambda x: x.kind != "H")
        r = self.r.random()
        if r < 0.4 or not self.flags["orfacts"]:
            self.emit(depth, f"(void)({self.cond()} ? {self.consume_expr(v)} : {self.consume_expr(w)});")
        elif r < 0.7:
            self.emit(depth, f"(void)({self.bit()} && {self.consume_expr(v)});")
        else:
            self.emit(depth, f"(void)({self.bit()} || {self.consume_expr(v)});")

    def helper_call(self, v, depth):
        r = self.r.random()
        n = v.name
        if r < 0.3:
            self.call("hc", depth, f"{self.p('hc')}({n}, h);")
        elif r < 0.5:
            self.call("hi", depth, f"(void){self.p('hi')}({n});")
        elif r < 0.75:
            self.call("hp", depth, f"{self.p('hp')}(&{n}, h);")
        elif r < 0.85:
            self.call("hpi", depth, f"(void){self.p('hpi')}(&{n});")
        elif self.flags["retconst"] and r < 0.92:
            # hrc returns 1 exactly where it consumed *p.
            self.call("hrc", depth, f"if (!{self.p('hrc')}(&{n}, h)) (void){self.consume_expr(v)};")
        elif self.flags["recursion"]:
            self.call("hr", depth, f"(void){self.p('hr')}({n}, {self.r.randrange(3)});")
        else:
            self.call("hi", depth, f"(void){self.p('hi')}({n});")

    def store(self, depth):
        op = f"vtask_from_result((void *){self.r.randrange(1, 9)})"
        if self.r.random() < 0.5:
            ln = self.emit(depth, f"{{ struct box bx = {{ .n = 1 }}; bx.t = {op}; VT_DROP(bx.t); seen(__LINE__); }}")
        else:
            ln = self.emit(depth, f"{{ vtask arr[2] = {{ {{0}} }}; arr[1] = {op}; (void)vtask_await(arr[1], NULL); seen(__LINE__); }}")
        self.stores.append(ln)

    def early_return(self, depth):
        self.emit(depth, f"if ({self.cond()}) {{")
        for v in self.vars:
            if self.r.random() < 0.75:
                self.consume_stmt(v, depth + 1)
        self.emit(depth + 1, "return;")
        self.emit(depth, "}")

    def body(self, depth, loop, in_loop, in_switch, n):
        """A statement list, with forward gotos within it."""
        label = None
        for _ in range(n):
            if self.budget <= 0:
                break
            if label is None and self.r.random() < 0.08:
                label = self.p(f"L{self.labels}")
                self.labels += 1
                self.emit(depth, f"if ({self.cond()}) goto {label};")
                continue
            self.stmt(depth, loop, in_loop, in_switch)
            if label and self.r.random() < 0.4:
                self.emit(depth, f"{label}:;")
                label = None
        if label:
            self.emit(depth, f"{label}:;")

    def close(self, start, depth):
        """The locals declared since `start` leave scope: consume most."""
        for v in self.vars[start:]:
            if self.r.random() < 0.8:
                self.consume_stmt(v, depth)
        del self.vars[start:]

    def block(self, depth, loop, in_loop, in_switch):
        self.emit(depth, "{")
        start = len(self.vars)
        if self.r.random() < 0.6:
            self.vars.append(self.new_var(self.kind(), loop, depth + 1))
        self.body(depth + 1, loop, in_loop, in_switch, self.r.randrange(1, 4))
        self.close(start, depth + 1)
        self.emit(depth, "}")

    def scoped_op(self, depth, loop, in_loop=False):
        """A block with a local made, used and (mostly) consumed."""
        self.emit(depth, "{")
        start = len(self.vars)
        v = self.new_var(self.kind(), loop, depth + 1)
        self.vars.append(v)
        if self.r.random() < 0.5 and v.kind != "H":
            w = Var(f"v{self.nvar}", v.kind, loop)
            self.nvar += 1
            self.emit(depth + 1, f"vtask {w.name} = {v.name};")
            self.vars.append(w)
        self.body(depth + 1, loop, in_loop, False, self.r.randrange(0, 2))
        self.close(start, depth + 1)
        self.emit(depth, "}")

    def if_stmt(self, depth, loop, in_loop, in_switch):
        self.emit(depth, f"if ({self.cond()}) {{")
        self.body(depth + 1, loop, in_loop, in_switch, self.r.randrange(1, 4))
        if self.r.random() < 0.5:
            self.emit(depth, "} else {")
            self.body(depth + 1, loop, in_loop, in_switch, self.r.randrange(1, 4))
        self.emit(depth, "}")

    def switch_stmt(self, depth, loop, in_loop):
        self.emit(depth, "switch (s) {")
        cases = sorted(self.r.sample(range(3), self.r.randrange(1, 4)))
        for c in cases:
            self.emit(depth, f"case {c}:")
            self.body(depth + 1, loop, in_loop, True, self.r.randrange(0, 3))
            if self.r.random() < 0.6:
                self.emit(depth + 1, "break;")
        if self.r.random() < 0.7:
            self.emit(depth, "default:")
            self.body(depth + 1, loop, in_loop, True, self.r.randrange(0, 3))
            self.emit(depth + 1, "break;")
        self.emit(depth, "}")

    def loop_stmt(self, depth, loop):
        nl = loop + 1
        r = self.r.random()
        i = f"i{self.labels}"
        self.labels += 1
        if self.flags["constfacts"] and r < 0.2:
            # Runs because `int i = 0;` is a fact when `i < 2` is first
            # tested; no break/continue, which would skip the increment.
            self.emit(depth, f"{{ int {i} = 0; while ({i} < 2) {{")
            self.body(depth + 1, nl, False, False, self.r.randrange(1, 4))
            self.emit(depth + 1, f"{i}++;")
            self.emit(depth, "} }")
        elif r < 0.5:
            self.emit(depth, f"for (int {i} = 0; {i} < 2; {i}++) {{")
            self.body(depth + 1, nl, True, False, self.r.randrange(1, 4))
            self.emit(depth, "}")
        elif r < 0.8:
            self.emit(depth, f"{{ int {i} = 0; do {{")
            self.body(depth + 1, nl, True, False, self.r.randrange(1, 4))
            self.emit(depth, f"}} while (++{i} < 2); }}")
        else:
            lab = self.p(f"L{self.labels}")
            self.labels += 1
            self.emit(depth, f"{{ int {i} = 0;")
            self.emit(depth, f"{lab}:;")
            self.body(depth + 1, nl, False, False, self.r.randrange(1, 4))
            self.emit(depth, f"if ({i}++ < 1) goto {lab}; }}")

    def kind(self):
        return self.r.choice(["S", "S", "S2", "P", "H"])

    def pointers(self):
        """`vtask *pN = c ? &a : &b;` over two top-level variables of one
        kind: *pN is then used like a variable (consumed, inspected)."""
        for k in ("S", "S2", "P"):
            vs = [v for v in self.vars if v.kind == k]
            if len(vs) < 2 or self.r.random() < 0.3:
                continue
            a, b = self.r.sample(vs, 2)
            n = f"p{self.nvar}"
            self.nvar += 1
            self.emit(1, f"vtask *{n} = {self.cond()} ? &{a.name} : &{b.name};")
            pv = Var(f"(*{n})", k, 0)
            pv.ptr, pv.targets = n, (a, b)
            self.vars.append(pv)

    def repoint(self, pv, depth):
        a, b = pv.targets
        if self.r.random() < 0.5:
            self.emit(depth, f"{pv.ptr} = {self.cond()} ? &{a.name} : &{b.name};")
        else:
            self.emit(depth, f"{pv.ptr} = &{self.r.choice(pv.targets).name};")

    # ---- helpers ----
    def helpers(self):
        """Helper definitions: (name, lines).  Their whole text is one place
        group with their calls: the runtime reports inside, vtlint at the
        call."""
        p, r = self.p, self.r
        form = ("if (vtask_is_completed(t)) (void)vtask_get_result(t, NULL); "
                "else vt_task_release(vtask_as_task(t));")
        pform = form.replace("(t)", "(*p)").replace("(t,", "(*p,")
        # hc consumes its parameter once on every path; on b's path it also
        # inspects it first.  (No fault of its own: vtlint analyses a helper
        # whether or not a call of it runs, and a call may be dead code.)
        hc = ["\tif (b)", "\t\t(void)vtask_is_completed(t);", f"\t{form}"]
        return [
            ("mk", [f"static vtask {p('mk')}(void)",
                    "{", f"\treturn vtask_from_result((void *){r.randrange(1, 9)});", "}"]),
            ("hn", [f"static void {p('hn')}(vtask *p)",
                    "{", "\t*p = vtask_from_result((void *)7);", "}"]),
            ("hc", [f"static void {p('hc')}(vtask t, int b)", "{"] + hc + ["}"]),
            ("hi", [f"static int {p('hi')}(vtask t)",
                    "{", "\treturn vtask_is_completed(t);", "}"]),
            ("hp", [f"static void {p('hp')}(vtask *p, int b)",
                    "{", "\tif (b) {", f"\t\t{pform}", "\t}", "}"]),
            ("hpi", [f"static int {p('hpi')}(vtask *p)",
                     "{", "\treturn vtask_is_completed_successfully(*p);", "}"]),
            ("hr", [f"static int {p('hr')}(vtask t, int n)",
                    "{", "\tif (n <= 0)", "\t\treturn vtask_is_completed(t);",
                    f"\treturn {p('hr')}(t, n - 1);", "}"]),
            ("hrc", [f"static int {p('hrc')}(vtask *p, int b)",
                     "{", "\tif (b) {", f"\t\t{pform}", "\t\treturn 1;", "\t}", "\treturn 0;", "}"]),
            # Threads a vtask is handed to: tw and tt await a complete one;
            # tp posts it to a fiber of the loop (pw) that awaits it.
            ("tw", [f"static void *{p('tw')}(void *a)",
                    "{", "\tvtask t = *(vtask *)a;", "\t(void)vtask_await(t, NULL);",
                    "\treturn NULL;", "}"]),
            ("tt", [f"static int {p('tt')}(void *a)",
                    "{", "\tvtask t = *(vtask *)a;", "\t(void)vtask_await(t, NULL);",
                    "\treturn 0;", "}"]),
            ("tp", [f"static void {p('pw')}(void *a)",
                    "{", "\tvtask t = *(vtask *)a;", "\tg_posted = 1;",
                    "\t(void)vtask_await(t, NULL);", "}",
                    f"static void *{p('tp')}(void *a)",
                    "{", f"\t(void)vt_post(g_loop, {p('pw')}, a);", "\treturn NULL;", "}"]),
            # Producer helpers (srchelpers): complete, reset, make a vtask.
            ("sc", [f"static void {p('sc')}(vt_source *s, int b)", "{", "\tif (b)",
                    "\t\tvt_source_set_result(s, (void *)1);", "}"]),
            ("sce", [f"static void {p('sce')}(vt_source *s, int b)", "{", "\tif (b)",
                     "\t\tvt_source_set_result(s, (void *)2);", "\telse",
                     "\t\tvt_source_set_error(s, 5);", "}"]),
            ("sr", [f"static void {p('sr')}(vt_source *s, int b)", "{", "\tif (b)",
                    "\t\tvt_source_reset(s);", "}"]),
            ("srr", [f"static void {p('srr')}(vt_source *s)", "{", "\tvt_source_reset(s);", "}"]),
            ("sm", [f"static vtask {p('sm')}(vt_source *s)", "{",
                    "\treturn vtask_from_source(s, vt_source_token(s));", "}"]),
            # Called only through a function pointer: unseen for vtlint.
            ("ft", [f"static void {p('ft')}(vtask *p)",
                    "{", f"\t{pform}", "\t*p = VTASK_COMPLETED;", "}",
                    f"static void (*volatile {p('fp')})(vtask *) = {p('ft')};"]),
            # The fiber a vtask is handed to: it awaits it.
            ("waiter", [f"static void {p('waiter')}(void *a)",
                        "{", "\tvtask t = *(vtask *)a;", "\t(void)vtask_await(t, NULL);", "}"]),
        ]

    def generate(self):
        self.maxdepth = self.r.randrange(2, 5)
        self.emit(0, f"static void {self.p('f')}(int b0, int b1, int b2, int h, int s)")
        self.emit(0, "{")
        for _ in range(self.r.randrange(2, 5)):
            self.vars.append(self.new_var(self.kind(), 0, 1))
        if self.flags["ptr"]:
            self.pointers()
        self.body(1, 0, False, False, 10 ** 9)
        self.close(0, 1)
        self.emit(0, "}")
        body = self.lines
        self.lines = []
        for name, text in self.helpers():
            if name not in self.calls and not (name == "waiter" and self.handoffs) \
                    and not (name == "ft" and self.fp_used):
                continue
            first = len(self.lines)
            self.lines += [(0, t) for t in text]
            self.ranges[name] = (first, len(self.lines) - 1)
        off = len(self.lines)
        self.lines += body
        for k in self.calls:
            self.calls[k] = [c + off for c in self.calls[k]]
        self.stores = [x + off for x in self.stores]
        self.handoffs = [x + off for x in self.handoffs]
        for a, b in self.punions:
            self.groups.union(a + off, b + off)
        self.calls["waiter"] = self.handoffs
        self.emit(0, f"static void {self.p('run')}(void *a)")
        self.emit(0, "{")
        self.emit(1, "const int *in = a;")
        self.emit(1, f"{self.p('f')}(in[0], in[1], in[2], in[3], in[4]);")
        self.emit(1, "hfire();")
        self.emit(0, "}")
        self.emit(0, "")
        # Place groups: a helper's lines with its calls' lines.
        for name, (a, b) in self.ranges.items():
            for x in range(a, b + 1):
                self.groups.union(a, x)
            for c in self.calls.get(name, []):
                self.groups.union(a, c)
        # Every thread hand-off is one place with the threads' consumptions.
        th = [self.ranges[n][0] for n in ("tw", "tt", "tp") if n in self.ranges]
        for a in th[1:]:
            self.groups.union(th[0], a)

GUARD = ("if (vtask_is_completed({0})) (void)vtask_get_result({0}, NULL); "
         "else vt_task_release(vtask_as_task({0}));")


class Producer:
    """One block of producer-side code (`producer` flag): a pooled
    vt_source (VT006) or vt_task * references (VT007).  Its locals live in
    the block, so that a loop's second iteration starts as the first did.
    What the generator keeps from both sides' differences:
    - a source vtask is never awaited (it may be pending: the fiber would
      block) and never get_result'ed unguarded;
    - a vtask made with a token read before a reset that may have run is
      consumed on every path (the runtime refuses it and exempts it from
      VT005), and no reset runs while one may be outstanding (the runtime
      only counts the current version's vtasks at a reset);
    - a reference is used only while it is held on every path, a task is
      completed at most once and awaited only when complete, so no run
      touches freed memory;
    - all references to one task are one VT007 place: the runtime blames a
      leak on the most recent place that made a reference to the task."""

    def __init__(self, u):
        self.u, self.r = u, u.r

    def name(self, p):
        n = f"{p}{self.u.nvar}"
        self.u.nvar += 1
        return n

    def maybe(self, text):
        """text (a statement) on every path, or on an input's paths only."""
        if self.r.random() < 0.5:
            return text, True
        return f"if ({self.u.cond()}) {{ {text} }}", False

    def block(self, depth):
        self.d = depth + 1
        self.u.emit(depth, "{")
        if self.r.random() < 0.5:
            self.source()
        else:
            self.refs()
        self.u.emit(depth, "}")

    # ---- vt_source ----
    def source(self):
        u, r, d = self.u, self.r, self.d
        self.pooled = u.flags["srcpool"] and r.random() < 0.2
        if self.pooled:
            self.source_pool()
            return
        if not u.flags["srcmember"] or r.random() < 0.6:
            sn = self.name("s")
            u.emit(d, f"vt_source {sn}; vt_source_init(&{sn}, NULL, NULL);")
            S = f"&{sn}"
        else:
            sn = self.name("ps")
            u.emit(d, f"struct psrc {sn} = {{ .n = 1 }}; vt_source_init(&{sn}.s, NULL, NULL);")
            S = f"&{sn}.s"
        self.source_ops(S)

    def source_pool(self):
        """A pointer declared in a counted loop's body names another source
        of a pool on each pass: each pass is a fresh source's operations,
        but one vtlint did not see initialised (without on_consumed), so
        after a consumption what was completed is not known."""
        u, d = self.u, self.d
        pn, i, sp = self.name("pool"), self.name("i"), self.name("sp")
        u.emit(d, f"vt_source {pn}[2]; for (int {i} = 0; {i} < 2; {i}++) "
                  f"vt_source_init(&{pn}[{i}], NULL, NULL);")
        u.emit(d, f"for (int {i} = 0; {i} < 2; {i}++) {{")
        self.d = d + 1
        u.emit(self.d, f"vt_source *{sp} = &{pn}[{i}];")
        self.source_ops(sp)
        self.d = d
        u.emit(d, "}")

    def source_ops(self, S):
        """Operations on source S (an address): tokens, vtasks, completions,
        resets and helper calls, on every path or an input's."""
        u, r, d = self.u, self.r, self.d
        resets = 0            # resets emitted (any of them may have run)
        tokens = []           # (name, resets when read)
        out = []              # [name, safe, must, used]: vtasks maybe unconsumed
        # What both sides know of the current version's completion: "none"
        # (not completed on any path), "direct" (completed only by calls
        # here, which vtlint sees), "unknown" (a helper may have completed
        # it, or vtlint forgot what it knew at a helper call).
        self.state = "none"
        helpers = u.flags["srchelpers"] and not S.endswith(".s")
        for _ in range(r.randrange(2, 8)):
            if helpers and r.random() < 0.2:
                self.src_helper(S, out, tokens)
                continue
            x = r.random()
            if x < 0.22:
                t = self.name("t")
                if tokens and r.random() < 0.5:
                    k, at = r.choice(tokens)
                    fresh = at == resets
                    u.emit(d, f"vtask {t} = vtask_from_source({S}, {k});")
                else:
                    fresh = True
                    u.emit(d, f"vtask {t} = vtask_from_source({S}, vt_source_token({S}));")
                stale = u.flags["stale"]
                out.append([t, fresh or stale, not (fresh or stale), False])
            elif x < 0.34:
                k = self.name("k")
                u.emit(d, f"uint16_t {k} = vt_source_token({S});")
                tokens.append((k, resets))
            elif x < 0.6:
                if self.state == "unknown":
                    continue
                op = (f"vt_source_set_result({S}, (void *){r.randrange(1, 9)});"
                      if r.random() < 0.75 else f"vt_source_set_error({S}, {r.randrange(1, 30)});")
                u.emit(d, self.maybe(op)[0])
                self.state = "direct"
            elif x < 0.78:
                if all(o[1] for o in out):
                    text, every = self.maybe(f"vt_source_reset({S});")
                    u.emit(d, text)
                    if every:
                        self.state = "none"
                    resets += 1
                    for o in out:
                        o[1] = u.flags["stale"]
            elif [o for o in out if not o[3]]:
                o = r.choice([o for o in out if not o[3]])
                text, every = self.maybe(GUARD.format(o[0]))
                if o[2] and not every:
                    text, every = GUARD.format(o[0]), True
                u.emit(d, text)
                if self.pooled and self.state == "direct":
                    # vtlint did not see this pointer's source initialised
                    # without on_consumed: a consumption may have reset it.
                    self.state = "unknown"
                # Consumed on some paths only: still outstanding on others.
                o[3] = True
                if every:
                    out.remove(o)
        for t, _, must, used in out:
            if not used and (must or r.random() < 0.7):
                u.emit(d, GUARD.format(t))

    def src_helper(self, S, out, tokens):
        """A call of a helper taking the source (`srchelpers`).  VT006 is
        judged within one function (rules.md), and vtlint forgets at such a
        call what it knew of the source (its completion, its tokens), while
        the runtime sees what the helper did: so every call is clean on
        every path, and nothing after it rests on what was known before.
        - sc/sce complete it (on h's paths / on every path): only while no
          path has completed this version;
        - sr/srr reset it (on h's paths / always): only while no vtask of it
          may be outstanding (vtlint would not see the reset that made an
          outstanding one old, the runtime would not count it at the next);
        - sm makes a vtask of it, which no reset may meet outstanding (it is
          not made by vtask_from_source here, so vtlint would not count it).
          sm neither completes nor resets the source: with `srckept`, what
          both sides knew stays known (a completion after it may be the
          version's second, VT006 on both sides; its tokens stay current).
        A token read before any other helper's call is never used after it."""
        u, r = self.u, self.r
        h = r.choice(["sc", "sce", "sr", "srr", "sm"])
        if h in ("sc", "sce") and self.state != "none":
            return
        if h in ("sr", "srr") and out:
            return
        arg = "" if h in ("srr", "sm") else ", h"
        call = f"{u.p(h)}({S}{arg});"
        if h == "sm":
            t = self.name("t")
            u.call(h, self.d, f"vtask {t} = {call}")
            out.append([t, False, False, False])
            every = True
        else:
            text, every = self.maybe(call)
            u.call(h, self.d, text)
        if h == "sm" and u.flags["srckept"]:
            return
        tokens.clear()
        if h in ("sc", "sce"):
            self.state = "unknown"
        elif h == "srr" and every:
            self.state = "none"
        elif self.state == "direct":
            self.state = "unknown"

    # ---- vt_task * ----
    def make(self, rn, decl):
        """A new task: (text, completed, pending-new)."""
        r = self.r
        t = "vt_task *" if decl else ""
        x = r.random()
        if x < 0.45:
            return f"{t}{rn} = vt_task_new();", False
        if x < 0.7:
            return f"{t}{rn} = vt_task_from_result((void *){r.randrange(1, 9)});", True
        if x < 0.8:
            return f"{t}{rn} = vt_task_from_error({r.randrange(1, 30)});", True
        return f"{t}{rn} = vtask_as_task(vtask_from_result((void *){r.randrange(1, 9)}));", True

    def refs(self):
        u, r, d = self.u, self.r, self.d
        tasks = []            # per task: {"done": bool, "new": bool, "line": int}
        refs = []             # [name, task, live]
        for _ in range(r.randrange(1, 3)):
            rn = self.name("r")
            text, done = self.make(rn, True)
            tk = {"done": done, "new": not done, "line": u.emit(d, text)}
            tasks.append(tk)
            refs.append([rn, tk, True])
        for _ in range(r.randrange(1, 7)):
            live = [x for x in refs if x[2]]
            x = r.random()
            if x < 0.15 and live:
                src = r.choice(live)
                rn = self.name("r")
                ln = u.emit(d, f"vt_task *{rn} = vt_task_retain({src[0]});")
                u.punions.append((src[1]["line"], ln))
                refs.append([rn, src[1], True])
            elif x < 0.3:
                cands = [x for x in live if x[1]["new"]]
                if cands:
                    c = r.choice(cands)
                    text, every = self.maybe(f"vt_task_complete({c[0]}, NULL);")
                    u.emit(d, text)
                    c[1]["new"], c[1]["done"] = False, every
            elif x < 0.4 and live:
                c = r.choice(live)
                if c[1]["done"]:
                    u.emit(d, f"(void)vt_task_await({c[0]}, NULL);")
                else:
                    u.emit(d, f"(void)vt_task_is_completed({c[0]});")
            elif x < 0.6 and live:
                c = r.choice(live)
                u.emit(d, self.maybe(f"vt_task_release({c[0]});")[0])
                c[2] = False
            elif x < 0.7 and live:
                c = r.choice(live)
                w = self.name("w")
                u.emit(d, f"{{ vtask {w} = vtask_from_task({c[0]}); {GUARD.format(w)} }}")
                c[2] = False
                c[1]["new"] = False      # the vtask's consumer may hold the last reference
            elif x < 0.8 and live:
                # Overwritten: the old reference is lost here.
                c = r.choice(live)
                text, done = self.make(c[0], False)
                tk = {"done": done, "new": not done, "line": u.emit(d, text)}
                tasks.append(tk)
                c[1] = tk
            else:
                k = r.randrange(1, 9)
                form = r.choice(["(void)vtask_as_task(vtask_from_result((void *){}));",
                                 "vtask_as_task(vtask_from_result((void *){}));",
                                 "vt_task_release(vtask_as_task(vtask_from_result((void *){})));"])
                u.emit(d, form.format(k))
        for c in refs:
            if c[2] and r.random() < 0.7:
                u.emit(d, f"vt_task_release({c[0]});")



def program(seed, units, size, flags):
    """The program of the given unit numbers of `seed`, and its meta: per
    unit its line range, its place groups (line -> representative line) and
    the lines where it planted a VT004 store."""
    out = PRELUDE.split("\n")
    metas = []
    for u in units:
        un = Unit(u, random.Random(f"{seed}:{u}"), size, flags)
        un.generate()
        base = len(out) + 1          # 1-based line of the unit's first line
        out += ["\t" * d + t for d, t in un.lines]
        g = {base + x: base + un.groups.find(x) for x in range(len(un.lines))}
        metas.append({"unit": u, "first": base, "last": base + len(un.lines) - 1,
                      "groups": g, "stores": [base + x for x in un.stores]})
    out += main_text(units)
    return "\n".join(out) + "\n", {"seed": str(seed), "units": metas, "inputs": NINPUTS,
                                   "size": size}


def main_text(units):
    runs = ", ".join(f"u{u}_run" for u in units)
    n = len(units)
    return [
        f"static void (*const runs[])(void *) = {{ {runs} }};",
        "",
        "/* argv: [UNIT [INPUT]] (UNIT: index in runs[]); an input's bits are",
        "   b0, b1, b2, h, and the bits above them s. */",
        "int main(int argc, char **argv)",
        "{",
        f"\tint u0 = 0, u1 = {n}, m0 = 0, m1 = {NINPUTS};",
        "\tif (argc > 1) { u0 = atoi(argv[1]); u1 = u0 + 1; }",
        "\tif (argc > 2) { m0 = atoi(argv[2]); m1 = m0 + 1; }",
        "\tfor (int u = u0; u < u1; u++)",
        "\t\tfor (int m = m0; m < m1; m++) {",
        f"\t\t\tint in[5] = {{ m & 1, (m >> 1) & 1, (m >> 2) & 1, (m >> 3) & 1, m >> 4 }};",
        "\t\t\tg_loop = vt_loop_new();",
        "\t\t\tvt_spawn(g_loop, runs[u], in);",
        "\t\t\tvt_loop_run(g_loop);",
        "\t\t\tvt_loop_free(g_loop);",
        "\t\t\tg_loop = NULL;  /* no dangling pointer for the VT007 scan */",
        "\t\t}",
        "\treturn 0;",
        "}",
    ]


def parse_flags(enable, disable=""):
    flags = dict(FLAGS)
    for spec, on in ((enable, True), (disable, False)):
        for f in filter(None, spec.split(",")):
            if f not in flags:
                raise SystemExit(f"gen.py: unknown flag '{f}' (known: {', '.join(FLAGS)})")
            flags[f] = on
    return flags


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seed")
    ap.add_argument("--units", default="1", help="unit numbers: N (0..N-1) or a,b,c")
    ap.add_argument("--size", type=int, default=25, help="statements per unit")
    ap.add_argument("--enable", default="", help="comma-separated flags: " + ",".join(FLAGS))
    ap.add_argument("--disable", default="", help="comma-separated flags to turn off")
    a = ap.parse_args()
    units = ([int(x) for x in a.units.split(",")] if "," in a.units
             else list(range(int(a.units))))
    text, _ = program(a.seed, units, a.size, parse_flags(a.enable, a.disable))
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
