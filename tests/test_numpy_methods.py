"""Operators and methods on Array and on tracers, jnp scalar types and dtype helpers,
`jnp.ndarray`, constants and the whole-array helpers."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from test_numpy_util import arr, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp
from jaxlite._src.array import Array

X = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32)
INT = np.array([[1, -2, 3], [4, 5, -6]], np.int32)


@pytest.fixture(scope="module")
def jax_np():
    return pytest.importorskip("jax").numpy


BINOPS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.mod,
    operator.pow,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.eq,
    operator.ne,
]
INTOPS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]


def test_binary_operators_vs_jax(jax_np):
    for op in BINOPS:
        for a, b in [
            (arr(X), arr(X)),
            (arr(X), 2),
            (3, arr(X)),
            (arr(INT), 2.5),
            (arr(INT), arr(INT)),
            (1.5, arr(INT)),
            (arr(X), True),
        ]:
            if op is operator.pow and not isinstance(a, int):
                a = arr(np.abs(a.value)) if isinstance(a, arr) else abs(a)
            check_vs_jax(jax_np, lambda m, op=op: op, (a, b))
    for op in INTOPS:
        for a, b in [
            (arr(INT), arr(np.abs(INT))),
            (arr(INT), 1),
            (3, arr(np.abs(INT))),
            (arr(INT > 0), arr(INT < 2)),
        ]:
            check_vs_jax(jax_np, lambda m, op=op: op, (a, b))


def test_unary_operators_and_divmod_vs_jax(jax_np):
    for op in [operator.neg, operator.pos, abs, round]:
        check_vs_jax(jax_np, lambda m, op=op: op, (arr(X),))
    check_vs_jax(jax_np, lambda m: operator.invert, (arr(INT),))
    check_vs_jax(jax_np, lambda m: operator.invert, (arr(INT > 0),))
    check_vs_jax(jax_np, lambda m: divmod, (arr(X), 2.0))
    check_vs_jax(jax_np, lambda m: divmod, (7, arr(INT)))
    check_vs_jax(jax_np, lambda m: operator.matmul, (arr(X), arr(X.T)))
    check_vs_jax(jax_np, lambda m: lambda a: 2.0 @ a if False else a.T @ a, (arr(X),))


METHODS = [
    ("T", None),
    ("mT", None),
    ("real", None),
    ("imag", None),
    ("sum", ()),
    ("sum", (0,)),
    ("mean", ()),
    ("var", ()),
    ("std", (1,)),
    ("max", ()),
    ("min", (1,)),
    ("prod", ()),
    ("argmax", ()),
    ("argmin", (0,)),
    ("all", ()),
    ("any", ()),
    ("cumsum", ()),
    ("cumprod", (1,)),
    ("ravel", ()),
    ("flatten", ()),
    ("squeeze", ()),
    ("sort", ()),
    ("argsort", ()),
    ("round", ()),
    ("round", (1,)),
    ("conj", ()),
    ("conjugate", ()),
    ("reshape", (3, 2)),
    ("reshape", ((6,),)),
    ("reshape", (-1,)),
    ("transpose", ()),
    ("transpose", (1, 0)),
    ("transpose", ((1, 0),)),
    ("swapaxes", (0, 1)),
    ("astype", (np.int32,)),
    ("astype", (bool,)),
    ("clip", (0.0, 1.0)),
    ("take", (np.array([0, 4]),)),
    ("diagonal", ()),
    ("trace", ()),
    ("dot", (X.T,)),
    ("repeat", (2,)),
    ("ptp", ()),
    ("searchsorted", (2.0,)),
]


@pytest.mark.parametrize("name,args", METHODS)
def test_methods_vs_jax(jax_np, name, args):
    x = X.ravel() if name == "searchsorted" else X

    def mk(m):
        def f(a):
            attr = getattr(a, name)
            if args is None:
                return attr
            return attr(*[m.asarray(v) if isinstance(v, np.ndarray) else v for v in args])

        return f

    check_vs_jax(jax_np, mk, (arr(x),))


def test_methods_on_tracers():
    def f(v):
        assert isinstance(v, jnp.ndarray)
        return (v.T @ v).sum() + v.mean(0).max() + v.at[0, 1].set(2.0).sum() + v[1, ::-1].min()

    x = jnp.asarray(X)
    want = f(x)
    np.testing.assert_allclose(float(jaxlite.jit(f)(x)), float(want), rtol=1e-6)
    g = jaxlite.grad(f)(x)
    assert g.shape == X.shape
    kinds = []
    jaxlite.jit(lambda v: kinds.append(isinstance(v, Array)) or v)(x)
    assert kinds == [False]
    out = jaxlite.vmap(lambda v: v.reshape(3, 1).T.astype(jnp.int32))(x)
    assert out.shape == (2, 1, 3) and out.dtype == np.int32


def test_contains_len_iter():
    x = jnp.arange(3)
    assert 2 in x and 5 not in x
    assert len(jnp.ones((4, 2))) == 4
    assert [int(v) for v in x] == [0, 1, 2]
    assert jnp.ones((2, 3)).nbytes == 24 and jnp.ones((2, 3)).itemsize == 4


def test_scalar_types():
    assert repr(jnp.float32(1.0)) == "Array(1., dtype=float32)"
    assert repr(jnp.int32(3.7)) == "Array(3, dtype=int32)"
    assert jnp.float32([1, 2]).dtype == np.float32 and jnp.bool_(1).dtype == np.bool_
    assert np.dtype(jnp.float32) == np.float32 and jnp.float32.dtype == np.float32
    assert jnp.float32 == np.float32 and hash(jnp.float32) == hash(np.float32)
    assert isinstance(np.float32(1), jnp.float32) and not isinstance(1.0, jnp.float32)
    assert jnp.zeros(2, jnp.int8).dtype == np.int8
    assert jnp.issubdtype(jnp.float32, jnp.floating) and jnp.issubdtype(np.int8, jnp.integer)
    assert not jnp.issubdtype(jnp.int32, jnp.inexact)
    assert jnp.dtype(jnp.float16) == np.float16 and jnp.dtype("float64") == np.float64
    assert jnp.promote_types(jnp.int8, jnp.uint8) == np.int16
    assert jnp.promote_types(jnp.float32, int) == np.float32
    assert jnp.result_type(1, 2.0) == np.float32 and jnp.result_type(jnp.float32, 1) == np.float32
    assert jnp.finfo(jnp.float32).eps == np.finfo(np.float32).eps
    assert jnp.iinfo(jnp.int32).max == 2**31 - 1
    assert jnp.can_cast(jnp.int8, jnp.int32) and not jnp.can_cast(jnp.float32, jnp.int32)
    assert jnp.uint is jnp.uint64 and jnp.int_ is jnp.int64


def test_scalar_type_under_jit():
    out = jaxlite.jit(lambda v: jnp.float32(v) + jnp.int32(2))(jnp.asarray(1.5))
    assert out.dtype == np.float32 and float(out) == 3.5


def test_ndarray_abc_and_constants():
    x = jnp.ones(2)
    assert isinstance(x, jnp.ndarray) and not isinstance(np.ones(2), jnp.ndarray)
    seen = []
    jaxlite.grad(lambda v: (seen.append(isinstance(v, jnp.ndarray)), v * 2.0)[1])(1.0)
    assert seen == [True]
    # jax.Array is the same abstract type: tracers of every transformation are instances.
    assert jaxlite.Array is jnp.ndarray and isinstance(x, jaxlite.Array)
    kinds = []
    check = lambda v: (kinds.append(isinstance(v, jaxlite.Array)), v)[1]  # noqa: E731
    jaxlite.jit(check)(1.0)
    jaxlite.vmap(check)(jnp.ones(3))
    jaxlite.jvp(check, (1.0,), (1.0,))
    assert kinds == [True, True, True] and not isinstance(np.float32(1), jaxlite.Array)
    assert jnp.pi == np.pi and jnp.e == np.e and jnp.inf == np.inf and np.isnan(jnp.nan)
    assert jnp.newaxis is None


def test_printoptions():
    with jnp.printoptions(precision=2):
        assert repr(jnp.array([1.23456])) == "Array([1.23], dtype=float32)"
    assert repr(jnp.array([1.5])) == "Array([1.5], dtype=float32)"


def test_comparison_helpers():
    a = jnp.asarray([1.0, 2.0, np.nan])
    assert bool(jnp.array_equal(a[:2], np.array([1.0, 2.0])))
    assert not bool(jnp.array_equal(a, a)) and bool(jnp.array_equal(a, a, equal_nan=True))
    assert not bool(jnp.array_equal(a, a[:2]))
    assert bool(jnp.array_equiv(jnp.ones((2, 2)), 1.0))
    assert jnp.iscomplexobj(jnp.ones(2, jnp.complex64)) and jnp.isrealobj(a)
    np.testing.assert_array_equal(
        np.asarray(jnp.nan_to_num(jnp.asarray([np.nan, np.inf, -np.inf, 1.0]))),
        np.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)),
    )
    rows, cols = jnp.unravel_index(jnp.asarray([5, 7]), (3, 4))
    np.testing.assert_array_equal(np.asarray(rows), [1, 1])
    np.testing.assert_array_equal(np.asarray(cols), [1, 3])


def test_astype_complex_to_real_and_weak():
    z = jnp.asarray(np.array([1 + 2j], np.complex64))
    with pytest.warns(DeprecationWarning, match="Casting from complex to real dtypes"):
        assert z.astype(jnp.float32).dtype == np.float32
    w = jnp.asarray(1.0)
    assert w.weak_type and not w.astype(jnp.float32).weak_type


def _complex_casts(jax, jnp):
    z = jnp.array([1 + 2j, 1j, 0j, -3.5 + 0j])
    zn = np.array([1 + 2j, 1j, 0j], np.complex64)
    return {
        "astype_f32": lambda: z.astype(jnp.float32),
        "astype_bool": lambda: z.astype(bool),
        "jnp_astype_i32": lambda: jnp.astype(z, jnp.int32),
        "jnp_astype_default": lambda: jnp.astype(jnp.arange(3), None),
        "array_of_array": lambda: jnp.array(z, jnp.float32),
        "asarray_of_numpy": lambda: jnp.asarray(zn, jnp.int32),
        "array_of_numpy_bool": lambda: jnp.array(zn, bool),
        "array_of_list_bool": lambda: jnp.array([1j, 0j], bool),
        "array_of_list_f32": lambda: jnp.array([1 + 2j], jnp.float32),
        "array_of_scalar_i32": lambda: jnp.array(1 + 1j, jnp.int32),
        "scalar_type_call": lambda: jnp.float32(z),
        "lax_convert": lambda: jax.lax.convert_element_type(z, jnp.float32),
        "lax_convert_bool": lambda: jax.lax.convert_element_type(z, bool),
        "jit_astype": lambda: jax.jit(lambda v: v.astype(jnp.float32))(z),
        "real": lambda: jnp.real(z),
    }


@pytest.mark.parametrize("name", sorted(_complex_casts(jaxlite, jnp)))
def test_complex_casts_values_errors_and_warnings_as_jax(jax_np, name):
    """Complex to real: values, the exception type and message, and the warning category."""
    import warnings  # noqa: PLC0415

    jax = pytest.importorskip("jax")

    def run(lib, lnp):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = _complex_casts(lib, lnp)[name]()
            except Exception as e:  # noqa: BLE001
                out = (type(e), str(e))
        cats = sorted({w.category.__name__ for w in caught if w.category is not UserWarning})
        return out, cats

    got, got_w = run(jaxlite, jnp)
    want, want_w = run(jax, jax_np)
    assert got_w == want_w
    if isinstance(want, tuple):
        assert got == want
    else:
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert np.asarray(got).dtype == np.asarray(want).dtype
