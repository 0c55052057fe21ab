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


def optimize(closed: ClosedJaxpr, call_prims: dict) -> ClosedJaxpr:
    """Inline nested calls, then CSE, then DCE (dropping unused constants)."""
    closed = inline_calls(closed, call_prims)
    closed = cse(closed)
    return pe.dce_closed(closed)
