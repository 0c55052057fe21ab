"""Staging: the trace that records primitives into a jaxpr, and partial evaluation.

`JaxprTrace` serves `make_jaxpr`, `jit` and control-flow bodies (every operation staged) and,
with `known_eval=True`, linearize: operations whose inputs are all known (no tracer of this
trace among them) are evaluated by the parent trace right away, and only operations touching
unknown values are recorded. That split is partial evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.core import Array, ShapedArray, Tracer, get_aval, set_current_trace
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, Jaxpr, JaxprEqn, Literal, Var, eval_jaxpr


class JaxprTracer(Tracer):
    # `aval` is a plain slot (overriding Tracer's property): read on every traced operation.
    __slots__ = ("aval", "var")

    def __init__(self, trace: JaxprTrace, aval: ShapedArray, var: Var):
        self._trace = trace
        self.aval = aval
        self.var = var


def _is_literal_value(x) -> bool:
    t = type(x)
    if t in (int, float, bool, complex):
        return True
    if t is Array:
        return x._value.ndim == 0
    return isinstance(x, (np.ndarray, np.generic)) and np.ndim(x) == 0


class JaxprTrace(core.Trace):
    """Records primitives applied to its tracers as jaxpr equations."""

    def __init__(
        self,
        parent: core.Trace | None,
        *,
        known_eval: bool = False,
        name="jit",
        debug: str | None = None,
    ):
        self.parent = parent
        self.known_eval = known_eval
        self.name = name
        self.debug = debug
        self.invars: list[Var] = []
        self.eqns: list[JaxprEqn] = []
        self.constvars: dict[int, Var] = {}
        self.consts: list[Any] = []

    def new_arg(self, aval: ShapedArray) -> JaxprTracer:
        var = Var(aval)
        self.invars.append(var)
        return JaxprTracer(self, aval, var)

    def is_own(self, x) -> bool:
        return isinstance(x, JaxprTracer) and x._trace is self

    def getvar(self, x) -> Var | Literal:
        if type(x) is JaxprTracer and x._trace is self:
            return x.var
        return self._outer_var(x)

    def _outer_var(self, x) -> Var | Literal:
        """A literal for a scalar constant, else a constvar for a value from outside."""
        # (A residual array, the common case, skips the literal test.)
        if not (type(x) is Array and x._value.ndim) and (
            _is_literal_value(x) and not isinstance(x, Tracer)
        ):
            aval = get_aval(x)
            # Python complex scalars too (jnp hands weak ones to lax as they are): JAX
            # prints their full value, e.g. (0.1+1j):c64[].
            py = x if type(x) in (int, float, bool, complex) else None
            return Literal(core._wrap(core.to_numpy(x), aval.weak_type), aval, py)
        var = self.constvars.get(id(x))
        if var is None:
            var = self.constvars[id(x)] = Var(get_aval(x))
            self.consts.append(x)
        return var

    def process_primitive(self, prim, args, params):
        if self.known_eval:
            for x in args:
                if type(x) is JaxprTracer and x._trace is self:
                    break
            else:  # all inputs known: evaluate now, in the parent trace
                ctx = core._ctx
                prev = ctx.trace
                ctx.trace = parent = self.parent
                try:
                    if parent is core.eval_trace:
                        return prim.eval_impl(*args, **params)
                    return parent.process_primitive(prim, args, params)
                finally:
                    ctx.trace = prev
            if prim.partial_eval is not None:
                return prim.partial_eval(self, args, **params)
        return self.stage(prim, args, params)

    def stage(self, prim, args, params):
        """Records one equation and returns tracers for its outputs."""
        if prim.abstract_eval is None:
            raise core.missing_rule(prim, "abstract_eval", f"tracing ({self.name})")
        invars = []
        avals = []
        for x in args:  # a plain loop: comprehensions cost a frame each
            v = x.var if type(x) is JaxprTracer and x._trace is self else self._outer_var(x)
            invars.append(v)
            avals.append(v.aval)
        out_avals = abstract_eval_cached(prim, avals, params)
        if prim.multiple_results:
            outvars = [Var(a) for a in out_avals]
            self.eqns.append(JaxprEqn(prim, invars, outvars, params))
            return [JaxprTracer(self, v.aval, v) for v in outvars]
        outvar = Var(out_avals)
        self.eqns.append(JaxprEqn(prim, invars, [outvar], params))
        return JaxprTracer(self, out_avals, outvar)

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        if self.known_eval and not any(self.is_own(x) for x in args):
            with set_current_trace(self.parent):
                return self.parent.process_custom_jvp_call(
                    prim, fun, jvp, args, symbolic_zeros=symbolic_zeros
                )
        return prim.stage(self, fun, jvp, args, symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        if self.known_eval and not any(self.is_own(x) for x in args):
            with set_current_trace(self.parent):
                return self.parent.process_custom_vjp_call(
                    prim, fun, fwd, bwd, args, out_trees=out_trees, symbolic_zeros=symbolic_zeros
                )
        return prim.stage(
            self, fun, fwd, bwd, args, out_trees=out_trees, symbolic_zeros=symbolic_zeros
        )

    def to_jaxpr(self, outs: Sequence[Any]) -> ClosedJaxpr:
        outvars = [self.getvar(x) for x in outs]
        constvars = list(self.constvars.values())
        jaxpr = Jaxpr(constvars, self.invars, outvars, self.eqns)
        return ClosedJaxpr(jaxpr, list(self.consts))


abstract_eval_cached = core.abstract_eval_cached


def trace_to_jaxpr(
    fun: Callable, in_avals: Sequence[ShapedArray], *, name: str = "jit", debug: str | None = None
) -> ClosedJaxpr:
    """Stages `fun(*flat_args) -> flat_outs` into a closed jaxpr."""
    trace = JaxprTrace(core.current_trace(), name=name, debug=debug)
    args = [trace.new_arg(a) for a in in_avals]
    with set_current_trace(trace):
        outs = fun(*args)
    return trace.to_jaxpr(outs)


def convert_constvars(closed: ClosedJaxpr) -> tuple[Jaxpr, list]:
    """Turns constvars into leading invars; returns the jaxpr and the const values."""
    j = closed.jaxpr
    return Jaxpr([], [*j.constvars, *j.invars], j.outvars, j.eqns), list(closed.consts)


def closed_with_literal_consts(jaxpr: Jaxpr, consts: Sequence[Any]) -> ClosedJaxpr:
    return ClosedJaxpr(jaxpr, consts)


# ----------------------------------------------------------------------------------------------
# Partial evaluation of a jaxpr: split into a known part and an unknown part


def partial_eval_jaxpr(
    closed: ClosedJaxpr, unknowns: Sequence[bool], instantiate: bool | Sequence[bool] = False
) -> tuple[ClosedJaxpr, ClosedJaxpr, list[bool], int]:
    """Splits `closed` by which inputs are unknown.

    Returns `(known, unknown, out_unknowns, num_res)`: `known` maps the known inputs to the
    known outputs followed by `num_res` residuals; `unknown` maps residuals followed by the
    unknown inputs to the unknown outputs.
    """
    n_out = len(closed.jaxpr.outvars)
    if isinstance(instantiate, bool):
        instantiate = [instantiate] * n_out
    outer = JaxprTrace(core.current_trace(), name="partial_eval")
    inner = JaxprTrace(outer, known_eval=True, name="partial_eval")
    args = [
        inner.new_arg(a) if u else outer.new_arg(a)
        for a, u in zip(closed.in_avals, unknowns, strict=True)
    ]
    with set_current_trace(inner):
        outs = eval_jaxpr(closed.jaxpr, closed.consts, *args)
    out_unknowns = [inner.is_own(o) or inst for o, inst in zip(outs, instantiate, strict=True)]
    unknown_outs = [o for o, u in zip(outs, out_unknowns, strict=True) if u]
    unknown_closed = inner.to_jaxpr(unknown_outs)
    residuals = unknown_closed.consts
    uj = unknown_closed.jaxpr
    unknown = ClosedJaxpr(Jaxpr([], [*uj.constvars, *uj.invars], uj.outvars, uj.eqns), [])
    known_outs = [o for o, u in zip(outs, out_unknowns, strict=True) if not u]
    known = outer.to_jaxpr([*known_outs, *residuals])
    return known, unknown, out_unknowns, len(residuals)


# ----------------------------------------------------------------------------------------------
# Dead-code elimination


def _dce(jaxpr: Jaxpr, used_outputs: Sequence[bool]) -> tuple[Jaxpr, set]:
    """`dce_jaxpr`'s work; also returns the set of live atoms (Literals may be in it)."""
    outvars = [v for v, u in zip(jaxpr.outvars, used_outputs, strict=True) if u]
    live = set(outvars)
    new_eqns = []
    for eqn in reversed(jaxpr.eqns):
        outs = eqn.outvars
        if len(outs) == 1:  # the common case, without building masks
            if outs[0] not in live:
                continue
            all_used = True
        else:
            used = [v in live for v in outs]
            if not any(used):
                continue
            all_used = all(used)
        if eqn.primitive.dce is not None:
            if len(outs) == 1:
                used = [True]
            _, eqn = eqn.primitive.dce(used, eqn)  # the new equation has only used inputs
            if eqn is None:
                continue
        elif not all_used:
            eqn = eqn._replace(
                outvars=[v if u else DropVar(v.aval) for v, u in zip(outs, used, strict=True)]
            )
        live.update(eqn.invars)
        new_eqns.append(eqn)
    new_eqns.reverse()
    return Jaxpr(jaxpr.constvars, jaxpr.invars, outvars, new_eqns), live


def dce_jaxpr(jaxpr: Jaxpr, used_outputs: Sequence[bool]) -> tuple[Jaxpr, list[bool]]:
    """Drops equations whose outputs are unused; returns the jaxpr and which inputs are used."""
    new, live = _dce(jaxpr, used_outputs)
    return new, [v in live for v in jaxpr.invars]


def dce_closed(closed: ClosedJaxpr) -> ClosedJaxpr:
    """Removes dead equations and unused constants, keeping the signature."""
    j, live = _dce(closed.jaxpr, [True] * len(closed.jaxpr.outvars))
    if all(v in live for v in j.constvars):
        return ClosedJaxpr(j, closed.consts)
    keep = [(v, c) for v, c in zip(j.constvars, closed.consts, strict=True) if v in live]
    return ClosedJaxpr(
        Jaxpr([v for v, _ in keep], j.invars, j.outvars, j.eqns), [c for _, c in keep]
    )
