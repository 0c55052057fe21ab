"""Jaxpr optimisations run before code generation: call inlining, CSE, DCE."""

from __future__ import annotations

from typing import Any

import numpy as np

from jaxlite._src.interpreters import partial_eval as pe
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


def _atom_key(v):
    if type(v) is Literal:
        val = np.asarray(v.val)
        return ("lit", val.dtype.str, val.tobytes(), v.aval.weak_type)
    return v


def _params_key(params: dict):
    try:
        key = tuple(sorted(params.items()))
        hash(key)
        return key
    except TypeError:
        return None


def cse(closed: ClosedJaxpr) -> ClosedJaxpr:
    """Merges equations that apply the same primitive with the same params to the same inputs."""
    seen: dict = {}
    subst: dict[Var, Any] = {}
    eqns = []
    for e in closed.jaxpr.eqns:
        ins = [subst.get(v, v) if type(v) is not Literal else v for v in e.invars]
        pk = _params_key(e.params)
        key = None if pk is None else (e.primitive, tuple(_atom_key(v) for v in ins), pk)
        if key is not None and key in seen:
            for old, new in zip(e.outvars, seen[key], strict=True):
                subst[old] = new
            continue
        if key is not None:
            seen[key] = e.outvars
        eqns.append(JaxprEqn(e.primitive, ins, e.outvars, e.params))
    outvars = [subst.get(v, v) if type(v) is not Literal else v for v in closed.jaxpr.outvars]
    j = closed.jaxpr
    return ClosedJaxpr(Jaxpr(j.constvars, j.invars, outvars, eqns), closed.consts)


def fold_constants(closed: ClosedJaxpr) -> ClosedJaxpr:
    """Evaluates equations whose inputs are all constants once, at compile time."""
    from jaxlite._src import core  # noqa: PLC0415

    known: dict[Var, Any] = {
        v: core.to_numpy(c) for v, c in zip(closed.jaxpr.constvars, closed.consts, strict=True)
    }
    constvars, consts = list(closed.jaxpr.constvars), list(closed.consts)
    eqns = []
    for e in closed.jaxpr.eqns:
        vals = [
            core.to_numpy(v.val) if type(v) is Literal else known.get(v, _MISSING) for v in e.invars
        ]
        prim = e.primitive
        # Large results stay computed at run time rather than pinned as constants.
        big = prim.multiple_results or e.outvars[0].aval.size > _FOLD_LIMIT
        if any(x is _MISSING for x in vals) or prim.impl is None or big:
            eqns.append(e)
            continue
        try:
            out = prim.impl(*vals, **e.params)
        except Exception:  # leave it to run time, where the error (if any) belongs
            eqns.append(e)
            continue
        v = e.outvars[0]
        known[v] = out
        constvars.append(v)
        consts.append(core._wrap(out, v.aval.weak_type))
    j = closed.jaxpr
    return ClosedJaxpr(Jaxpr(constvars, j.invars, j.outvars, eqns), consts)


_MISSING = object()
_FOLD_LIMIT = 1 << 16


def optimize(closed: ClosedJaxpr, call_prims: dict) -> ClosedJaxpr:
    """Inline nested calls, fold constants, then CSE, then DCE (dropping unused constants)."""
    closed = inline_calls(closed, call_prims)
    closed = fold_constants(closed)
    closed = cse(closed)
    return pe.dce_closed(closed)
