"""Code generation: a jaxpr becomes the source of one Python function calling NumPy.

The source is compiled once per jaxpr; calling the function runs straight-line NumPy calls
with no interpreter loop. Constants, literals and callables are globals of the generated
function, one per distinct object.

Each equation is lowered once: `prim.lower(in_avals, out_avals, **params)` returns a callable
specialised to the equation's shapes and dtypes (or None: then `impl` with the params bound
is called, and an `impl` that is a NumPy ufunc is called directly). A lowering may be a
`lax.lowering.Lowered` (fn, kind, consts) saying what the result is: "view" (may alias an
operand), "fresh" (a new array nobody else holds), "new_c" (fresh and C-contiguous), "ufunc"
(fresh, laid out as NumPy ufuncs lay out results, and `fn` accepts `out=`) or "identity" (the
operand `consts[0]` itself: no call).

Buffers: local names are reused once their value is dead (large dead values are deleted at
once), and a "ufunc" result of at least `_INPLACE_BYTES` is written with `out=` into a dead
operand's buffer when that buffer is fresh, of the result's shape and dtype, no live value
aliases it, and it is C-contiguous (statically, or by a test of the inputs it derives from).
The layout is then the one NumPy would have chosen (a ufunc with a C-contiguous operand of
the result's shape allocates a C-contiguous result), so results are bit-for-bit those of
fresh allocations, minus the allocation and page faults.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src import core
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, Literal

# Results at least this large reuse a dead operand's buffer, and large dead values are freed
# at once (below it, allocation is cheaper than passing out=).
_INPLACE_BYTES = 4096

_VIEW, _FRESH, _NEW_C, _UFUNC, _IDENTITY, _OTHER = (
    "view",
    "fresh",
    "new_c",
    "ufunc",
    "identity",
    "other",
)
_FRESH_KINDS = (_FRESH, _NEW_C, _UFUNC)

_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compile_jaxpr(closed: ClosedJaxpr) -> Callable[..., list]:
    """Returns `f(*numpy_args) -> list of numpy outputs` for `closed` (cached per jaxpr); its
    source is `f.__source__`."""
    fn = _compiled.get(closed)
    if fn is None:
        fn = _compiled[closed] = _emit(_lower_program(closed))
    return fn


def compile_eager(closed: ClosedJaxpr) -> Callable[..., list]:
    """`compile_jaxpr` for code that runs as part of an eager computation (not cached): no
    `errstate` block around the body (it costs microseconds per call); floating-point
    warnings are silenced as for eager calls, by the warnings filter on jaxlite's modules."""
    return _emit(_lower_program(closed), errstate=False)


def _params_key(params: dict):
    try:
        # Types too: params that compare equal (1, 1.0, True) may still mean different things.
        key = tuple([(k, type(v), v) for k, v in params.items()])
        hash(key)
        return key
    except TypeError:
        return None


_ufunc_kinds: dict = {}
_lowerings: dict = {}
_MISSING = object()


def _ufunc_kind(ufunc: np.ufunc, eqn) -> str:
    """'ufunc' when NumPy computes this equation's result dtype itself, else 'other' (the
    abstract evaluation decides the dtype, so keep whatever `impl` does)."""
    dts = tuple([v.aval.dtype for v in eqn.invars])
    key = (ufunc, dts, eqn.outvars[0].aval.dtype)
    kind = _ufunc_kinds.get(key)
    if kind is None:
        kind = _OTHER
        if ufunc.nout == 1 and len(dts) == ufunc.nin:
            try:
                if ufunc.resolve_dtypes((*dts, None))[-1] == key[2]:
                    kind = _UFUNC
            except Exception:  # noqa: BLE001, S110  (no loop: impl raises at run time)
                pass
        if len(_ufunc_kinds) < 4096:
            _ufunc_kinds[key] = kind
    return kind


def _lower(eqn, partials: dict) -> tuple:
    """(callable, kind, trailing constant arguments)."""
    prim = eqn.primitive
    params = eqn.params
    if prim.lower is not None:
        # Memoised: equal equations share one callable (and one global in generated code).
        in_avals = tuple([v.aval for v in eqn.invars])
        out_avals = tuple([v.aval for v in eqn.outvars])
        pk = _params_key(params)
        key = None if pk is None else (prim, in_avals, out_avals, pk)
        res = _MISSING if key is None else _lowerings.get(key, _MISSING)
        if res is _MISSING:
            res = prim.lower(list(in_avals), list(out_avals), **params)
            if key is not None:
                if len(_lowerings) >= 4096:
                    _lowerings.clear()
                _lowerings[key] = res
        if res is not None:
            if isinstance(res, tuple):  # a lax.lowering.Lowered
                return res[0], res[1], tuple(res[2])
            return res, _OTHER, ()
    impl = prim.impl
    if impl is None:
        raise NotImplementedError(f"primitive '{prim.name}' has no implementation for jit")
    if not params:
        if type(impl) is np.ufunc and not prim.multiple_results:
            return impl, _ufunc_kind(impl, eqn), ()
        return impl, _OTHER, ()
    key = _params_key(params)
    if key is None:
        return functools.partial(impl, **params), _OTHER, ()
    fn = partials.get((prim, key))
    if fn is None:
        fn = partials[(prim, key)] = functools.partial(impl, **params)
    return fn, _OTHER, ()


