"""Code generation: a jaxpr becomes the source of one Python function calling NumPy.

The source is compiled once per jaxpr; calling the function runs straight-line NumPy calls
with no interpreter loop. Constants, literals and primitive implementations are bound as
globals of the generated function.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, Literal

_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compile_jaxpr(closed: ClosedJaxpr) -> Callable[..., list]:
    """Returns `f(*numpy_args) -> list of numpy outputs` for `closed` (cached per jaxpr)."""
    fn = _compiled.get(closed)
    if fn is None:
        fn = _compiled[closed] = _generate(closed)
    return fn


def _generate(closed: ClosedJaxpr) -> Callable[..., list]:
    jaxpr = closed.jaxpr
    names: dict[Any, str] = {}
    glb: dict[str, Any] = {"_errstate": np.errstate}
    counter = iter(range(1 << 30))

    def fresh(prefix: str) -> str:
        return f"{prefix}{next(counter)}"

    def name(v) -> str:
        if type(v) is Literal:
            g = fresh("_k")
            glb[g] = core.to_numpy(v.val)
            return g
        return names[v]

    for v, c in zip(jaxpr.constvars, closed.consts, strict=True):
        g = fresh("_c")
        glb[g] = core.to_numpy(c)
        names[v] = g
    args = []
    for v in jaxpr.invars:
        names[v] = fresh("a")
        args.append(names[v])
    # Free each intermediate after its last use: large temporaries then recycle memory
    # instead of all staying alive until the function returns.
    last_use: dict[Any, int] = {}
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.invars:
            if type(v) is not Literal:
                last_use[v] = i
    keep = set(jaxpr.outvars) | set(jaxpr.invars)
    dead_after: dict[int, list] = {}
    for v, i in last_use.items():
        if v not in keep and v not in jaxpr.constvars:
            dead_after.setdefault(i, []).append(v)
    body = []
    for i, eqn in enumerate(jaxpr.eqns):
        prim = eqn.primitive
        ins = ", ".join(name(v) for v in eqn.invars)
        outs = []
        for v in eqn.outvars:
            if isinstance(v, DropVar):
                outs.append("_")
            else:
                names[v] = fresh("v")
                outs.append(names[v])
        if prim.impl is None:
            raise NotImplementedError(f"primitive '{prim.name}' has no implementation for jit")
        fn = functools.partial(prim.impl, **eqn.params) if eqn.params else prim.impl
        g = fresh("_p")
        glb[g] = fn
        if not outs:  # no results (and primitives have no side effects): nothing to run
            continue
        lhs = (", ".join(outs) + ",") if prim.multiple_results else outs[0]
        body.append(f"{lhs} = {g}({ins})")
        if i in dead_after:
            body.append("del " + ", ".join(names[v] for v in dead_after[i]))
    ret = ", ".join(name(v) for v in jaxpr.outvars)
    lines = [f"def _jitted({', '.join(args)}):", "    with _errstate(all='ignore'):"]
    lines += [f"        {line}" for line in body]
    lines.append(f"        return [{ret}]")
    src = "\n".join(lines)
    code = compile(src, "<jaxlite-jit>", "exec")
    exec(code, glb)
    fn = glb["_jitted"]
    fn.__source__ = src  # type: ignore[attr-defined]
    return fn
