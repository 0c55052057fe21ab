"""Runs the oracle corpus (programs.py) on JAX and on jaxlite and compares the results.

For every output leaf: the kind (array / Python scalar / shape struct / jaxpr), shape, dtype,
weak type and value (float tolerances, exact for integers and booleans); for the outputs as a
whole: the container structure. Programs flagged `x64` run again with 64-bit types on in both
libraries, and programs flagged `jaxpr_text` must print the same `make_jaxpr` text.
"""

from __future__ import annotations

import contextlib
import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")
jax = pytest.importorskip("jax")
import jax.numpy as jax_numpy  # noqa: E402

from .programs import PROGRAMS  # noqa: E402

# ----------------------------------------------------------------------------------------------
# Known failures. BUGS: jaxlite gives a wrong answer (strict: fixing it must remove the entry).
# MISSING: a jaxlite feature is not written yet (not strict: it is being written concurrently).
# Keys are test ids: "NAME" (default config), "NAME-x64", "jaxpr-NAME".

BUGS: dict[str, str] = {}

MISSING: dict[str, str] = {
    "linalg_norm": "jnp.linalg (jnp.linalg.norm)",
}


def _marks(test_id: str) -> list:
    if test_id in BUGS:
        return [pytest.mark.xfail(strict=True, reason=f"jaxlite bug: {BUGS[test_id]}")]
    if test_id in MISSING:
        return [pytest.mark.xfail(strict=False, reason=f"missing in jaxlite: {MISSING[test_id]}")]
    return []


# ----------------------------------------------------------------------------------------------
# Running a program on one library.


def _jaxlite():
    import jaxlite
    import jaxlite.numpy

    return jaxlite, jaxlite.numpy