def _trivially_c(aval) -> bool:
    """A dense array with at most one dimension longer than 1 is C-contiguous."""
    return sum(1 for d in aval.shape if d != 1) <= 1


def _nbytes(aval) -> int:
    n = aval.dtype.itemsize
    for d in aval.shape:
        n *= d
    return n


class _Globals:
    """Names for the generated function's globals, one per distinct object."""

    def __init__(self):
        self.glb: dict[str, Any] = {"_errstate": np.errstate}
        self.by_id: dict[int, str] = {}
        self.lits: dict[tuple, str] = {}
        self.used: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        n = self.used.get(base, 0)
        self.used[base] = n + 1
        return base if n == 0 else f"{base}{n}"

    def fn(self, obj: Any, prim_name: str) -> str:
        g = self.by_id.get(id(obj))
        if g is None:
            g = self.by_id[id(obj)] = self.fresh("_" + re.sub(r"\W", "_", prim_name))
            self.glb[g] = obj
        return g

    def value(self, obj: Any, base: str) -> str:
        g = self.by_id.get(id(obj))
        if g is None:
            if isinstance(obj, (np.ufunc, np.dtype)):  # readable: _sin, _float64
                base = "_" + obj.__name__ if isinstance(obj, np.ufunc) else "_" + obj.name
            g = self.by_id[id(obj)] = self.fresh(base)
            self.glb[g] = obj
        return g

    def literal(self, lit: Literal) -> str:
        val = core.to_numpy(lit.val)
        key = (type(val), val.dtype, val.shape, val.tobytes())
        g = self.lits.get(key)
        if g is None:
            g = self.lits[key] = self.fresh("_k")
            self.glb[g] = val
        return g


class _Program(NamedTuple):
    """A jaxpr with every equation lowered. A statement is (primitive, callable, kind, trailing
    constant arguments, operand atoms, result variables, bytes of the first result)."""

    invars: list
    constvars: list
    consts: list  # NumPy values
    stmts: list[tuple]
    outvars: list
    last: dict  # variable -> index of the last statement reading it (len(stmts): an output)


def _lower_program(closed: ClosedJaxpr) -> _Program:
    jaxpr = closed.jaxpr
    partials: dict = {}
    alias: dict[Any, Any] = {}
    stmts: list[tuple] = []
    last: dict[Any, int] = {}
    for eqn in jaxpr.eqns:
        outs = eqn.outvars
        if not outs or all(type(v) is DropVar for v in outs):
            continue  # no results used (and primitives have no side effects): nothing to run
        fn, kind, consts = _lower(eqn, partials)
        ins = eqn.invars
        if alias:
            ins = [alias.get(v, v) if type(v) is not Literal else v for v in ins]
        if kind == _IDENTITY:
            alias[outs[0]] = ins[consts[0] if consts else 0]
            continue
        i = len(stmts)
        for v in ins:
            if type(v) is not Literal:
                last[v] = i
        stmts.append((eqn.primitive, fn, kind, consts, ins, outs, _nbytes(outs[0].aval)))
    outvars = jaxpr.outvars
    if alias:
        outvars = [alias.get(v, v) if type(v) is not Literal else v for v in outvars]
    end = len(stmts)
    for v in outvars:
        if type(v) is not Literal:
            last[v] = end
    consts = [core.to_numpy(c) for c in closed.consts]
    return _Program(jaxpr.invars, jaxpr.constvars, consts, stmts, outvars, last)


# The generated code's module name when it runs without errstate: inside jaxlite, so the
# warnings filter core installs for eager NumPy calls applies to it as well.
_EAGER_MODULE = "jaxlite._src.jit.generated"


