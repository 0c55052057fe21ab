"""The jnp fast paths give exactly what the general path gives.

Covered: the eager elementwise paths (direct NumPy implementation calls, broadcasting, Python
scalar operands as memoised 0-d arrays), the traced paths (operands that promotion leaves as
they are go straight to lax), `promotion.simple_pair`/`simple_one` against the general
promotion, `power`, `mean`, `sum`, `matmul` and `dot`, and the float32 kernels computed in
float64. Edge cases: weak scalars and weak arrays (also of a non-default width), int/bool/
complex operands, mixed dtypes, x64, broadcasting, tracers under jit/grad/vmap. The general
path is what remains when the `general_path` fixture switches the fast paths off; where JAX
is installed, dtypes, weak types, values and staged jaxprs are also compared to it.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy import ufunc_base

RNG = np.random.RandomState(7)


def _weak(value, dtype):
    """A weakly typed Array of `dtype` (also a non-default width, as JAX allows)."""
    return lax.convert_element_type(jnp.asarray(np.asarray(value, dtype)), dtype, True)


def _operands():
    """Named operands: strong and weak arrays of several dtypes and shapes, Python scalars."""
    return {
        "f32": jnp.asarray(RNG.randn(4).astype(np.float32)),
        "f32_b": jnp.asarray(RNG.randn(4).astype(np.float32)),
        "f32_0d": jnp.asarray(np.float32(0.75)),
        "f32_23": jnp.asarray(RNG.randn(2, 4).astype(np.float32)),
        "f32_21": jnp.asarray(RNG.randn(2, 1).astype(np.float32)),
        "f32_3": jnp.asarray(RNG.randn(3).astype(np.float32)),
        "f16": jnp.asarray(RNG.randn(4).astype(np.float16)),
        "i32": jnp.asarray(np.array([-3, 0, 5, 7], np.int32)),
        "i8": jnp.asarray(np.array([-3, 1, 5, 2], np.int8)),
        "u8": jnp.asarray(np.array([3, 1, 5, 250], np.uint8)),
        "b": jnp.asarray(np.array([True, False, True, True])),
        "c64": jnp.asarray(np.array([1 + 2j, -1j, 3, 0.5], np.complex64)),
        "wf32": jnp.asarray(1.5),  # weak float32 (rank 0)
        "wf32_v": _weak([0.5, -1.0, 2.0, 3.0], np.float32),
        "wf16": _weak([0.5, -1.0, 2.0, 3.0], np.float16),
        "wi32": jnp.asarray(3),
        "wi8": _weak([1, -2, 3, 4], np.int8),
        "pyf": 2.5,
        "pyi": 3,
        "pyneg": -2,
        "pybig": 2**40,
        "pyb": True,
        "pyc": 1 + 1j,
        "pyzero": -0.0,
    }


def _same(a, b, what):
    """`a` and `b` are equal results: type, shape, dtype, weak type and bits."""
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        assert type(a) is type(b), f"{what}: {a!r} vs {b!r}"
        return
    assert type(a) is type(b), f"{what}: {type(a)} vs {type(b)}"
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b), what
        for x, y in zip(a, b):
            _same(x, y, what)
        return
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} vs {b.dtype}"
    assert a.weak_type == b.weak_type, f"{what}: weak {a.weak_type} vs {b.weak_type}"
    va, vb = np.asarray(a), np.asarray(b)
    assert va.tobytes() == vb.tobytes(), f"{what}: values {va} vs {vb}"


def _call(f, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return f(*args)
    except Exception as e:  # noqa: BLE001
        return e


def _fast_set_cells(fn, seen):
    """The closure cells holding fast-path dtype sets of `fn` and the functions it closes over
    (the factories' `fast_set`, `scalar_set`, `int_set`, `traced_set`)."""
    if id(fn) in seen:
        return
    seen.add(id(fn))
    for cell in getattr(fn, "__closure__", None) or ():
        v = cell.cell_contents
        if isinstance(v, frozenset):
            yield cell
        elif callable(v) and hasattr(v, "__closure__"):
            yield from _fast_set_cells(v, seen)
    for attr in ("_op", "_rop"):
        if hasattr(fn, attr):
            yield from _fast_set_cells(getattr(fn, attr), seen)


@pytest.fixture
def general_path(monkeypatch):
    """Returns a function that switches every jnp fast path off for the rest of the test:
    the memo says promotion always converts (so the promotion and traced fast paths step
    aside) and no dtype takes an eager fast path. What remains is the general path."""
    from jaxlite._src.numpy import reductions, ufuncs  # noqa: PLC0415

    def enter():
        monkeypatch.setattr(P, "_compute_unchanged", lambda key: False)
        P._unchanged.clear()
        monkeypatch.setattr(ufuncs, "_ABS_FAST", frozenset())
        monkeypatch.setattr(ufuncs, "_INT_POW_FAST", frozenset())
        monkeypatch.setattr(reductions, "_MEAN_FAST", frozenset())
        seen: set = set()
        for fn in list(vars(ufuncs).values()):
            if callable(fn):
                for cell in _fast_set_cells(fn, seen):
                    monkeypatch.setattr(cell, "cell_contents", frozenset())

    yield enter
    P._unchanged.clear()


_BINARY_NAMES = [
    "add",
    "subtract",
    "multiply",
    "true_divide",
    "maximum",
    "minimum",
    "less",
    "equal",
    "arctan2",
    "fmod",
]
_UNARY_NAMES = ["sin", "exp", "tanh", "negative", "sign", "sqrt", "log"]
_ALL_BINARY = [getattr(jnp, n) for n in _BINARY_NAMES]
_ALL_UNARY = [getattr(jnp, n) for n in _UNARY_NAMES]
_PAIRS = [
    ("f32", "f32_b"),
    ("f32", "f32_0d"),
    ("f32_23", "f32"),
    ("f32_21", "f32"),
    ("f32_23", "f32_21"),
    ("f32", "f32_3"),
    ("f32", "f16"),
    ("f16", "f16"),
    ("i32", "i32"),
    ("i8", "i32"),
    ("u8", "u8"),
    ("b", "b"),
    ("c64", "c64"),
    ("c64", "f32"),
    ("wf32", "wf32"),
    ("wf32_v", "wf32"),
    ("wf32_v", "f32"),
    ("wf16", "wf16"),
    ("wf16", "f16"),
    ("wi8", "wi8"),
    ("wi32", "i8"),
    ("f32", "pyf"),
    ("pyf", "f32"),
    ("f32", "pyi"),
    ("f16", "pyf"),
    ("wf16", "pyf"),
    ("wf16", "pyi"),
    ("wf32", "pyf"),
    ("i32", "pyi"),
    ("i32", "pyf"),
    ("u8", "pyneg"),
    ("i32", "pybig"),
    ("f32", "pybig"),
    ("f32", "pyb"),
    ("b", "pyb"),
    ("f32", "pyc"),
    ("f32", "pyzero"),
    ("pyzero", "f32"),
    ("wi8", "pyi"),
]


def _results(fns, pairs, ops):
    out = {}
    for fn, (a, b) in itertools.product(fns, pairs):
        out[(fn.__name__, a, b)] = _call(fn, ops[a], ops[b])
    return out


def test_binary_eager_and_traced_match_general_path(general_path):
    ops = _operands()
    fast = _results(_ALL_BINARY, _PAIRS, ops)
    traced = {k: _call(jaxlite.jit(getattr(jnp, k[0])), ops[k[1]], ops[k[2]]) for k in fast}
    general_path()
    slow = _results(_ALL_BINARY, _PAIRS, ops)
    for key in fast:
        _same(fast[key], slow[key], f"eager {key}")
        if not isinstance(slow[key], BaseException):
            _same(traced[key], slow[key], f"jit {key}")


def test_operators_match_general_path(general_path):
    ops = _operands()
    exprs = {
        "x+y": lambda x, y: x + y,
        "y+x": lambda x, y: y + x,
        "x*y": lambda x, y: x * y,
        "x-y": lambda x, y: x - y,
        "y-x": lambda x, y: y - x,
        "x/y": lambda x, y: x / y,
        "y/x": lambda x, y: y / x,
    }
    names = ["f32", "f32_23", "f32_0d", "f16", "i32", "wf32", "wf16", "wi8", "b", "c64"]
    scalars = ["pyf", "pyi", "pyneg", "pybig", "pyb", "pyzero", "pyc", "f32", "f32_21"]

    def results():
        return {
            (e, a, b): _call(f, ops[a], ops[b])
            for (e, f), a, b in itertools.product(exprs.items(), names, scalars)
        }

    fast = results()
    general_path()
    slow = results()
    for key in fast:
        _same(fast[key], slow[key], str(key))


def test_unary_eager_and_traced_match_general_path(general_path):
    ops = _operands()
    names = ["f32", "f32_0d", "f32_23", "f16", "i32", "i8", "b", "c64", "wf32", "wf16", "wi8"]
    fast = {(f.__name__, n): _call(f, ops[n]) for f in _ALL_UNARY for n in names}
    traced = {k: _call(jaxlite.jit(getattr(jnp, k[0])), ops[k[1]]) for k in fast}
    general_path()
    for f in _ALL_UNARY:
        for n in names:
            slow = _call(f, ops[n])
            _same(fast[(f.__name__, n)], slow, f"eager {f.__name__}({n})")
            if not isinstance(slow, BaseException):
                _same(traced[(f.__name__, n)], slow, f"jit {f.__name__}({n})")


def test_staged_jaxprs_match_general_path(general_path):
    ops = _operands()
    cases = [
        (lambda x, y: x * y + jnp.sin(x), "f32", "f32_b"),
        (lambda x, y: x * 0.9 + 0.1 - y, "f32", "f32_b"),
        (lambda x, y: 2.0 * x / y, "f32", "f32_0d"),
        (lambda x, y: jnp.maximum(x, y) - 1, "f32_23", "f32"),  # broadcasting
        (lambda x, y: x + y, "f32_23", "f32_21"),
        (lambda x, y: x + y, "wf16", "wf16"),
        (lambda x, y: x * 2.0 + y, "wf16", "f16"),
        (lambda x, y: x + 1 + y, "wi8", "i32"),
        (lambda x, y: (x - y) ** 2, "f32", "f32_b"),
        (lambda x, y: jnp.mean(x * y), "f32_23", "f32"),
        (lambda x, y: jnp.sum(x, axis=(0,)) + y, "f32_23", "f32"),
        (lambda x, y: x @ y, "f32_23", "f32"),
        (lambda x, y: jnp.dot(x, y), "f32", "f32_b"),
        (lambda x, y: x < y, "c64", "c64"),
    ]
    fast = [str(jaxlite.make_jaxpr(f)(ops[a], ops[b])) for f, a, b in cases]
    general_path()
    for (f, a, b), want in zip(cases, fast):
        assert str(jaxlite.make_jaxpr(f)(ops[a], ops[b])) == want


def test_transformations_match_general_path(general_path):
    x = jnp.asarray(RNG.randn(5).astype(np.float32))
    w = jnp.asarray(RNG.randn(5, 3).astype(np.float32))
    b = jnp.asarray(RNG.randn(3).astype(np.float32))

    def f(x, w, b):
        h = jnp.tanh(x @ w + b)
        return jnp.mean((h * 2.0 - 1) ** 2) + jnp.sum(jnp.sin(x) * x / 3.0)

    def run():
        return [
            jaxlite.grad(f, argnums=(0, 1, 2))(x, w, b),
            jaxlite.jit(jaxlite.grad(f))(x, w, b),
            jaxlite.vmap(f, in_axes=(0, None, None))(jnp.stack([x, -x]), w, b),
            jaxlite.jvp(lambda x: f(x, w, b), (x,), (jnp.ones_like(x),)),
            str(jaxlite.make_jaxpr(jaxlite.grad(f))(x, w, b)),
            str(jaxlite.make_jaxpr(jaxlite.vmap(f, in_axes=(0, None, None)))(x[None], w, b)),
        ]

    fast = run()
    general_path()
    slow = run()
    for i, (a, s) in enumerate(zip(fast, slow)):
        if isinstance(a, str):
            assert a == s, i
        else:
            _same(list(jaxlite.tree_util.tree_leaves(a)), list(jaxlite.tree_util.tree_leaves(s)), i)


def test_x64_matches_general_path(general_path, x64):
    ops = {
        "f64": jnp.asarray(RNG.randn(4)),
        "f32": jnp.asarray(RNG.randn(4).astype(np.float32)),
        "i64": jnp.asarray(np.arange(4)),
        "wf64": jnp.asarray(1.5),
        "pyf": 0.1,
        "pyi": 2**40,
    }
    pairs = [
        ("f64", "f64"),
        ("f32", "f32"),
        ("f64", "pyf"),
        ("f32", "pyf"),
        ("i64", "pyi"),
        ("f32", "pyi"),
        ("wf64", "f32"),
    ]
    fast = _results(_ALL_BINARY, pairs, ops)
    unary = {(f.__name__, n): _call(f, ops[n]) for f in _ALL_UNARY for n in ("f64", "f32", "wf64")}
    mm = _call(jnp.matmul, ops["f64"], ops["f64"])
    general_path()
    slow = _results(_ALL_BINARY, pairs, ops)
    for key in fast:
        _same(fast[key], slow[key], str(key))
    for (name, n), r in unary.items():
        _same(r, _call(getattr(jnp, name), ops[n]), f"{name}({n})")
    _same(mm, _call(jnp.matmul, ops["f64"], ops["f64"]), "matmul")


def test_x64_toggle_resets_memo():
    """A weak float32 value is the default float only without x64: the memo must follow."""
    w = jnp.asarray(1.5)  # weak float32
    assert P.unchanged(P.ANY, w.dtype, True)
    jaxlite.config.update("jax_enable_x64", True)
    try:
        # With x64, JAX's lattice keeps a lone weak float32 as it is; jnp.result_type would not.
        assert P.unchanged(P.ANY, w.dtype, True)
        assert not P.unchanged(P.RESULT_TYPE, w.dtype, True)
        assert not P.unchanged(P.ANY, w.dtype, True, float)  # + 2.5: weak float64
        out = w * 2.5
        assert out.dtype == np.float64 and out.weak_type
    finally:
        jaxlite.config.update("jax_enable_x64", False)
    assert P.unchanged(P.ANY, w.dtype, True, float)


def test_simple_pair_matches_general_promotion():
    ops = _operands()
    for mode, general in (
        (P.ANY, P.promote_dtypes),
        (P.INEXACT, P.promote_dtypes_inexact),
        (P.NUMERIC, P.promote_dtypes_numeric),
    ):
        for a, b in itertools.product(ops, repeat=2):
            x, y = ops[a], ops[b]
            fast = _call(P.simple_pair, mode, x, y)
            if fast is None:
                continue
            slow = _call(lambda x, y: P.broadcast_operands("op", general(x, y)), x, y)
            assert not isinstance(fast, BaseException) or type(fast) is type(slow), (a, b)
            if isinstance(fast, BaseException):
                continue
            _same(list(fast[1:]), slow, f"{mode} {a} {b}")
            assert fast[0] == P.dtype_of(slow[0])
            for f, s in zip(fast[1:], slow):  # unconverted operands are the same objects
                if type(s) is not float and s.shape == P.shape(x if f is x else y):
                    assert (f is x or f is y) == (s is x or s is y)


def test_broadcasting_fast_path():
    a = jnp.asarray(RNG.randn(3, 1).astype(np.float32))
    b = jnp.asarray(RNG.randn(4).astype(np.float32))
    out = a + b
    assert out.shape == (3, 4) and not out.weak_type
    np.testing.assert_array_equal(np.asarray(out), np.asarray(a) + np.asarray(b))
    with pytest.raises(ValueError, match=r"Incompatible shapes for broadcasting: shapes="):
        jnp.ones((2, 3)) + jnp.ones(4)
    with pytest.raises(ValueError, match=r"Incompatible shapes for broadcasting: shapes="):
        jaxlite.jit(lambda x, y: x + y)(jnp.ones((2, 3)), jnp.ones(4))
    with pytest.raises(TypeError, match="add got incompatible shapes for broadcasting"):
        jnp.ones((2, 3)) + jnp.ones((3, 3))


def test_scalar_operand_memo():
    x = jnp.asarray(np.array([1.0, -2.0, 0.0], np.float32))
    # 0.0 and -0.0 are equal keys: they must not share an operand.
    for _ in range(2):
        pos, neg = x * 0.0, x * -0.0
        assert np.signbit(np.asarray(pos)).tolist() == [False, True, False]
        assert np.signbit(np.asarray(neg)).tolist() == [True, False, True]
        assert np.signbit(np.asarray(-0.0 + jnp.asarray(np.float32(-0.0)))).item()
    # 2 and 2.0 are equal keys too; ints and floats keep separate tables.
    i = jnp.asarray(np.array([1, 2], np.int32))
    assert (i * 2).dtype == np.int32 and (i * 2.0).dtype == np.float32
    # NaN, infinities, overflow on conversion, many distinct values (bounded table).
    f16 = jnp.asarray(np.ones(2, np.float16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(np.asarray(x * float("nan"))).all()
        assert np.isinf(np.asarray(f16 * 1e6)).all()
    for k in range(ufunc_base._OPERANDS_MAX + 10):
        v = 1.0 + k / 7
        assert np.asarray(x + v).tobytes() == (np.asarray(x) + np.float32(v)).tobytes()
    assert len(ufunc_base._float_operands) <= ufunc_base._OPERANDS_MAX
    assert all(not c.flags.writeable for c in ufunc_base._float_operands.values())


def test_eager_reductions_and_products(general_path):
    x = jnp.asarray(RNG.randn(4, 3).astype(np.float32))
    v = jnp.asarray(RNG.randn(3).astype(np.float32))
    w = jnp.asarray(1.5)
    cases = [
        lambda: jnp.mean(x),
        lambda: jnp.mean(x, axis=0),
        lambda: jnp.mean(x, axis=(1,), keepdims=True),
        lambda: jnp.mean(x, axis=-1),
        lambda: jnp.mean(x, axis=3),
        lambda: jnp.mean(jnp.zeros((0, 2), np.float32), axis=0),
        lambda: jnp.mean(jnp.asarray(np.array([1 + 2j, 3], np.complex64))),
        lambda: jnp.mean(_weak([1.0, 2.0], np.float32)),
        lambda: jnp.mean(w),
        lambda: jnp.mean(jnp.asarray(np.arange(6, dtype=np.int8))),
        lambda: jnp.mean(jnp.asarray(np.ones(3, np.float16))),
        lambda: jnp.sum(x, axis=-1),
        lambda: jnp.sum(x, axis=(0, 1)),
        lambda: jnp.sum(jnp.asarray(np.array([True, False]))),
        lambda: jnp.sum(x, axis=2),
        lambda: jnp.sum(x, axis=(0, 0)),
        lambda: x.sum(axis=(True,)),
        lambda: x**2,
        lambda: x**-1,
        lambda: x**0,
        lambda: w**3,
        lambda: _weak([1.0, 2.0], np.float16) ** 2,
        lambda: jnp.asarray(np.arange(3, dtype=np.int32)) ** 3,
        lambda: jnp.asarray(np.arange(3, dtype=np.int32)) ** -1,
        lambda: jnp.asarray(np.array([True, False])) ** 2,
        lambda: x @ v,
        lambda: v @ x.T,
        lambda: x @ x.T,
        lambda: x @ x,
        lambda: jnp.dot(x, v),
        lambda: jnp.dot(x, jnp.ones((2, 3, 5), np.float32)),
        lambda: jnp.dot(w, w),
        lambda: jnp.asarray(np.eye(2, dtype=np.int8)) @ jnp.asarray(np.eye(2, dtype=np.int8)),
        lambda: _weak([1.0, 2.0], np.float16) @ _weak([1.0, 2.0], np.float16),
        lambda: jnp.asarray(1.5) * jnp.ones(3) @ jnp.ones(3),
        lambda: jnp.matmul(x, v, preferred_element_type=np.float32),
    ]
    fast = [_call(c) for c in cases]
    general_path()
    for i, c in enumerate(cases):
        _same(fast[i], _call(c), f"case {i}")


def test_rounded_from_f64_kernels():
    from jaxlite._src.rules import _TRANSCENDENTAL, _rounded_from_f64

    for uf in _TRANSCENDENTAL:
        impl = _rounded_from_f64(uf)
        for dt in (np.float16, np.float32, np.float64):
            base = (RNG.randn(6, 5) * 2).astype(dt)
            for x in (base, base[::2], base.T, base[0], np.asarray(dt(0.5)), dt(0.5)):
                with np.errstate(all="ignore"):
                    got = impl(x)
                    if np.dtype(dt).itemsize < 8:
                        want = uf(x, dtype=np.float64).astype(dt)
                    else:
                        want = uf(x)
                assert type(got) is type(want)
                assert got.dtype == want.dtype and got.shape == want.shape
                assert np.asarray(got).tobytes() == np.asarray(want).tobytes()


# ----------------------------------------------------------------------------------------------
# Against JAX: dtypes, weak types, values and staged jaxprs of the cases the fast paths take


@pytest.fixture(scope="module")
def jax():
    return pytest.importorskip("jax")


def _jax_weak(jax, value, dtype):
    from jax._src.lax import lax as jax_lax  # noqa: PLC0415

    return jax_lax._convert_element_type(
        jax.numpy.asarray(np.asarray(value, dtype)), np.dtype(dtype), weak_type=True
    )


def test_weak_narrow_operands_vs_jax(jax):
    """JAX's jnp promotion keeps the width of weakly typed operands (a weak float16 value
    stays float16) unless a Python scalar widens it; products take `jnp.result_type`."""
    cases = {
        "sin": lambda m, x: m.sin(x),
        "x+x": lambda m, x: x + x,
        "x*2.0": lambda m, x: x * 2.0,
        "x+1": lambda m, x: x + 1,
        "-x": lambda m, x: -x,
        "x**2": lambda m, x: x**2,
        "x//x": lambda m, x: x // x,
        "x@x": lambda m, x: x @ x,
        "dot": lambda m, x: m.dot(x, x),
        "outer": lambda m, x: m.outer(x, x),
        "where": lambda m, x: m.where(x > 0, x, x),
    }
    for dt in (np.float16, np.int8):
        for name, f in cases.items():
            if name == "sin" and dt == np.int8:
                continue
            try:
                want = f(jax.numpy, _jax_weak(jax, [1, 2, 3], dt))
            except TypeError:  # JAX's floor_divide fails on weak float16 values
                continue
            got = f(jnp, _weak([1, 2, 3], dt))
            traced = jaxlite.jit(lambda x, f=f: f(jnp, x))(_weak([1, 2, 3], dt))
            for g in (got, traced):
                assert (g.dtype, g.weak_type) == (want.dtype, want.weak_type), (dt, name)
                np.testing.assert_allclose(np.asarray(g), np.asarray(want), rtol=2e-3)


def test_jaxprs_vs_jax(jax):
    x = np.linspace(-1, 1, 4, dtype=np.float32)
    y = np.linspace(0.5, 2, 4, dtype=np.float32)
    m = np.ones((2, 4), np.float32)
    cases = [
        (lambda n: lambda x, y: n.sin(x) * 2.0 + y, (x, y)),
        (lambda n: lambda x, y: 0.9 * x - y / 3, (x, y)),
        (lambda n: lambda x, y: (x - y) ** 2, (x, y)),
        (lambda n: lambda x, y: n.mean((x - y) ** 2), (x, y)),
        (lambda n: lambda m, y: m @ y, (m, y)),
        (lambda n: lambda x, y: x + 1, (x, y)),
        (lambda n: lambda x, y: n.maximum(x, y) < 0.5, (x, y)),
        (lambda n: lambda x, y: n.sin(x.astype(n.int32)), (x, y)),
    ]
    for make, args in cases:
        want = str(jax.make_jaxpr(make(jax.numpy))(*args))
        got = str(jaxlite.make_jaxpr(make(jnp))(*args))
        assert got == want
        if "int32" in got or " lt " in got:  # not differentiable
            continue
        want = str(jax.make_jaxpr(jax.grad(_scalar(make(jax.numpy))))(*args))
        got = str(jaxlite.make_jaxpr(jaxlite.grad(_scalar(make(jnp))))(*args))
        assert got == want


def _scalar(f):
    def g(*args):
        out = f(*args)
        return out if out.ndim == 0 else out.sum()

    return g


def test_fast_paths_skip_work_and_general_path_does_not(general_path, monkeypatch):
    """The eager elementwise fast paths call no primitive's `bind`, the others bind only the
    primitives of the result; the `general_path` fixture (on which the comparisons above rely)
    really switches them off."""
    from jaxlite._src import core  # noqa: PLC0415

    calls = []
    checks = []
    bind = core.Primitive.bind
    promote = P.promote_dtypes_result_type

    def counting_bind(self, *args, **params):
        calls.append(self.name)
        return bind(self, *args, **params)

    def counting_promote(*args):
        checks.append(1)
        return promote(*args)

    monkeypatch.setattr(core.Primitive, "bind", counting_bind)
    monkeypatch.setattr(P, "promote_dtypes_result_type", counting_promote)
    x = jnp.asarray(RNG.randn(3, 4).astype(np.float32))
    v = jnp.asarray(RNG.randn(4).astype(np.float32))
    w = jnp.asarray(RNG.randn(4, 2).astype(np.float32))
    exprs = {
        "x+v": (lambda: x + v, []),
        "x*2.0": (lambda: x * 2.0, []),
        "1.0-x": (lambda: 1.0 - x, []),
        "sin": (lambda: jnp.sin(x), []),
        "x**2": (lambda: x**2, []),
        "maximum": (lambda: jnp.maximum(x, v), []),
        "mean": (lambda: jnp.mean(x), []),
        "mean0": (lambda: jnp.mean(x, axis=0), []),
        "x@w": (lambda: x @ w, ["dot_general"]),
        "dot": (lambda: jnp.dot(v, w), ["dot_general"]),
    }
    for name, (e, want) in exprs.items():
        calls.clear()
        e()
        assert calls == want, name
    assert checks == []
    general_path()
    for name, (e, want) in exprs.items():
        calls.clear()
        checks.clear()
        e()
        # More binds, or (products) the general promotion.
        assert calls != want or checks, name


def test_eager_fast_paths_while_another_thread_traces():
    """The fast paths first ask whether any thread is tracing: while one is, another thread's
    eager operations still run eagerly and stage nothing into its trace; afterwards, and after
    a trace that raised, no trace is left registered."""
    import threading  # noqa: PLC0415

    from jaxlite._src import core  # noqa: PLC0415

    started, release = threading.Event(), threading.Event()
    seen = {}

    def traced(x):
        started.set()
        assert release.wait(10)
        return jnp.sin(x) * 2.0

    def tracing_thread():
        seen["jaxpr"] = str(jaxlite.make_jaxpr(traced)(jnp.ones(3)))

    t = threading.Thread(target=tracing_thread)
    t.start()
    try:
        assert started.wait(10)
        assert core._tracing  # the other thread's trace is registered
        v = np.linspace(0.0, 1.0, 3, dtype=np.float32)
        y = jnp.sin(jnp.asarray(v)) * 2.0 + jnp.asarray(v)
    finally:
        release.set()
        t.join()
    assert isinstance(y, jaxlite.Array) and not isinstance(y, core.Tracer)
    want = np.sin(v.astype(np.float64)).astype(np.float32) * np.float32(2.0) + v
    np.testing.assert_array_equal(np.asarray(y), want)
    assert seen["jaxpr"].count("sin") == 1 and seen["jaxpr"].count("mul") == 1
    assert "add" not in seen["jaxpr"]
    assert core._tracing == []

    def bad(x):
        raise ValueError("inside a trace")

    with pytest.raises(ValueError, match="inside a trace"):
        jaxlite.jit(bad)(1.0)
    assert core._tracing == []
