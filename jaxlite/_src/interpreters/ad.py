"""Automatic differentiation: forward mode (JVP), linearize, and transposition (reverse mode).

Reverse mode is linearize + transpose, as in JAX: `linearize_flat` runs the JVP trace on top
of a partial-evaluation trace, so primal operations run now and tangent operations are staged
into a linear jaxpr; `backward_pass` transposes that jaxpr. Missing (co)tangents are symbolic
`Zero`s, never materialised arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Array, ShapedArray, Tracer, get_aval, set_current_trace
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, Jaxpr, Literal, Var


class Zero:
    """A symbolic zero (co)tangent of abstract value `aval`."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    @staticmethod
    def from_primal_value(x: Any) -> Zero:
        return Zero(get_aval(x).to_tangent_aval())

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"


def zeros_like_aval(aval: ShapedArray) -> Array:
    """A concrete zero array (valid as a constant under every trace)."""
    return core._wrap(np.zeros(aval.shape, aval.dtype), aval.weak_type)


def instantiate_zeros(t: Any) -> Any:
    return zeros_like_aval(t.aval) if type(t) is Zero else t


def add_tangents(x: Any, y: Any) -> Any:
    if type(x) is Zero:
        return y
    if type(y) is Zero:
        return x
    return add_any_p.bind(x, y)


# add_any: the sum of two (co)tangents of one aval; interpreters need it themselves.
add_any_p = core.Primitive("add_any")
add_any_p.impl = np.add
add_any_p.weak_type_rule = core.all_weak  # also selects the eager fast path
add_any_p.abstract_eval = lambda x, y: x
add_any_p.eval_impl = core.eager_impl(add_any_p)
add_any_p.jvp = lambda primals, tangents: (
    add_any_p.bind(*primals),
    add_tangents(*tangents),
)
add_any_p.transpose = lambda ct, x, y: [ct, ct]


def _add_any_batch(axis_size, vals, dims):
    x, y = vals
    dx, dy = dims
    if dx != dy:
        x, y = core.ops.bdim_at_front(x, dx, axis_size), core.ops.bdim_at_front(y, dy, axis_size)
        dx = 0
    return add_any_p.bind(x, y), dx


add_any_p.batch = _add_any_batch


# ----------------------------------------------------------------------------------------------
# Forward mode


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        p = self.primal
        return p.aval if type(p) is Array else get_aval(p)

    def to_concrete_value(self):
        p = self.primal
        if type(p) is Array:
            return p
        if isinstance(p, Tracer):
            return p.to_concrete_value()
        return core._wrap(core.to_numpy(p), core._is_weak(p))


class JVPTrace(core.Trace):
    name = "jvp"
    # Set by the eager linearize: a primitive with `cached_linearize` may take its cached
    # linearization, and while `lazy` the steps are recorded on a tape rather than staged as
    # equations (see `linear_cache`).
    cached = False
    lazy = False
    tape: list | None  # the steps' templates and their tangents' numbers
    res: list | None  # the steps' residuals
    n_ids: int  # tangents numbered so far (inputs first)
    in_avals: list  # the inputs' tangent types
    tracers: list  # once turned into equations: a tracer per tangent number

    def __init__(self, parent: core.Trace):
        self.parent = parent

    def unpack(self, x):
        if isinstance(x, JVPTracer) and x._trace is self:
            t = x.tangent
            if type(t) is linear_cache.TapeTangent:
                t = x.tangent = linear_cache.resolve(self, t)
            return x.primal, t
        return x, None

    def process_primitive(self, prim, args, params):
        if self.cached and prim.cached_linearize:
            out = linear_cache.linearize_primitive(self, prim, args, params)
            if out is not None:
                return out
        primals = []
        tangents = []
        nonzero = False
        for x in args:
            if type(x) is JVPTracer and x._trace is self:
                primals.append(x.primal)
                t = x.tangent
                if type(t) is linear_cache.TapeTangent:
                    t = x.tangent = linear_cache.resolve(self, t)
                tangents.append(t)
                if type(t) is not Zero:
                    nonzero = True
            else:
                primals.append(x)
                tangents.append(None)
        ctx = core._ctx
        prev = ctx.trace
        ctx.trace = self.parent
        try:
            if not nonzero:
                return prim.bind(*primals, **params)
            rule = prim.jvp
            if rule is None:
                raise core.missing_rule(prim, "jvp", "forward-mode differentiation")
            for i, t in enumerate(tangents):
                if t is None:
                    tangents[i] = Zero(get_aval(primals[i]).to_tangent_aval())
            primal_out, tangent_out = rule(primals, tangents, **params)
        finally:
            ctx.trace = prev
        if prim.multiple_results:
            return [
                p if type(t) is Zero else JVPTracer(self, p, t)
                for p, t in zip(primal_out, tangent_out, strict=True)
            ]
        if type(tangent_out) is Zero:
            return primal_out
        return JVPTracer(self, primal_out, tangent_out)

    def maybe_tracer(self, primal, tangent):
        if type(tangent) is Zero:
            return primal
        return JVPTracer(self, primal, tangent)

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        return prim.process_jvp(self, fun, jvp, args, symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        return prim.process_jvp(
            self, fun, fwd, bwd, args, out_trees=out_trees, symbolic_zeros=symbolic_zeros
        )


def _tangent_in(primal, tangent):
    if tangent is None or type(tangent) is Zero:
        return Zero.from_primal_value(primal)
    if getattr(tangent, "dtype", None) == dtypes.float0:
        return Zero.from_primal_value(primal)
    return tangent


def jvp_flat(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]):
    """`f(*primals)` and its directional derivative; tangent outputs may be `Zero`."""
    trace = JVPTrace(core.current_trace())
    ins = [trace.maybe_tracer(p, _tangent_in(p, t)) for p, t in zip(primals, tangents, strict=True)]
    with set_current_trace(trace):
        outs = f(*ins)
    primals_out, tangents_out = [], []
    for o in outs:
        p, t = trace.unpack(o)
        primals_out.append(p)
        tangents_out.append(Zero.from_primal_value(p) if t is None else t)
    return primals_out, tangents_out


