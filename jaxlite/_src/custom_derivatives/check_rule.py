"""`check_rule`: one call that checks a custom derivative rule, with a readable report.

The checks (each a row of the report; a check that does not apply is "skipped"):

- rule primal: fwd's (or the JVP rule's) primal output against the function's.
- jvp vs finite differences, vjp vs finite differences (<v, J u> with J u by differences).
- jvp / vjp vs autodiff of the primal function (skipped where that is not finite or fails).
- adjoint: <v, J u> from the forward rule against <J^T v, u> from the reverse rule.
- linearity of the tangent map and of bwd: f(a x + b y) = a f(x) + b f(y).
- symbolic-zero paths: every subset of perturbed inputs (and of used outputs) against the
  corresponding part of the full derivative.
- eager vs jit, vmap vs a Python loop (values, vjp, jvp).
- order 2: the derivative of <J(x)^T v, u> (reverse over reverse; forward over forward when
  the rule supports forward mode) against finite differences.

Finite differences are central differences in the arguments' dtype; use float64 arguments
(`jax_enable_x64`) for tight checks. Tolerances are per dtype and per kind of comparison.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.array import Array
from jaxlite._src.custom_derivatives import common as C
from jaxlite._src.custom_derivatives.custom_jvp import custom_jvp
from jaxlite._src.custom_derivatives.custom_vjp import custom_vjp
from jaxlite._src.errors import fun_name
from jaxlite._src.tree_util import tree_flatten, tree_structure, tree_unflatten

# (rtol, atol) per comparison kind and dtype precision.
_TOLS = {
    "exact": {4: (1e-5, 1e-6), 8: (1e-12, 1e-13), 2: (1e-3, 1e-3)},
    "autodiff": {4: (1e-4, 1e-5), 8: (1e-10, 1e-11), 2: (1e-2, 1e-2)},
    "primal": {4: (2e-3, 2e-4), 8: (1e-8, 1e-9), 2: (5e-2, 5e-2)},
    "fd": {4: (3e-2, 3e-3), 8: (1e-5, 1e-6), 2: (1e-1, 1e-1)},
}
_EPS = {4: 1e-3, 8: 1e-6, 2: 1e-2}


class SkipCheck(Exception):
    """A check that does not apply (the message says why)."""


class RuleReport:
    """The result of `check_rule`: one row per check. `str(report)` is a table."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[dict] = []

    def add(
        self,
        check: str,
        status: str,
        where: str = "",
        err: float | None = None,
        tol: float | None = None,
        note: str = "",
    ) -> None:
        self.rows.append(dict(check=check, status=status, where=where, err=err, tol=tol, note=note))

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.rows if r["status"] in ("FAIL", "ERROR")]

    @property
    def ok(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.ok

    def raise_on_failure(self) -> None:
        """Raises AssertionError naming the first failing check and its leaf path."""
        if self.ok:
            return
        r = self.failures[0]
        where = f" at {r['where']}" if r["where"] else ""
        err = (
            f": max error {r['err']:.3g} > tolerance {r['tol']:.3g}" if r["err"] is not None else ""
        )
        note = f" ({r['note']})" if r["note"] else ""
        raise AssertionError(
            f"check_rule({self.name}): check '{r['check']}' failed{where}{err}{note}\n{self}"
        )

    def __str__(self) -> str:
        cols = ["check", "where", "status", "max err", "tol", "note"]
        table = [
            [
                r["check"],
                r["where"],
                r["status"],
                "" if r["err"] is None else f"{r['err']:.2e}",
                "" if r["tol"] is None else f"{r['tol']:.1e}",
                r["note"],
            ]
            for r in self.rows
        ]
        widths = [max([len(c)] + [len(row[i]) for row in table]) for i, c in enumerate(cols)]
        widths[-1] = len(cols[-1])

        def line(cells):
            return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        n_fail = len(self.failures)
        n_skip = sum(r["status"] == "skipped" for r in self.rows)
        head = (
            f"check_rule({self.name}): {len(self.rows)} checks, "
            f"{len(self.rows) - n_fail - n_skip} passed, {n_fail} failed, {n_skip} skipped"
        )
        sep = "-+-".join("-" * w for w in widths)
        return "\n".join([head, line(cols), sep, *[line(row) for row in table]])

    __repr__ = __str__


# ----------------------------------------------------------------------------------------------
# Values


def _dtype(x: Any) -> np.dtype:
    return core.get_aval(x).dtype


def _inexact(x: Any) -> bool:
    return dtypes.is_inexact(_dtype(x))


def _as_array(x: Any) -> Any:
    if isinstance(x, (Array, core.Tracer)):
        return x
    if type(x) in (bool, int, float, complex):
        a = core.get_aval(x)
        return Array(np.asarray(x, a.dtype), weak_type=True)
    if isinstance(x, (np.ndarray, np.generic)):
        return Array(x)
    return x


def _map(fn: Callable, tree: Any) -> Any:
    leaves, t = tree_flatten(tree)
    return tree_unflatten(t, [fn(x) for x in leaves])


def _rand(rng: np.random.RandomState, x: Any) -> Any:
    a = core.get_aval(x)
    if not dtypes.is_inexact(a.dtype):
        return np.zeros(a.shape, dtypes.float0)
    v = rng.randn(*a.shape)
    if a.dtype.kind == "c":
        v = v + 1j * rng.randn(*a.shape)
    return Array(np.asarray(v, a.dtype), weak_type=a.weak_type)


def _zeros_like(x: Any) -> Any:
    a = core.get_aval(x)
    if not dtypes.is_inexact(a.dtype):
        return np.zeros(a.shape, dtypes.float0)
    return Array(np.zeros(a.shape, a.dtype), weak_type=a.weak_type)


def _axpy(alpha: float, x: Any, y: Any) -> Any:
    """`y + alpha * x` leafwise on inexact leaves, in the dtype of `y`."""

    def one(xi, yi):
        if not _inexact(yi):
            return yi
        a = core.get_aval(yi)
        v = np.asarray(yi, np.complex128 if a.dtype.kind == "c" else np.float64)
        v = v + alpha * np.asarray(xi, v.dtype)
        return Array(np.asarray(v, a.dtype), weak_type=a.weak_type)

    xl = tree_flatten(x)[0]
    yl, t = tree_flatten(y)
    return tree_unflatten(t, [one(a, b) for a, b in zip(xl, yl, strict=True)])


def _lin(a: float, x: Any, b: float, y: Any) -> Any:
    """`a x + b y` leafwise on inexact leaves, in the dtype of `y`."""

    def one(xi, yi):
        if not _inexact(yi):
            return yi
        av = core.get_aval(yi)
        val = a * _f64(xi) + b * _f64(yi)
        return Array(np.asarray(val, av.dtype), weak_type=av.weak_type)

    xl = tree_flatten(x)[0]
    yl, t = tree_flatten(y)
    return tree_unflatten(t, [one(p, q) for p, q in zip(xl, yl, strict=True)])


def _f64(x: Any) -> np.ndarray:
    v = np.asarray(x)
    return v.astype(np.complex128 if v.dtype.kind == "c" else np.float64)


def _vdot(xs: Any, ys: Any) -> tuple[float, float]:
    """Real inner product over inexact leaves, and the sum of |terms| (its rounding scale)."""
    total, scale = 0.0, 0.0
    for x, y in zip(tree_flatten(xs)[0], tree_flatten(ys)[0], strict=True):
        if not (_inexact(x) and _inexact(y)):
            continue
        p = np.conj(_f64(x)).ravel() * _f64(y).ravel()
        total += float(np.real(p.sum()))
        scale += float(np.abs(p).sum())
    return total, scale


def _precision(tree: Any) -> int:
    sizes = [
        _dtype(x).itemsize // (2 if _dtype(x).kind == "c" else 1)
        for x in tree_flatten(tree)[0]
        if _inexact(x)
    ]
    return min(sizes) if sizes else 8


# ----------------------------------------------------------------------------------------------
# Comparisons


class _Checker:
    def __init__(self, report: RuleReport, atol, rtol):
        self.report = report
        self.atol = atol
        self.rtol = rtol

    def tol(self, kind: str, prec: int) -> tuple[float, float]:
        rtol, atol = _TOLS[kind][prec if prec in (2, 4, 8) else 8]
        return (
            self.rtol if self.rtol is not None else rtol,
            self.atol if self.atol is not None else atol,
        )

    def trees(
        self, check: str, got: Any, want: Any, kind: str, prefix: str = "out", types: bool = False
    ) -> None:
        g_leaves, g_tree = tree_flatten(got)
        w_leaves, w_tree = tree_flatten(want)
        if kind == "fd" and not all(np.all(np.isfinite(_f64(w))) for w in w_leaves if _inexact(w)):
            self.report.add(check, "skipped", note="finite differences are not finite here")
            return
        if g_tree != w_tree:
            self.report.add(check, "FAIL", prefix, note=f"structure {g_tree} != {w_tree}")
            return
        worst = (0.0, 0.0, "")
        for path, g, w in zip(C.leaf_paths(w_tree), g_leaves, w_leaves, strict=True):
            where = f"{prefix}{path}"
            ga, wa = core.get_aval(g), core.get_aval(w)
            if ga.shape != wa.shape or (types and ga.dtype != wa.dtype):
                self.report.add(
                    check, "FAIL", where, note=f"type {ga.str_short()} != {wa.str_short()}"
                )
                return
            if not (dtypes.is_inexact(wa.dtype) or dtypes.is_inexact(ga.dtype)):
                if wa.dtype != dtypes.float0 and not np.array_equal(np.asarray(g), np.asarray(w)):
                    self.report.add(check, "FAIL", where, note="integer values differ")
                    return
                continue
            rtol, atol = self.tol(kind, min(_precision(g), _precision(w)))
            gv, wv = _f64(g), _f64(w)
            err = np.abs(gv - wv)
            same = (gv == wv) | (np.isnan(gv) & np.isnan(wv))
            bound = atol + rtol * np.abs(wv)
            bad = ~((err <= bound) | same)
            e = float(np.max(np.where(same, 0.0, err), initial=0.0))
            if np.any(bad):
                self.report.add(
                    check,
                    "FAIL",
                    where,
                    err=e,
                    tol=atol + rtol * float(np.max(np.abs(wv), initial=0.0)),
                    note=f"{int(bad.sum())} of {gv.size} elements",
                )
                return
            if e >= worst[0]:
                worst = (e, atol + rtol * float(np.max(np.abs(wv), initial=0.0)), where)
        self.report.add(check, "ok", worst[2], err=worst[0], tol=worst[1])

    def scalars(
        self,
        check: str,
        got: float,
        want: float,
        scale: float,
        kind: str,
        prec: int,
        where: str = "",
    ) -> None:
        if kind == "fd" and not np.isfinite(want):
            self.report.add(check, "skipped", where, note="finite differences are not finite here")
            return
        rtol, atol = self.tol(kind, prec)
        bound = atol * max(1.0, scale) ** 0.5 + rtol * max(scale, abs(want))
        err = abs(got - want)
        status = "ok" if err <= bound or got == want else "FAIL"
        self.report.add(
            check,
            status,
            where,
            err=err,
            tol=bound,
            note="" if status == "ok" else f"{got:.6g} vs {want:.6g}",
        )


# ----------------------------------------------------------------------------------------------
# The checker


def check_rule(
    f: Any,
    *args: Any,
    order: int = 2,
    atol: float | None = None,
    rtol: float | None = None,
    eps: float | None = None,
    against_primal: bool = True,
    batch_size: int = 3,
    seed: int = 0,
    raise_on_failure: bool = False,
) -> RuleReport:
    """Checks the custom rule of `f` (a custom_jvp or custom_vjp function) at `args`.

    Args:
      f: a `jaxlite.custom_jvp` or `jaxlite.custom_vjp` function.
      *args: the point (nondiff_argnums positions are passed as they are).
      order: 1, or 2 to also check second derivatives.
      atol, rtol: override the per-dtype tolerances of every comparison.
      eps: finite-difference step (default per dtype: 1e-3 float32, 1e-6 float64).
      against_primal: compare with autodiff of the undecorated function (disable for rules
        that deliberately differ, such as gradient clipping).
      batch_size: size of the batch for the vmap checks (0 disables them).
      raise_on_failure: raise AssertionError naming the first failing check and leaf path.

    Returns:
      A `RuleReport`; `str(report)` is a table, `report.ok` is True when nothing failed.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> @jax.custom_jvp
    ... def f(x):
    ...   return jnp.sin(x)
    >>> f.defjvps(lambda t, ans, x: jnp.cos(x) * t)
    >>> from jaxlite.test_util import check_rule
    >>> check_rule(f, 0.5).ok
    True
    """
    from jaxlite._src import api  # noqa: PLC0415  (api sits above)
    from jaxlite._src.jit import jit  # noqa: PLC0415

    if isinstance(f, custom_jvp):
        kind = "custom_jvp"
        if f.jvp is None:
            raise TypeError(f"check_rule: custom_jvp function {fun_name(f.fun)} has no rule")
    elif isinstance(f, custom_vjp):
        kind = "custom_vjp"
        if f.fwd is None:
            raise TypeError(f"check_rule: custom_vjp function {fun_name(f.fun)} has no rule")
    else:
        raise TypeError(
            "check_rule expects a custom_jvp or custom_vjp function, got "
            f"{type(f).__name__}; decorate the function and define its rule first."
        )
    report = RuleReport(fun_name(f.fun))
    chk = _Checker(report, atol, rtol)
    n = len(args)
    nd = {i % n for i in f.nondiff_argnums} if n else set()
    dyn_pos = [i for i in range(n) if i not in nd]
    args = tuple(a if i in nd else _map(_as_array, a) for i, a in enumerate(args))
    dyn = [args[i] for i in dyn_pos]
    perturbable = [k for k, a in enumerate(dyn) if any(_inexact(x) for x in tree_flatten(a)[0])]
    forward = kind == "custom_jvp" or f.forward_mode is not None or f.jvp is not None
    prec = _precision(dyn)
    step = eps if eps is not None else _EPS.get(prec, 1e-6)
    rng = np.random.RandomState(seed)

    def full(d: Sequence[Any]) -> list:
        it = iter(d)
        return [args[i] if i in nd else next(it) for i in range(n)]

    def g(*d):
        return f(*full(d))

    def g_fun(*d):
        return f.fun(*full(d))

    y = g(*dyn)
    u = [_map(lambda x: _rand(rng, x), a) for a in dyn]
    v = _map(lambda x: _rand(rng, x), y)
    u2 = [_map(lambda x: _rand(rng, x), a) for a in dyn]
    v2 = _map(lambda x: _rand(rng, x), y)

    def run(check: str, fn: Callable) -> None:
        try:
            fn()
        except SkipCheck as e:
            report.add(check, "skipped", note=str(e))
        except Exception as e:  # noqa: BLE001  (a check that raises is reported, not fatal)
            report.add(check, "ERROR", note=f"{type(e).__name__}: {str(e).splitlines()[0]}")

    def need_forward():
        if not forward:
            raise SkipCheck("reverse-only rule (custom_vjp without forward_mode or jvp)")

    def jvp(fn, d, t):
        return api.jvp(fn, tuple(d), tuple(t))

    def vjp(fn, d, ct):
        out, pull = api.vjp(fn, *d)
        return out, list(pull(ct))

    def fd_jvp(fn, d, t):
        plus = fn(*_axpy(step, t, list(d)))
        minus = fn(*_axpy(-step, t, list(d)))
        leaves, tree = tree_flatten(plus)
        out = []
        for p, m in zip(leaves, tree_flatten(minus)[0], strict=True):
            if not _inexact(p):
                out.append(np.zeros(np.shape(p), dtypes.float0))
                continue
            diff = (_f64(p) - _f64(m)) / (2 * step)
            out.append(np.asarray(diff, _dtype(p)))
        return tree_unflatten(tree, out)

    # -- the rule's primal output against the function's
    def rule_primal():
        want = f.fun(*args)
        if kind == "custom_vjp":
            fwd_args = list(args)
            if f.symbolic_zeros:
                fwd_args = [
                    a if i in nd else _map(lambda x: C.CustomVJPPrimal(x, True), a)
                    for i, a in enumerate(args)
                ]
            res = f.fwd(*fwd_args)
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise SkipCheck("fwd does not return a pair (calling f raises the error)")
            got = res[0]
        else:
            static = [args[i] for i in sorted(nd)]
            res = f.jvp(*static, tuple(dyn), tuple(u))
            got = res[0]
        chk.trees("rule primal vs fun", got, want, "exact", types=True)

    run("rule primal vs fun", rule_primal)

    # -- first order against finite differences
    def jvp_fd():
        need_forward()
        _, t = jvp(g, dyn, u)
        chk.trees("jvp vs finite differences", t, fd_jvp(g, dyn, u), "fd", "tangent_out")

    def vjp_fd():
        # One comparison per input leaf (u restricted to that leaf), so a failure names it.
        _, cts = vjp(g, dyn, v)
        u_leaves, u_tree = tree_flatten(u)
        c_leaves = tree_flatten(cts)[0]
        paths = C.leaf_paths(u_tree)
        live = [i for i, x in enumerate(u_leaves) if _inexact(x)]
        groups = [[i] for i in live] if len(live) <= 16 else [live]
        for grp in groups:
            u_g = tree_unflatten(
                u_tree, [x if i in grp else _zeros_like(x) for i, x in enumerate(u_leaves)]
            )
            got, s1 = _vdot([c_leaves[i] for i in grp], [u_leaves[i] for i in grp])
            want, s2 = _vdot(fd_jvp(g, dyn, u_g), v)
            where = f"ct_in{paths[grp[0]]}" if len(grp) == 1 else "ct_in"
            chk.scalars("vjp vs finite differences", got, want, max(s1, s2), "fd", prec, where)

    run("jvp vs finite differences", jvp_fd)
    run("vjp vs finite differences", vjp_fd)

    # -- against autodiff of the primal function
    def primal_ok(x):
        return all(np.all(np.isfinite(_f64(leaf))) for leaf in tree_flatten(x)[0] if _inexact(leaf))

    def jvp_primal():
        need_forward()
        if not against_primal:
            raise SkipCheck("against_primal=False")
        try:
            _, want = jvp(g_fun, dyn, u)
        except Exception as e:  # noqa: BLE001
            raise SkipCheck(f"primal not differentiable: {type(e).__name__}") from None
        if not primal_ok(want):
            raise SkipCheck("autodiff of the primal is not finite here")
        _, got = jvp(g, dyn, u)
        chk.trees("jvp vs autodiff of primal", got, want, "primal", "tangent_out")

    def vjp_primal():
        if not against_primal:
            raise SkipCheck("against_primal=False")
        try:
            _, want = vjp(g_fun, dyn, v)
        except Exception as e:  # noqa: BLE001
            raise SkipCheck(f"primal not differentiable: {type(e).__name__}") from None
        if not primal_ok(want):
            raise SkipCheck("autodiff of the primal is not finite here")
        _, got = vjp(g, dyn, v)
        chk.trees("vjp vs autodiff of primal", got, want, "primal", "ct_in")

    run("jvp vs autodiff of primal", jvp_primal)
    run("vjp vs autodiff of primal", vjp_primal)

    # -- adjoint identity and linearity
    def adjoint():
        need_forward()
        _, t = jvp(g, dyn, u)
        _, cts = vjp(g, dyn, v)
        a, s1 = _vdot(v, t)
        b, s2 = _vdot(cts, u)
        chk.scalars("adjoint <v,Ju> = <J^T v,u>", a, b, max(s1, s2), "autodiff", prec)

    def linear_bwd():
        _, c1 = vjp(g, dyn, v)
        _, c2 = vjp(g, dyn, v2)
        _, c12 = vjp(g, dyn, _lin(0.7, v, -1.3, v2))
        chk.trees("bwd linear in cotangent", c12, _lin(0.7, c1, -1.3, c2), "autodiff", "ct_in")

    def linear_jvp():
        need_forward()
        _, t1 = jvp(g, dyn, u)
        _, t2 = jvp(g, dyn, u2)
        _, t12 = jvp(g, dyn, _lin(0.7, u, -1.3, u2))
        chk.trees("jvp linear in tangent", t12, _lin(0.7, t1, -1.3, t2), "autodiff", "tangent_out")

    run("adjoint <v,Ju> = <J^T v,u>", adjoint)
    run("bwd linear in cotangent", linear_bwd)
    run("jvp linear in tangent", linear_jvp)

    # -- symbolic-zero paths: subsets of perturbed inputs and of used outputs
    def subsets_in():
        if len(perturbable) < 2:
            raise SkipCheck("fewer than two differentiable arguments")
        _, cts = vjp(g, dyn, v)
        for r in range(1, len(perturbable)):
            for sub in itertools.combinations(perturbable, r):

                def g_sub(*s, sub=sub):
                    d = list(dyn)
                    for k, x in zip(sub, s, strict=True):
                        d[k] = x
                    return g(*d)

                _, cs = vjp(g_sub, [dyn[k] for k in sub], v)
                chk.trees(
                    f"inputs {list(sub)} perturbed: vjp",
                    cs,
                    [cts[k] for k in sub],
                    "autodiff",
                    "ct_in",
                )
                if forward:
                    u_sub = [
                        u[k] if k in sub else _map(_zeros_like, dyn[k]) for k in range(len(dyn))
                    ]
                    _, t_sub = jvp(g_sub, [dyn[k] for k in sub], [u[k] for k in sub])
                    _, t_want = jvp(g, dyn, u_sub)
                    chk.trees(
                        f"inputs {list(sub)} perturbed: jvp",
                        t_sub,
                        t_want,
                        "autodiff",
                        "tangent_out",
                    )

    def subsets_out():
        y_leaves, y_tree = tree_flatten(y)
        live = [i for i, leaf in enumerate(y_leaves) if _inexact(leaf)]
        if len(live) < 2:
            raise SkipCheck("fewer than two differentiable outputs")
        if len(live) > 6:
            raise SkipCheck("more than six outputs")
        v_leaves = tree_flatten(v)[0]
        paths = C.leaf_paths(y_tree)
        for r in range(1, len(live)):
            for sub in itertools.combinations(live, r):

                def g_out(*d, sub=sub):
                    leaves = tree_flatten(g(*d))[0]
                    return [leaves[i] for i in sub]

                _, got = vjp(g_out, dyn, [v_leaves[i] for i in sub])
                v_masked = tree_unflatten(
                    y_tree,
                    [x if i in sub else _map(_zeros_like, x) for i, x in enumerate(v_leaves)],
                )
                _, want = vjp(g, dyn, v_masked)
                chk.trees(
                    f"outputs {[paths[i] or '.' for i in sub]} used: vjp",
                    got,
                    want,
                    "autodiff",
                    "ct_in",
                )

    run("perturbed-input subsets", subsets_in)
    run("used-output subsets", subsets_out)

    # -- eager against jit
    def jit_checks():
        chk.trees("jit: value", jit(g)(*dyn), y, "exact", types=True)
        want = vjp(g, dyn, v)[1]
        got = jit(lambda d, ct: vjp(g, d, ct)[1])(list(dyn), v)
        chk.trees("jit: vjp", got, want, "exact", "ct_in")
        if forward:
            want = jvp(g, dyn, u)[1]
            got = jit(lambda d, t: jvp(g, d, t)[1])(list(dyn), list(u))
            chk.trees("jit: jvp", got, want, "exact", "tangent_out")

    run("jit", jit_checks)

    # -- vmap against a Python loop
    def vmap_checks():
        if batch_size <= 0:
            raise SkipCheck("batch_size=0")
        rows = [list(dyn)] + [
            _axpy(0.1 * (k + 1), [_map(lambda x: _rand(rng, x), a) for a in dyn], list(dyn))
            for k in range(batch_size - 1)
        ]
        stacked = [_stack([r[k] for r in rows]) for k in range(len(dyn))]
        vs = [v] + [_map(lambda x: _rand(rng, x), v) for _ in range(batch_size - 1)]
        v_st = _stack(vs)

        def loop(fn, *per):
            outs = [fn(*[p[b] for p in per]) for b in range(batch_size)]
            return _stack(outs)

        chk.trees(
            "vmap: value",
            api.vmap(lambda d: g(*d))(stacked),
            loop(lambda d: g(*d), rows),
            "exact",
            types=True,
        )
        chk.trees(
            "vmap: vjp",
            api.vmap(lambda d, ct: vjp(g, d, ct)[1])(stacked, v_st),
            loop(lambda d, ct: vjp(g, d, ct)[1], rows, vs),
            "exact",
            "ct_in",
        )
        if forward:
            us = [u] + [
                [_map(lambda x: _rand(rng, x), a) for a in dyn] for _ in range(batch_size - 1)
            ]
            u_st = [_stack([t[k] for t in us]) for k in range(len(dyn))]
            chk.trees(
                "vmap: jvp",
                api.vmap(lambda d, t: jvp(g, d, t)[1])(stacked, u_st),
                loop(lambda d, t: jvp(g, d, t)[1], rows, us),
                "exact",
                "tangent_out",
            )

    run("vmap", vmap_checks)

    # -- second order
    def order2_rev():
        if order < 2:
            raise SkipCheck("order=1")

        def h(*d):  # <J(x)^T v, u>: its derivative needs the derivative of bwd
            cts = vjp(g, d, v)[1]
            total = None
            for c, t in zip(tree_flatten(cts)[0], tree_flatten(u)[0], strict=True):
                if _inexact(c):
                    term = (c * t).sum()
                    total = term if total is None else total + term
            return total

        h_out, pull = api.vjp(h, *dyn)
        cts_h = list(pull(Array(np.ones_like(np.asarray(h_out)))))
        got, s1 = _vdot(cts_h, u2)
        want_tree = fd_jvp(h, dyn, u2)
        want = float(np.real(_f64(want_tree)))
        chk.scalars(
            "order 2: reverse over reverse", got, want, max(s1, abs(want)), "fd", prec, "d<J^T v,u>"
        )

    def order2_fwd():
        if order < 2:
            raise SkipCheck("order=1")
        need_forward()

        def k(*d):
            return jvp(g, d, u)[1]

        _, got = jvp(k, dyn, u2)
        chk.trees("order 2: forward over forward", got, fd_jvp(k, dyn, u2), "fd", "tangent_out")

    run("order 2: reverse over reverse", order2_rev)
    run("order 2: forward over forward", order2_fwd)

    if raise_on_failure:
        report.raise_on_failure()
    return report


def _stack(trees: list) -> Any:
    leaves = [tree_flatten(t)[0] for t in trees]
    tree = tree_structure(trees[0])
    out = []
    for parts in zip(*leaves, strict=True):
        a = core.get_aval(parts[0])
        if a.dtype == dtypes.float0:
            out.append(np.zeros((len(parts), *a.shape), dtypes.float0))
        else:
            out.append(Array(np.stack([np.asarray(p) for p in parts]), weak_type=a.weak_type))
    return tree_unflatten(tree, out)