def _emit(prog: _Program, errstate: bool = True) -> Callable[..., list]:
    """Generates and compiles the straight-line source of the program."""
    G = _Globals()
    last = prog.last
    names: dict[Any, str] = {}
    args = []
    for i, v in enumerate(prog.invars):
        names[v] = f"a{i}"
        args.append(names[v])
    # When a value is C-contiguous: `cform[v]` is True (always) or a set of inputs (when any of
    # them is C-contiguous at run time: a ufunc result is C-contiguous when one of its operands
    # of the result's shape is). Tracked for inputs, constants and large fresh results.
    cform: dict[Any, Any] = {v: frozenset([v]) for v in prog.invars}
    for v, val in zip(prog.constvars, prog.consts, strict=True):
        names[v] = G.value(val, "_c")
        if isinstance(val, np.ndarray) and val.flags.c_contiguous:
            cform[v] = True
    lit = G.literal
    flags: dict[Any, str] = {}  # input -> local holding its C-contiguity flag

    def c_test(form) -> str | None:
        if form is True:
            return None
        for v in form:
            if v not in flags:
                flags[v] = f"_c{names[v]}"
        return " or ".join(flags[v] for v in sorted(form, key=lambda v: names[v]))

    # Large buffers that may be written in place: each fresh large result owns a root; every
    # value that may alias a root records it, and `root_last` is the last use of any of them.
    # (Small results are never written in place, so their views need no tracking.)
    roots: dict[Any, frozenset] = {}
    root_last: dict[int, int] = {}
    fresh: set = set()  # large fresh results
    free: list[str] = []  # reusable local names, most recently freed last
    held: dict[str, int] = {}  # bytes of the value a local name holds
    n_names = 0
    body: list[str] = []
    by_id, fname = G.by_id, G.fn
    for i, (prim, fn, kind, consts, ins, outvars, nbytes) in enumerate(prog.stmts):
        out = outvars[0]
        argstr = [names[v] if type(v) is not Literal else lit(v) for v in ins]
        if consts:
            argstr += [G.value(c, "_k") for c in consts]
        big = nbytes >= _INPLACE_BYTES
        target = None
        if big and kind == _UFUNC and out.aval.ndim:
            for v in ins:
                if (
                    v in fresh
                    and v in cform
                    and v.aval.shape == out.aval.shape
                    and v.aval.dtype == out.aval.dtype
                    and all(root_last[r] == i for r in roots[v])
                ):
                    target = v
                    test = c_test(cform[v])
                    buf = names[v] if test is None else f"{names[v]} if {test} else None"
                    argstr.append(f"out={buf}")
                    break
        # Names of operands that die here are reusable by this statement's results.
        freed = [
            names[v] for v in ins if type(v) is not Literal and last[v] == i and names[v][0] == "v"
        ]
        if len(freed) > 1:
            freed = list(dict.fromkeys(freed))
        free += freed
        if prim.multiple_results:
            outs = []
            for v in outvars:
                if type(v) is DropVar:
                    outs.append("_")
                    continue
                if free:
                    nm = free.pop()
                else:
                    nm = f"v{n_names}"
                    n_names += 1
                names[v] = nm
                held[nm] = _nbytes(v.aval)
                outs.append(nm)
            lhs = ", ".join(outs) + ","
        else:
            if target is not None:  # the result keeps the name of the buffer it reuses
                nm = names[target]
                free.remove(nm)
            elif free:
                nm = free.pop()
            else:
                nm = f"v{n_names}"
                n_names += 1
            names[out] = lhs = nm
            held[nm] = nbytes
            outs = (nm,)
        # Aliasing and layout of large buffers (an in-place result is C-contiguous exactly
        # when the ufunc would have allocated a C-contiguous result).
        rs = None
        if kind in _FRESH_KINDS and not prim.multiple_results:
            if big:
                fresh.add(out)
                rs = roots[out] = roots[target] if target is not None else frozenset([i])
                if kind == _NEW_C or _trivially_c(out.aval):
                    cform[out] = True
                elif kind == _UFUNC:
                    forms = [
                        cform[v]
                        for v in ins
                        if type(v) is not Literal and v in cform and v.aval.shape == out.aval.shape
                    ]
                    if True in forms:
                        cform[out] = True
                    elif forms:
                        cform[out] = frozenset().union(*forms)
        elif roots:
            rs = frozenset().union(*[roots[v] for v in ins if v in roots])
            if rs:
                for v in outvars:
                    roots[v] = rs
        if rs:
            lu = max([last.get(v, i) for v in outvars])
            for r in rs:
                if root_last.get(r, -1) < lu:
                    root_last[r] = lu
        g = by_id.get(id(fn)) or fname(fn, prim.name)
        body.append(f"{lhs} = {g}({', '.join(argstr)})")
        # Unused results are dead at once; large dead values whose names were not reused
        # here are deleted now rather than when the name is next assigned.
        for v, nm in zip(outvars, outs, strict=False):
            if nm != "_" and v not in last:
                free.append(nm)
                freed.append(nm)
        if freed:
            dels = [nm for nm in freed if held[nm] >= _INPLACE_BYTES and nm in free]
            if dels:
                body.append(f"del {', '.join(dels)}")
    ret = ", ".join(lit(v) if type(v) is Literal else names[v] for v in prog.outvars)
    lines = [f"{f} = {names[v]}.flags.c_contiguous" for v, f in flags.items()]
    lines += body
    lines.append(f"return [{ret}]")
    if errstate:
        head = [f"def _jitted({', '.join(args)}):", "    with _errstate(all='ignore'):"]
        src = "\n".join(head + [f"        {line}" for line in lines])
    else:
        G.glb["__name__"] = _EAGER_MODULE
        src = "\n".join([f"def _jitted({', '.join(args)}):"] + [f"    {ln}" for ln in lines])
    code = compile(src, "<jaxlite-jit>", "exec")
    exec(code, G.glb)
    fn = G.glb["_jitted"]
    fn.__source__ = src  # type: ignore[attr-defined]
    return fn