def jvp_jaxpr(closed: ClosedJaxpr, nonzeros: Sequence[bool]) -> tuple[ClosedJaxpr, list[bool]]:
    """A jaxpr computing `(*primals_out, *nonzero tangents_out)` from primals and the nonzero
    tangents; also returns which output tangents are nonzero."""
    n = len(closed.in_avals)
    out_nz: list[bool] = []

    def fun(*args):
        primals, tangents = args[:n], list(args[n:])
        ts = [tangents.pop(0) if nz else None for nz in nonzeros]
        po, to = jvp_flat(lambda *xs: core_eval(closed, xs), primals, ts)
        out_nz[:] = [type(t) is not Zero for t in to]
        return [*po, *[t for t in to if type(t) is not Zero]]

    tangent_avals = [
        a.to_tangent_aval() for a, nz in zip(closed.in_avals, nonzeros, strict=True) if nz
    ]
    out = pe.trace_to_jaxpr(fun, [*closed.in_avals, *tangent_avals], name="jvp")
    return out, out_nz


def core_eval(closed: ClosedJaxpr, args):
    from jaxlite._src.jaxpr import eval_jaxpr  # noqa: PLC0415

    return eval_jaxpr(closed.jaxpr, closed.consts, *args)


# ----------------------------------------------------------------------------------------------
# Linearize and reverse mode


def linearize_flat(f: Callable, primals: Sequence[Any], dce: bool = True):
    """Runs `f` forward and stages its linear tangent map.

    Returns `(primals_out, linear, out_nonzero)` where `linear` is a closed jaxpr from the
    tangents of `primals` to the nonzero output tangents; with `dce=False` (for a backward
    pass) it may keep linear equations that do not reach the outputs.
    """
    return _linearize(f, primals, dce)[:3]


