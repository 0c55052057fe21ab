"""The jaxpr IR: typed first-order programs, their evaluation, checking and printing."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src import core
from jaxlite._src.core import ShapedArray

_counter = itertools.count()


class Var:
    """A variable, named only when printed."""

    __slots__ = ("aval", "count")

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.count = next(_counter)

    def __repr__(self):
        return f"Var({self.count}:{self.aval.str_short()})"


class DropVar(Var):
    """An output nobody reads (printed `_`)."""

    __slots__ = ()


class Literal:
    """A scalar constant written inline in a jaxpr (`2.0:f32[]`)."""

    __slots__ = ("val", "aval", "py")

    def __init__(self, val: Any, aval: ShapedArray, py: Any = None):
        self.val = val
        self.aval = aval
        self.py = py  # the Python scalar it came from, printed in full as JAX does

    def __repr__(self):
        return f"Literal({self.val})"


Atom = Var | Literal


class JaxprEqn(NamedTuple):
    primitive: core.Primitive
    invars: list
    outvars: list
    params: dict


class Jaxpr:
    """`{ lambda constvars ; invars . let eqns in outvars }`."""

    __slots__ = ("constvars", "invars", "outvars", "eqns", "__weakref__")

    def __init__(self, constvars, invars, outvars, eqns):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.outvars = list(outvars)
        self.eqns = list(eqns)

    @property
    def in_avals(self):
        return [v.aval for v in self.invars]

    @property
    def out_avals(self):
        return [v.aval for v in self.outvars]

    def __str__(self):
        return pp_jaxpr(self)

    __repr__ = __str__


class ClosedJaxpr:
    """A jaxpr with values for its constvars."""

    __slots__ = ("jaxpr", "consts", "__weakref__")

    def __init__(self, jaxpr: Jaxpr, consts: Sequence[Any]):
        assert len(jaxpr.constvars) == len(consts), "internal: const count mismatch"
        self.jaxpr = jaxpr
        self.consts = list(consts)

    in_avals = property(lambda self: self.jaxpr.in_avals)
    out_avals = property(lambda self: self.jaxpr.out_avals)
    eqns = property(lambda self: self.jaxpr.eqns)

    def __str__(self):
        return pp_jaxpr(self.jaxpr)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


# ----------------------------------------------------------------------------------------------
# Evaluation


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any], *args: Any) -> list:
    """Evaluates `jaxpr` by binding each equation under the current trace."""
    env: dict[Var, Any] = {}

    def read(v):
        return v.val if type(v) is Literal else env[v]

    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        env[v] = x
    for eqn in jaxpr.eqns:
        outs = eqn.primitive.bind(*[read(v) for v in eqn.invars], **eqn.params)
        if eqn.primitive.multiple_results:
            for v, x in zip(eqn.outvars, outs, strict=True):
                env[v] = x
        else:
            env[eqn.outvars[0]] = outs
    return [read(v) for v in jaxpr.outvars]


def jaxpr_as_fun(closed: ClosedJaxpr):
    def fun(*args):
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)

    return fun


def check_jaxpr(jaxpr: Jaxpr) -> None:
    """Type-checks a jaxpr: every variable defined once before use, avals match abstract eval."""
    defined: set[Var] = set()

    def use(v, where):
        if type(v) is Literal:
            return
        if v not in defined:
            raise TypeError(f"internal: jaxpr uses undefined variable {v} in {where}\n{jaxpr}")

    for v in itertools.chain(jaxpr.constvars, jaxpr.invars):
        if v in defined:
            raise TypeError(f"internal: variable {v} defined twice\n{jaxpr}")
        defined.add(v)
    for eqn in jaxpr.eqns:
        for v in eqn.invars:
            use(v, eqn.primitive.name)
        rule = eqn.primitive.abstract_eval
        if rule is not None:
            out = rule(*[v.aval for v in eqn.invars], **eqn.params)
            out = out if eqn.primitive.multiple_results else [out]
            got = [v.aval for v in eqn.outvars]
            if [(a.shape, a.dtype) for a in out] != [(a.shape, a.dtype) for a in got]:
                raise TypeError(
                    f"internal: {eqn.primitive.name} outputs {got} but its abstract "
                    f"evaluation gives {out}"
                )
        for v in eqn.outvars:
            defined.add(v)
    for v in jaxpr.outvars:
        use(v, "outputs")


# ----------------------------------------------------------------------------------------------
# Printing in JAX's format


def _names():
    # JAX's names: the counter in base 26 with digits a..z (so z is followed by ba, bb, ...).
    for n in itertools.count():
        s = ""
        while not s or n:
            n, d = divmod(n, 26)
            s = chr(97 + d) + s
        yield s


class _Namer:
    """Names variables in order of appearance, shared by a jaxpr and its sub-jaxprs."""

    def __init__(self, used: set):
        self.names: dict[Var, str] = {}
        self.gen = _names()
        self.used = used

    def __call__(self, v, binder: bool = False) -> str:
        if type(v) is Literal:
            return pp_literal(v)
        if isinstance(v, DropVar) or (binder and v not in self.used):
            return "_"
        name = self.names.get(v)
        if name is None:
            name = self.names[v] = next(self.gen)
        return name


def pp_literal(lit: Literal) -> str:
    if type(lit.py) in (int, float, bool, complex):  # complex: (0.1+1j), as JAX prints it
        return f"{lit.py!r}:{lit.aval.str_short()}"
    val = np.asarray(lit.val)
    if val.dtype == np.bool_:
        text = "True" if val else "False"
    elif np.issubdtype(val.dtype, np.floating):
        f = float(val)
        text = repr(f) if np.isfinite(f) else {True: "inf", False: "-inf"}.get(f > 0, "nan")
        if np.isnan(f):
            text = "nan"
    else:
        text = str(val.item())
    return f"{text}:{lit.aval.str_short()}"


def _pp_param(v: Any, namer: _Namer, indent: int, width: int) -> str:
    if isinstance(v, ClosedJaxpr):
        v = v.jaxpr
    if isinstance(v, Jaxpr):
        return _pp(v, indent + 4, namer, width)
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, type) and issubclass(v, np.generic):
        return np.dtype(v).name
    if isinstance(v, tuple) and hasattr(v, "_fields"):  # NamedTuple params print their repr
        return repr(v)
    if isinstance(v, tuple) and v and all(isinstance(x, (Jaxpr, ClosedJaxpr)) for x in v):
        # A tuple of jaxprs (cond's branches) prints one jaxpr per line, as JAX does.
        pad = " " * (indent + 4)
        inner = [pad + _pp(getattr(x, "jaxpr", x), indent + 6, namer, 76 - indent) for x in v]
        return "(\n" + "\n".join(inner) + "\n" + " " * (indent + 2) + ")"
    if isinstance(v, tuple):
        # NumPy scalars inside a tuple print their repr (`np.int64(1)`), as Python's tuple
        # str shows them in JAX's printed params.
        inner = ", ".join(
            repr(x) if isinstance(x, np.generic) else _pp_param(x, namer, indent, width) for x in v
        )
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(_pp_param(x, namer, indent, width) for x in v) + "]"
    if callable(v) and hasattr(v, "__name__"):
        return v.__name__
    return str(v)


def _name_binders_after(eqn: JaxprEqn, inner: Jaxpr, namer: _Namer) -> None:
    """A jit body's binders print with the names of the call's arguments and results."""
    for iv, ov in zip(inner.invars, eqn.invars, strict=False):
        if type(ov) is not Literal and iv not in namer.names:
            namer.names[iv] = namer(ov)
    for iv, ov in zip(inner.outvars, eqn.outvars, strict=False):
        if type(iv) is Var and iv not in namer.names:
            unused = isinstance(ov, DropVar) or ov not in namer.used
            namer.names[iv] = "_" if unused else namer(ov)


def _pp_eqn(eqn: JaxprEqn, namer: _Namer, indent: int) -> str:
    lhs = " ".join(f"{namer(v, binder=True)}:{v.aval.str_short()}" for v in eqn.outvars)
    pp = getattr(eqn.primitive, "pp_params", None)  # a primitive may print params as JAX does
    params = pp(eqn.params) if pp else eqn.params
    params = {k: v for k, v in params.items() if not k.startswith("_")}
    pad = " " * indent
    if getattr(eqn.primitive, "pp_binders_from_call", False):
        for v in params.values():
            if isinstance(v, (Jaxpr, ClosedJaxpr)):
                _name_binders_after(eqn, getattr(v, "jaxpr", v), namer)
    # `name` first, then alphabetical, as JAX prints them.
    order = sorted(params.items(), key=lambda kv: (kv[0] != "name", kv[0]))
    shown = [(k, _pp_param(v, namer, indent, 80 - indent - 3 - len(k))) for k, v in order]
    args = " ".join(namer(v) for v in eqn.invars)
    one = f"{pad}{lhs} = {eqn.primitive.name}[{' '.join(f'{k}={s}' for k, s in shown)}] {args}"
    if any("\n" in s for _, s in shown) or len(one.rstrip()) > 80:
        inner = "\n".join(f"{pad}  {k}={s}" for k, s in shown)
        return f"{pad}{lhs} = {eqn.primitive.name}[\n{inner}\n{pad}] {args}"
    bracket = "[" + " ".join(f"{k}={s}" for k, s in shown) + "]" if shown else ""
    # JAX keeps the space before the (possibly empty) argument list.
    return f"{pad}{lhs} = {eqn.primitive.name}{bracket} {args}"


def _pp(jaxpr: Jaxpr, indent: int, namer: _Namer, width: int = 80) -> str:
    def binders(vs):
        return " ".join(f"{namer(v)}:{v.aval.str_short()}" for v in vs)

    head = f"{{ lambda {binders(jaxpr.constvars)}; {binders(jaxpr.invars)}. let"
    eqns = [_pp_eqn(e, namer, indent + 2) for e in jaxpr.eqns]
    outs = ", ".join(namer(v) for v in jaxpr.outvars)
    outs = f"({outs},)" if len(jaxpr.outvars) == 1 else f"({outs})"
    flat = [e.strip() for e in eqns]
    one_line = f"{head} {'; '.join(flat)} in {outs} }}"
    # JAX's printer puts a jaxpr on one line when it fits in the remaining width.
    if not any("\n" in e for e in eqns) and len(one_line) <= width:
        return one_line
    pad = " " * (indent - 2 if indent >= 2 else 0)
    body = "\n".join(eqns) if eqns else " " * (indent + 2)  # JAX indents an empty body
    return f"{head}\n" + body + f"\n{pad}  in {outs} }}"


def _used_vars(jaxpr: Jaxpr, used: set | None = None) -> set:
    """Variables read anywhere in `jaxpr` or its sub-jaxprs (others print as `_`)."""
    used = set() if used is None else used
    for e in jaxpr.eqns:
        used.update(v for v in e.invars if type(v) is not Literal)
        for p in e.params.values():
            for q in p if isinstance(p, tuple) else (p,):  # a tuple of jaxprs: cond's branches
                if isinstance(q, (Jaxpr, ClosedJaxpr)):
                    _used_vars(getattr(q, "jaxpr", q), used)
    used.update(v for v in jaxpr.outvars if type(v) is not Literal)
    return used


def pp_jaxpr(jaxpr: Jaxpr) -> str:
    return _pp(jaxpr, 2, _Namer(_used_vars(jaxpr)))
