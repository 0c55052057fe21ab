"""Forward mode: jax.jvp values, tangent types, errors, nesting and numerical checks."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite._src import dtypes
from jaxlite._src.core import Tracer
from jaxlite.test_util import check_grads, check_jvp

X3 = np.array([0.5, 1.0, 2.0], np.float32)
ONES3 = np.ones(3, np.float32)


@pytest.fixture
def x64():
    prev = jax.config.x64_enabled
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)


def _np(x):
    return np.asarray(x)


def test_values_of_elementwise_chain():
    def f(x):
        return lax.mul(lax.sin(x), lax.exp(x))

    y, t = jax.jvp(f, (X3,), (ONES3,))
    x = X3.astype(np.float64)
    np.testing.assert_allclose(_np(y), np.sin(x) * np.exp(x), rtol=1e-6)
    np.testing.assert_allclose(_np(t), (np.cos(x) + np.sin(x)) * np.exp(x), rtol=1e-6)
    assert y.dtype == np.float32 and t.dtype == np.float32


def test_tangent_scales_linearly():
    f = lambda x: lax.log(lax.add(lax.mul(x, x), 1.0))
    _, t1 = jax.jvp(f, (X3,), (ONES3,))
    _, t3 = jax.jvp(f, (X3,), (3 * ONES3,))
    np.testing.assert_allclose(_np(t3), 3 * _np(t1), rtol=1e-6)


def test_multiple_arguments_and_pytrees():
    def f(d, y):
        return {"p": lax.mul(d["a"], y), "s": lax.add(d["b"], y)}

    primals = ({"a": X3, "b": X3}, ONES3)
    tangents = ({"a": ONES3, "b": 2 * ONES3}, 0 * ONES3)
    out, t = jax.jvp(f, primals, tangents)
    assert set(out) == {"p", "s"} and set(t) == {"p", "s"}
    np.testing.assert_allclose(_np(t["p"]), ONES3)  # d(a*y) = da*y + a*dy = 1
    np.testing.assert_allclose(_np(t["s"]), 2 * ONES3)


def test_lists_are_accepted_as_primals():
    y, t = jax.jvp(lax.add, [1.0, 2.0], [1.0, 1.0])
    assert float(y) == 3.0 and float(t) == 2.0


def test_python_scalars_give_weak_outputs():
    y, t = jax.jvp(lax.sin, (1.0,), (1.0,))
    assert y.weak_type and t.weak_type
    assert y.dtype == np.float32 and t.dtype == np.float32
    y, t = jax.jvp(lax.sin, (np.float32(1.0),), (1.0,))
    assert not y.weak_type and not t.weak_type


def test_output_independent_of_input_has_zero_tangent():
    y, t = jax.jvp(lambda a, b: lax.sin(b), (X3, X3), (ONES3, 0 * ONES3))
    np.testing.assert_array_equal(_np(t), np.zeros(3, np.float32))
    y, t = jax.jvp(lambda a: 2.0, (X3,), (ONES3,))
    assert float(t) == 0.0 and t.dtype == np.float32 and t.weak_type
    y, t = jax.jvp(lambda a: np.ones(2, np.float32), (X3,), (ONES3,))
    assert t.shape == (2,) and t.dtype == np.float32
    np.testing.assert_array_equal(_np(t), np.zeros(2))


def test_integer_primal_takes_float0_tangent():
    n = np.arange(3, dtype=np.int32)
    y, t = jax.jvp(lambda n: lax.mul(n, 2), (n,), (np.zeros(3, dtypes.float0),))
    np.testing.assert_array_equal(_np(y), [0, 2, 4])
    assert t.dtype == dtypes.float0 and t.shape == (3,)


def test_integer_output_has_float0_tangent():
    y, t = jax.jvp(lambda a: lax.convert_element_type(a, np.int32), (X3,), (ONES3,))
    assert y.dtype == np.int32
    assert t.dtype == dtypes.float0 and t.shape == (3,)


def test_mixed_integer_and_float_arguments():
    def f(x, n):
        return lax.mul(x, lax.convert_element_type(n, np.float32))

    n = np.array([1, 2, 3], np.int32)
    _, t = jax.jvp(f, (X3, n), (ONES3, np.zeros(3, dtypes.float0)))
    np.testing.assert_allclose(_np(t), [1.0, 2.0, 3.0])


def test_has_aux_returns_aux_unchanged():
    y, t, aux = jax.jvp(lambda a: (lax.sin(a), {"c": lax.cos(a)}), (1.0,), (1.0,), has_aux=True)
    assert float(t) == pytest.approx(np.cos(1.0), rel=1e-6)
    assert float(aux["c"]) == pytest.approx(np.cos(1.0), rel=1e-6)


def test_has_aux_output_is_a_concrete_array():
    _, _, aux = jax.jvp(lambda a: (lax.sin(a), lax.cos(a)), (1.0,), (1.0,), has_aux=True)
    assert not isinstance(aux, Tracer)
    assert isinstance(aux, jax.Array)


def test_dtype_mismatch_is_an_error():
    with pytest.raises(TypeError, match="primal and tangent arguments to jax.jvp do not match"):
        jax.jvp(lax.sin, (X3,), (np.ones(3, np.int32),))
    with pytest.raises(TypeError, match="Got primal dtype int32"):
        jax.jvp(lambda n: n, (np.arange(3, dtype=np.int32),), (X3,))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="different primal and tangent shapes"):
        jax.jvp(lax.sin, (X3,), (np.ones(2, np.float32),))


def test_non_tuple_primals_is_an_error():
    with pytest.raises(TypeError, match="must be tuples or lists"):
        jax.jvp(lax.sin, X3, X3)


def test_tree_mismatch_is_an_error():
    with pytest.raises(TypeError, match="same tree structure"):
        jax.jvp(lambda a, b: a, (X3, X3), (X3,))


def test_forward_over_forward_gives_second_derivative():
    def df(x):
        return jax.jvp(lax.sin, (x,), (1.0,))[1]

    _, d2 = jax.jvp(df, (1.0,), (1.0,))
    assert float(d2) == pytest.approx(-np.sin(1.0), rel=1e-6)


def test_nested_jvp_does_not_confuse_perturbations():
    # d/dx [ d/dy (x * y) at y=1 ] = d/dx x = 1; a confused implementation gives 2.
    def inner(x):
        return jax.jvp(lambda y: lax.mul(x, y), (1.0,), (1.0,))[1]

    y, t = jax.jvp(inner, (2.0,), (1.0,))
    assert float(y) == 2.0 and float(t) == 1.0

    # d/dx [ x * d/dy (x + y) ] = 1.
    def g(x):
        return lax.mul(x, jax.jvp(lambda y: lax.add(x, y), (1.0,), (1.0,))[1])

    assert float(jax.jvp(g, (2.0,), (1.0,))[1]) == 1.0


def test_jvp_of_grad_and_grad_of_jvp():
    y, t = jax.jvp(jax.grad(lax.sin), (1.0,), (1.0,))
    assert float(y) == pytest.approx(np.cos(1.0), rel=1e-6)
    assert float(t) == pytest.approx(-np.sin(1.0), rel=1e-6)
    g = jax.grad(lambda x: jax.jvp(lax.sin, (x,), (1.0,))[1])(1.0)
    assert float(g) == pytest.approx(-np.sin(1.0), rel=1e-6)


def test_jvp_of_vmap_and_vmap_of_jvp():
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    t = np.ones_like(x)
    _, t1 = jax.jvp(jax.vmap(lax.sin), (x,), (t,))
    _, t2 = jax.vmap(lambda a, b: jax.jvp(lax.sin, (a,), (b,)))(x, t)
    np.testing.assert_allclose(_np(t1), np.cos(x), rtol=1e-6)
    np.testing.assert_allclose(_np(t2), np.cos(x), rtol=1e-6)


def test_jvp_through_jit():
    f = jax.jit(lambda x: lax.mul(lax.sin(x), x))
    y, t = jax.jvp(f, (X3,), (ONES3,))
    x = X3.astype(np.float64)
    np.testing.assert_allclose(_np(t), np.cos(x) * x + np.sin(x), rtol=1e-6)


def test_closure_over_array_constant():
    c = np.array([1.0, -2.0, 3.0], np.float32)
    _, t = jax.jvp(lambda x: lax.mul(lax.mul(x, x), c), (X3,), (ONES3,))
    np.testing.assert_allclose(_np(t), 2 * X3 * c, rtol=1e-6)


# ----------------------------------------------------------------------------------------------
# Numerical checks in float64


def _composite(x, y):
    s = lax.reduce_sum(lax.mul(lax.sin(x), lax.exp(y)), (1,))
    return lax.div(s, lax.add(lax.reduce_sum(lax.mul(x, x), (1,)), 1.0))


def test_check_jvp_composite(x64):
    rng = np.random.RandomState(1)
    x, y = rng.randn(2, 3), rng.randn(2, 3)
    check_jvp(_composite, functools.partial(jax.jvp, _composite), (x, y))


def test_check_grads_forward_mode_to_third_order(x64):
    rng = np.random.RandomState(2)
    x, y = rng.randn(2, 3), rng.randn(2, 3)
    check_grads(_composite, (x, y), order=3, modes=("fwd",))


def test_check_grads_shape_ops_forward(x64):
    def f(x):
        y = lax.transpose(lax.reshape(x, (3, 2)), (1, 0))
        z = lax.broadcast_in_dim(lax.reduce_sum(y, (0,)), (4, 3), (1,))
        return lax.mul(lax.cos(z), z)

    check_grads(f, (np.random.RandomState(3).randn(2, 3),), order=2, modes=("fwd",))


def test_check_jvp_rejects_a_wrong_derivative(x64):
    # stop_gradient hides the x*x term from AD, but not from finite differences.
    def f(x):
        return lax.add(lax.sin(x), lax.stop_gradient(lax.mul(x, x)))

    with pytest.raises(AssertionError, match="JVP"):
        check_jvp(f, functools.partial(jax.jvp, f), (np.array([0.3, 0.7]),))


# ----------------------------------------------------------------------------------------------
# User-level programs through jaxlite.numpy


@pytest.fixture
def jnp():
    return pytest.importorskip("jaxlite.numpy")


def test_check_grads_forward_jnp_program(x64, jnp):
    def f(x, w):
        return jnp.sum(jnp.tanh(x @ w) ** 2, axis=0) / (1.0 + jnp.abs(x).sum())

    rng = np.random.RandomState(0)
    check_grads(f, (rng.randn(4, 3), rng.randn(3, 2)), order=2, modes=("fwd",))


def test_jvp_matches_jax(jnp):
    real = pytest.importorskip("jax")
    import jax.numpy as real_jnp

    x = np.linspace(-1, 1, 5).astype(np.float32)
    t = np.ones(5, np.float32)
    for prog in (lambda np_, x: np_.sin(x) * x, lambda np_, x: np_.exp(x) / (1 + x * x)):
        y, ty = jax.jvp(lambda x: prog(jnp, x), (x,), (t,))
        wy, wt = real.jvp(lambda x: prog(real_jnp, x), (x,), (t,))
        np.testing.assert_allclose(_np(y), np.asarray(wy), rtol=1e-6)
        np.testing.assert_allclose(_np(ty), np.asarray(wt), rtol=1e-6)
        assert ty.dtype == wt.dtype