def _linearize(f: Callable, primals: Sequence[Any], dce: bool):
    """`linearize_flat`, plus the key of the whole backward pass when every step took a
    cached linearization, else None. Then, without `dce`, the linear map is returned as a
    `linear_cache.LazyLinear` (its jaxpr is built only if the backward pass needs it)."""
    parent = core.current_trace()
    ptrace = pe.JaxprTrace(parent, known_eval=True, name="linearize")
    jtrace = JVPTrace(ptrace)
    ins = []
    if parent is core.eval_trace and linear_cache.enabled:
        # Eager: record cached steps on a tape (see `linear_cache`); the linear jaxpr's
        # inputs are made when the tape is turned into equations.
        jtrace.cached = jtrace.lazy = True
        jtrace.tape = []
        jtrace.res = []
        jtrace.in_avals = avals = []
        TapeTangent = linear_cache.TapeTangent
        for i, p in enumerate(primals):
            aval = p.aval if type(p) is Array else get_aval(p)
            tan = aval.to_tangent_aval()
            avals.append(tan)
            # Integer/bool inputs have float0 tangents, which no rule can consume: they keep
            # their linear-jaxpr argument but get a symbolic Zero tangent.
            t = TapeTangent(i, tan) if tan is aval else Zero(tan)
            ins.append(JVPTracer(jtrace, p, t))
        jtrace.n_ids = len(primals)
    else:
        for p in primals:
            aval = p.aval if type(p) is Array else get_aval(p)
            tan = aval.to_tangent_aval()
            t = ptrace.new_arg(tan)
            ins.append(JVPTracer(jtrace, p, t if tan is aval else Zero(tan)))
    with set_current_trace(jtrace):
        outs = f(*ins)
    primals_out, tangents_out = [], []
    for o in outs:
        if type(o) is JVPTracer and o._trace is jtrace:
            p, t = o.primal, o.tangent
        else:
            p, t = o, None
        if ptrace.is_own(p):
            raise core.InternalError("internal: a primal output depends on tangents")
        primals_out.append(p)
        tangents_out.append(Zero.from_primal_value(p) if t is None else t)
    out_nonzero = [type(t) is not Zero for t in tangents_out]
    nonzero = [t for t in tangents_out if type(t) is not Zero]
    if jtrace.lazy:
        # Every step was a cached one: every equation is linear, and the backward pass skips
        # those whose outputs get no cotangent, so DCE would change nothing it runs.
        lazy = linear_cache.LazyLinear(jtrace, nonzero)
        if not dce:
            return primals_out, lazy, out_nonzero, lazy.key
        return primals_out, pe.dce_closed(lazy.closed()), out_nonzero, None
    if jtrace.cached:
        TapeTangent = linear_cache.TapeTangent
        nonzero = [jtrace.tracers[t.i] if type(t) is TapeTangent else t for t in nonzero]
    linear = ptrace.to_jaxpr(nonzero)
    return primals_out, pe.dce_closed(linear), out_nonzero, None


