"""Jaxpr optimisations run before code generation: call inlining, constant folding, CSE, DCE.

They run on every new jit signature (a first call), so each is one linear pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, Jaxpr, JaxprEqn, Literal, Var


def inline_calls(closed: ClosedJaxpr, call_prims: dict) -> ClosedJaxpr:
    """Replaces equations of call primitives (nested jit, custom-rule calls) by their bodies.

    `call_prims` maps each such primitive to the name of its jaxpr parameter.
    """
    if not any(e.primitive in call_prims for e in closed.jaxpr.eqns):
        return closed
    constvars = list(closed.jaxpr.constvars)
    consts = list(closed.consts)
    eqns: list[JaxprEqn] = []
    subst: dict[Var, Any] = {}

    def read(v):
        return subst.get(v, v) if type(v) is not Literal else v

    def emit(jaxpr: Jaxpr, inner_consts, in_atoms, out_vars):
        env = dict(zip(jaxpr.invars, in_atoms, strict=True))
        for cv, c in zip(jaxpr.constvars, inner_consts, strict=True):
            nv = Var(cv.aval)
            constvars.append(nv)
            consts.append(c)
            env[cv] = nv
        for e in jaxpr.eqns:
            ins = [env.get(v, v) if type(v) is not Literal else v for v in e.invars]
            if e.primitive in call_prims:
                inner = e.params[call_prims[e.primitive]]
                outs = [Var(v.aval) for v in e.outvars]
                env.update(zip(e.outvars, outs, strict=True))
                emit(inner.jaxpr, inner.consts, ins, outs)
                continue
            outs = [Var(v.aval) if not isinstance(v, DropVar) else v for v in e.outvars]
            env.update(zip(e.outvars, outs, strict=True))
            eqns.append(JaxprEqn(e.primitive, ins, outs, e.params))
        for ov, iv in zip(out_vars, jaxpr.outvars, strict=True):
            subst[ov] = env.get(iv, iv) if type(iv) is not Literal else iv

    for e in closed.jaxpr.eqns:
        ins = [read(v) for v in e.invars]
        if e.primitive in call_prims:
            inner = e.params[call_prims[e.primitive]]
            emit(inner.jaxpr, inner.consts, ins, e.outvars)
        else:
            eqns.append(JaxprEqn(e.primitive, ins, e.outvars, e.params))
    outvars = [read(v) for v in closed.jaxpr.outvars]
    return ClosedJaxpr(Jaxpr(constvars, closed.jaxpr.invars, outvars, eqns), consts)


def _literal_key(v: Literal):
    val = np.asarray(core.to_numpy(v.val))
    return ("lit", val.dtype.str, val.tobytes(), v.aval.weak_type)


def _params_key(params: dict):
    if not params:
        return ()
    try:
        # Types too: params that compare equal (1, 1.0, True) may still mean different things.
        key = tuple([(k, type(v), v) for k, v in params.items()])
        hash(key)
        return key
    except TypeError:
        return None


_MISSING = object()
_FOLD_LIMIT = 1 << 16  # larger results stay computed at run time rather than pinned


def fold_and_cse(closed: ClosedJaxpr) -> ClosedJaxpr:
    """One forward pass: an equation whose inputs are all constants is evaluated now (when its
    result is small), and one that repeats an earlier equation (same primitive, params and
    inputs) is replaced by the earlier one's results."""
    j = closed.jaxpr
    known: dict[Var, Any] = {
        v: core.to_numpy(c) for v, c in zip(j.constvars, closed.consts, strict=True)
    }
    constvars, consts = list(j.constvars), list(closed.consts)
    seen: dict = {}
    subst: dict[Var, Any] = {}
    eqns = []
    for e in j.eqns:
        ins = e.invars
        if subst:
            ins = [subst.get(v, v) if type(v) is not Literal else v for v in ins]
        prim = e.primitive
        # Constant folding.
        if (
            not prim.multiple_results
            and prim.impl is not None
            and all(type(v) is Literal or v in known for v in ins)
            and _size(e.outvars[0].aval) <= _FOLD_LIMIT
        ):
            out = _fold(prim, ins, known, e.params, e.outvars[0].aval)
            if out is not _MISSING:
                v = e.outvars[0]
                known[v] = out
                constvars.append(v)
                consts.append(core._wrap(out, v.aval.weak_type))
                continue
        # Common subexpressions.
        pk = _params_key(e.params)
        if pk is not None and not any(type(v) is DropVar for v in e.outvars):
            key = (
                prim,
                tuple([_literal_key(v) if type(v) is Literal else v for v in ins]),
                pk,
            )
            prev = seen.get(key)
            if prev is not None:
                for old, new in zip(e.outvars, prev, strict=True):
                    subst[old] = new
                continue
            seen[key] = e.outvars
        eqns.append(e if ins is e.invars else JaxprEqn(prim, ins, e.outvars, e.params))
    outvars = j.outvars
    if subst:
        outvars = [subst.get(v, v) if type(v) is not Literal else v for v in outvars]
    return ClosedJaxpr(Jaxpr(constvars, j.invars, outvars, eqns), consts)


def _fold(prim, ins, known: dict, params: dict, aval) -> Any:
    """The equation's value computed now, or _MISSING if it raises (the error belongs to run
    time); cast to the aval's dtype as eager evaluation does."""
    vals = [core.to_numpy(v.val) if type(v) is Literal else known[v] for v in ins]
    try:
        out = prim.impl(*vals, **params)
    except Exception:  # noqa: BLE001
        return _MISSING
    if getattr(out, "dtype", None) != aval.dtype:
        out = np.asarray(out).astype(aval.dtype)
    return out


def _size(aval) -> int:
    n = 1
    for d in aval.shape:
        n *= d
    return n


def dce(closed: ClosedJaxpr) -> ClosedJaxpr:
    """Removes equations whose results are unused (primitives with a `dce` rule prune their
    own inputs), and constants nothing reads; the signature is kept."""
    j = closed.jaxpr
    live = {v for v in j.outvars if type(v) is not Literal}
    new_eqns = []
    for eqn in reversed(j.eqns):
        outs = eqn.outvars
        rule = eqn.primitive.dce
        if len(outs) == 1 and rule is None:
            if outs[0] not in live:
                continue
        else:
            used = [v in live for v in outs]
            if not any(used):
                continue
            if rule is not None:
                _, eqn = rule(used, eqn)  # the new equation has only used inputs
                if eqn is None:
                    continue
            elif not all(used):
                eqn = eqn._replace(
                    outvars=[v if u else DropVar(v.aval) for v, u in zip(outs, used, strict=True)]
                )
        for v in eqn.invars:
            if type(v) is not Literal:
                live.add(v)
        new_eqns.append(eqn)
    new_eqns.reverse()
    keep = [(v, c) for v, c in zip(j.constvars, closed.consts, strict=True) if v in live]
    return ClosedJaxpr(
        Jaxpr([v for v, _ in keep], j.invars, j.outvars, new_eqns), [c for _, c in keep]
    )


def optimize(closed: ClosedJaxpr, call_prims: dict) -> ClosedJaxpr:
    """Inline nested calls, fold constants and merge common subexpressions, then DCE."""
    closed = inline_calls(closed, call_prims)
    closed = fold_and_cse(closed)
    return dce(closed)