@contextlib.contextmanager
def _x64(enabled: bool):
    """Sets jax_enable_x64 in both libraries, restoring the previous values afterwards."""
    import jaxlite

    old_jax = bool(jax.config.jax_enable_x64)
    old_lite = bool(jaxlite.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", enabled)
    jaxlite.config.update("jax_enable_x64", enabled)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", old_jax)
        jaxlite.config.update("jax_enable_x64", old_lite)


def _convert_args(prog, args, jnp):
    """NumPy arrays and scalars among `args` become `jnp` arrays (unless `prog.raw_args`)."""
    if prog.raw_args:
        return args

    def conv(x):
        if isinstance(x, (np.ndarray, np.generic)):
            return jnp.asarray(x)
        if isinstance(x, (tuple, list)):
            return type(x)(conv(c) for c in x)
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        return x

    return conv(args)


def _run(prog, lib, lnp):
    fn, args = prog.build(lib, lnp)
    return fn(*_convert_args(prog, args, lnp))


def _run_reference(prog):
    # JAX's own warnings (deprecations, platform notes) are not what these tests check.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _run(prog, jax, jax_numpy)


def _run_jaxlite(prog):
    return _run(prog, *_jaxlite())


# ----------------------------------------------------------------------------------------------
# Describing outputs in a library-neutral way.


def _is_jaxpr(x) -> bool:
    return all(hasattr(x, a) for a in ("in_avals", "out_avals", "eqns"))


def _weak(x) -> bool:
    w = getattr(x, "weak_type", None)
    if w is None:
        w = getattr(getattr(x, "aval", None), "weak_type", None)
    return bool(w)


def _aval_key(a) -> tuple:
    return (tuple(a.shape), np.dtype(a.dtype).name, bool(getattr(a, "weak_type", False)))


def _describe(out):
    """(structure, leaves): structure is nested tuples of container kinds; leaves are dicts."""
    leaves: list = []

    def walk(x):
        if x is None:
            return "None"
        if isinstance(x, tuple) and hasattr(x, "_fields"):
            return (type(x).__name__, tuple(walk(c) for c in x))
        if isinstance(x, tuple):
            return ("tuple", tuple(walk(c) for c in x))
        if isinstance(x, list):
            return ("list", tuple(walk(c) for c in x))
        if isinstance(x, dict):
            keys = sorted(x)
            return ("dict", tuple(keys), tuple(walk(x[k]) for k in keys))
        leaves.append(_leaf(x))
        return "*"

    return walk(out), leaves


def _leaf(x) -> dict:
    if _is_jaxpr(x):
        return {
            "kind": "jaxpr",
            "in_avals": [_aval_key(a) for a in x.in_avals],
            "out_avals": [_aval_key(a) for a in x.out_avals],
        }
    if isinstance(x, (bool, int, float, complex)):
        return {"kind": "py", "type": type(x).__name__, "value": x}
    if hasattr(x, "shape") and hasattr(x, "dtype") and not hasattr(x, "__array__"):
        return {
            "kind": "struct",
            "shape": tuple(x.shape),
            "dtype": np.dtype(x.dtype).name,
            "weak_type": _weak(x),
        }
    arr = np.asarray(x)
    return {
        "kind": "array",
        "shape": arr.shape,
        "dtype": arr.dtype,
        "weak_type": _weak(x),
        "value": arr,
        "obj": x,
    }


def _tolerances(dtype: np.dtype, prog) -> tuple[float, float]:
    if dtype == np.float16:
        rtol, atol = 2e-3, 2e-3
    elif dtype == np.float64:
        rtol, atol = 1e-10, 1e-12
    else:
        rtol, atol = 1e-5, 1e-6
    return (
        prog.rtol if prog.rtol is not None else rtol,
        prog.atol if prog.atol is not None else atol,
    )


def _compare(prog, ref_out, got_out) -> None:
    ref_struct, ref_leaves = _describe(ref_out)
    got_struct, got_leaves = _describe(got_out)
    assert got_struct == ref_struct, f"output structure: jaxlite {got_struct} != jax {ref_struct}"
    import jaxlite

    for n, (r, g) in enumerate(zip(ref_leaves, got_leaves)):
        where = f"output leaf {n}"
        assert g["kind"] == r["kind"], f"{where}: kind {g['kind']} != {r['kind']}"
        if r["kind"] in ("jaxpr", "struct"):
            r2 = {k: v for k, v in r.items()}
            assert g == r2, f"{where}: jaxlite {g} != jax {r2}"
            continue
        if r["kind"] == "py":
            assert (g["type"], g["value"]) == (r["type"], r["value"]), f"{where}: {g} != {r}"
            continue
        if isinstance(r["obj"], jax.Array):
            assert isinstance(g["obj"], jaxlite.Array), (
                f"{where}: jax returns a jax.Array, jaxlite a {type(g['obj']).__name__}"
            )
        assert g["shape"] == r["shape"], f"{where}: shape {g['shape']} != {r['shape']}"
        assert g["dtype"] == r["dtype"], f"{where}: dtype {g['dtype']} != {r['dtype']}"
        assert g["weak_type"] == r["weak_type"], (
            f"{where}: weak_type {g['weak_type']} != {r['weak_type']} (dtype {r['dtype']})"
        )
        rv, gv = r["value"], g["value"]
        if rv.dtype.kind == "V":  # float0 carries no values
            continue
        if rv.dtype.kind in "fc":
            rtol, atol = _tolerances(rv.dtype, prog)
            np.testing.assert_allclose(
                gv, rv, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{where} ({rv.dtype})"
            )
        else:
            np.testing.assert_array_equal(gv, rv, err_msg=f"{where} ({rv.dtype})")


# ----------------------------------------------------------------------------------------------
# The tests.


def _params(names, prefix="", suffix=""):
    out = []
    for name in names:
        tid = f"{prefix}{name}{suffix}"
        out.append(pytest.param(name, id=tid, marks=_marks(tid)))
    return out


_ALL = sorted(PROGRAMS)
_X64 = [n for n in _ALL if PROGRAMS[n].x64]
_TEXT = [n for n in _ALL if PROGRAMS[n].jaxpr_text]


@pytest.mark.parametrize("name", _params(_ALL))
def test_program(name):
    prog = PROGRAMS[name]
    with _x64(False):
        ref = _run_reference(prog)
        got = _run_jaxlite(prog)
        _compare(prog, ref, got)


@pytest.mark.parametrize("name", _params(_X64, suffix="-x64"))
def test_program_x64(name):
    prog = PROGRAMS[name]
    with _x64(True):
        ref = _run_reference(prog)
        got = _run_jaxlite(prog)
        _compare(prog, ref, got)


@pytest.mark.parametrize("name", _params(_TEXT, prefix="jaxpr-"))
def test_jaxpr_text(name):
    prog = PROGRAMS[name]
    with _x64(False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn, args = prog.build(jax, jax_numpy)
            ref = str(jax.make_jaxpr(fn)(*_convert_args(prog, args, jax_numpy)))
        lib, lnp = _jaxlite()
        fn, args = prog.build(lib, lnp)
        got = str(lib.make_jaxpr(fn)(*_convert_args(prog, args, lnp)))
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"


def test_corpus_size():
    assert len(PROGRAMS) >= 150
    assert len(_TEXT) >= 10