class UndefinedPrimal:
    """Marks a linear input of an equation being transposed."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined_primal(x: Any) -> bool:
    return type(x) is UndefinedPrimal


def _literal(v: Literal) -> Any:
    # The Python scalar a literal was staged from, when it was one: rebinding it stages the
    # same literal again (`mul ct 0.1:f32[]`, not the float32 value's digits), as in JAX.
    return v.val if v.py is None else v.py


def backward_pass(
    jaxpr: Jaxpr,
    consts: Sequence[Any],
    args: Sequence[Any],
    cts: Sequence[Any],
    init: Sequence[Any] | None = None,
):
    """Transposes `jaxpr` with respect to its `UndefinedPrimal` arguments.

    Equations with no linear input are evaluated forward first; the linear ones are then
    transposed in reverse order. `init` optionally gives cotangents already accumulated for
    the arguments (None: none), which this pass adds to in its usual order. Returns one
    cotangent (possibly `Zero`) per argument.

    A primitive with `transpose_accumulates` gets the cotangents accumulated so far for its
    linear operands (`acc=[...]`, None where there is none) and returns the new totals, so
    that a cached multi-equation transpose adds in the order its equations would.
    """
    # `env` maps primal variables to values and linear ones to their UndefinedPrimal.
    env: dict[Var, Any] = {}
    linear: set[Var] = set()
    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        if type(x) is UndefinedPrimal:
            linear.add(v)
        env[v] = x

    # Literals are never linear, so membership tests need no type check (Vars hash by id).
    # Linear equation outputs get no env entry: their UndefinedPrimal is made when read.
    linear_eqns = []
    for eqn in jaxpr.eqns:
        for v in eqn.invars:
            if v in linear:
                linear.update(eqn.outvars)
                linear_eqns.append(eqn)
                break
        else:
            ins = [_literal(v) if type(v) is Literal else env[v] for v in eqn.invars]
            outs = eqn.primitive.bind(*ins, **eqn.params)
            if eqn.primitive.multiple_results:
                env.update(zip(eqn.outvars, outs, strict=True))
            else:
                env[eqn.outvars[0]] = outs

    ct_env: dict[Var, Any] = {}
    if init is not None:
        for v, ct in zip(jaxpr.invars, init, strict=True):
            if ct is not None and v in linear:
                ct_env[v] = ct
    for v, ct in zip(jaxpr.outvars, cts, strict=True):
        if v in linear and ct is not None and type(ct) is not Zero:
            prev = ct_env.get(v)
            ct_env[v] = ct if prev is None else add_any_p.bind(prev, ct)

    for eqn in reversed(linear_eqns):
        prim = eqn.primitive
        if prim.multiple_results:
            cts_out = [ct_env.pop(v, None) for v in eqn.outvars]
            if all(c is None for c in cts_out):
                continue
            ct_arg = [
                Zero(v.aval.to_tangent_aval()) if c is None else c
                for v, c in zip(eqn.outvars, cts_out, strict=True)
            ]
        else:
            ct_arg = ct_env.pop(eqn.outvars[0], None)
            if ct_arg is None:
                continue
        if prim.transpose is None:
            raise core.missing_rule(prim, "transpose", "reverse-mode differentiation")
        invars = eqn.invars
        invals = []
        if prim.transpose_accumulates:
            acc = []
            for v in invars:
                if v in linear:
                    invals.append(UndefinedPrimal(v.aval))
                    acc.append(ct_env.pop(v, None))
                else:
                    invals.append(_literal(v) if type(v) is Literal else env[v])
                    acc.append(None)
            cts_in = prim.transpose(ct_arg, *invals, acc=acc, **eqn.params)
            for v, ct in zip(invars, cts_in, strict=True):
                if ct is not None and type(ct) is not Zero:
                    ct_env[v] = ct
            continue
        for v in invars:
            if type(v) is Literal:
                invals.append(_literal(v))
            else:
                x = env.get(v)
                invals.append(UndefinedPrimal(v.aval) if x is None else x)
        cts_in = prim.transpose(ct_arg, *invals, **eqn.params)
        for v, ct in zip(invars, cts_in, strict=True):
            if ct is not None and v in linear and type(ct) is not Zero:
                prev = ct_env.get(v)
                ct_env[v] = ct if prev is None else add_any_p.bind(prev, ct)

    return [ct_env.get(v, Zero(v.aval)) if v in linear else Zero(v.aval) for v in jaxpr.invars]


def vjp_flat(f: Callable, primals: Sequence[Any]):
    """Returns `(primals_out, f_vjp)` with `f_vjp(cts) -> cotangents per primal` (maybe Zero)."""
    primals_out, linear, out_nonzero, key = _linearize(f, primals, dce=False)
    out_avals = [get_aval(p).to_tangent_aval() for p in primals_out]

    def f_vjp(cts: Sequence[Any]) -> list:
        cts = [c for c, nz in zip(cts, out_nonzero, strict=True) if nz]
        closed = linear
        if type(linear) is linear_cache.LazyLinear:
            if key is not None and core._ctx.trace is core.eval_trace:
                out = linear_cache.whole_backward(linear, cts)
                if out is not None:
                    return out
            closed = linear.closed()
        args = [UndefinedPrimal(v.aval) for v in closed.jaxpr.invars]
        return backward_pass(closed.jaxpr, closed.consts, args, cts)

    f_vjp.out_avals = out_avals  # type: ignore[attr-defined]
    return primals_out, f_vjp


def transpose_jaxpr(closed: ClosedJaxpr, linear_mask: Sequence[bool]) -> ClosedJaxpr:
    """A jaxpr mapping `(*non-linear inputs, *output cotangents)` to cotangents of the linear
    inputs (zeros instantiated).

    The non-linear part is split off first by partial evaluation, so equations that mix
    primal and tangent work (a nested jit or checkpoint) are divided before transposing.
    """
    in_avals = closed.in_avals
    res_avals = [a for a, lin in zip(in_avals, linear_mask, strict=True) if not lin]
    ct_avals = [a.to_tangent_aval() for a in closed.out_avals]
    known, unknown, out_unknowns, num_res = pe.partial_eval_jaxpr(closed, linear_mask)
    lin_avals = [a for a, lin in zip(in_avals, linear_mask, strict=True) if lin]

    def fun(*args):
        res, cts = list(args[: len(res_avals)]), args[len(res_avals) :]
        known_outs = core_eval(known, res)
        residuals = known_outs[len(known_outs) - num_res :]
        lin_cts = [c for c, u in zip(cts, out_unknowns, strict=True) if u]
        full = [*residuals, *[UndefinedPrimal(a) for a in lin_avals]]
        out = backward_pass(unknown.jaxpr, unknown.consts, full, lin_cts)[num_res:]
        return [instantiate_zeros(c) for c in out]

    return pe.trace_to_jaxpr(fun, [*res_avals, *ct_avals], name="transpose")


# At the bottom: linear_cache builds on the classes above.
from jaxlite._src.interpreters import linear_cache  # noqa: E402
