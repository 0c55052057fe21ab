"""Reverse mode: grad, value_and_grad, vjp; argnums, has_aux, allow_int, holomorphic, errors,
nesting and numerical checks."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite._src import dtypes
from jaxlite._src.core import Tracer
from jaxlite.test_util import check_grads, check_vjp

X3 = np.array([0.5, 1.0, 2.0], np.float32)


@pytest.fixture
def x64():
    prev = jax.config.x64_enabled
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", prev)


def _sum(x):
    return lax.reduce_sum(x, tuple(range(np.ndim(x))))


def approx(v, rel=1e-6):
    return pytest.approx(v, rel=rel, abs=1e-7)


# ----------------------------------------------------------------------------------------------
# Values and types


def test_grad_of_scalar_function():
    g = jax.grad(lambda x: lax.mul(lax.sin(x), lax.exp(x)))(0.7)
    assert float(g) == approx((np.cos(0.7) + np.sin(0.7)) * np.exp(0.7))


def test_grad_of_array_function():
    g = jax.grad(lambda x: _sum(lax.mul(x, x)))(X3)
    np.testing.assert_allclose(np.asarray(g), 2 * X3)
    assert g.shape == (3,) and g.dtype == np.float32


def test_gradient_weak_type_follows_the_input():
    g = jax.grad(lax.sin)(1.0)
    assert g.dtype == np.float32 and g.weak_type
    g = jax.grad(lax.sin)(np.float32(1.0))
    assert g.dtype == np.float32 and not g.weak_type
    g = jax.grad(lambda x, y: lax.mul(x, y), argnums=(0, 1))(1.0, 2.0)
    assert all(v.weak_type for v in g)


def test_float64_input_without_x64_gives_float32_gradient():
    g = jax.grad(lax.sin)(np.float64(1.0))
    assert g.dtype == np.float32 and not g.weak_type
    g = jax.grad(lax.sin)(np.ones((), np.float64))
    assert g.dtype == np.float32


def test_float64_gradient_with_x64(x64):
    g = jax.grad(lax.sin)(np.float64(1.0))
    assert g.dtype == np.float64
    assert float(g) == pytest.approx(np.cos(1.0), rel=1e-15)


def test_constant_function_has_zero_gradient():
    g = jax.grad(lambda x: 1.0)(2.0)
    assert float(g) == 0.0 and g.dtype == np.float32 and g.weak_type
    g = jax.grad(lambda x: np.float32(3.0))(X3)
    np.testing.assert_array_equal(np.asarray(g), np.zeros(3))


def test_stop_gradient():
    assert float(jax.grad(lambda x: lax.mul(x, lax.stop_gradient(x)))(3.0)) == 3.0


# ----------------------------------------------------------------------------------------------
# argnums and pytrees


def test_argnums_int_tuple_and_negative():
    f = lambda x, y: lax.mul(lax.sin(x), y)
    assert float(jax.grad(f)(1.0, 2.0)) == approx(2 * np.cos(1.0))
    assert float(jax.grad(f, argnums=1)(1.0, 2.0)) == approx(np.sin(1.0))
    assert float(jax.grad(f, argnums=-1)(1.0, 2.0)) == approx(np.sin(1.0))
    gx, gy = jax.grad(f, argnums=(0, 1))(1.0, 2.0)
    assert float(gx) == approx(2 * np.cos(1.0)) and float(gy) == approx(np.sin(1.0))
    (gy_only,) = jax.grad(f, argnums=(1,))(1.0, 2.0)
    assert float(gy_only) == approx(np.sin(1.0))


def test_argnums_out_of_range_is_a_type_error():
    with pytest.raises(TypeError):
        jax.grad(lambda x: x, argnums=1)(1.0)


def test_argnums_out_of_range_message_matches_jax():
    with pytest.raises(TypeError, match="requires at least 2 positional arguments"):
        jax.grad(lambda x: x, argnums=1)(1.0)


def test_pytree_arguments_give_pytree_gradients():
    g = jax.grad(lambda d: lax.mul(d["a"], d["b"]))({"a": 2.0, "b": 3.0})
    assert set(g) == {"a", "b"}
    assert float(g["a"]) == 3.0 and float(g["b"]) == 2.0
    g = jax.grad(lambda t: lax.mul(t[0], t[1][0]))((2.0, [5.0]))
    assert isinstance(g, tuple) and isinstance(g[1], list)
    assert float(g[0]) == 5.0 and float(g[1][0]) == 2.0


def test_none_leaves_are_skipped():
    g = jax.grad(lambda t: lax.mul(t[0], 2.0))((1.0, None))
    assert float(g[0]) == 2.0 and g[1] is None


def test_keyword_arguments_are_not_differentiated():
    g = jax.grad(lambda x, y: lax.mul(x, y))(2.0, y=3.0)
    assert float(g) == 3.0


# ----------------------------------------------------------------------------------------------
# has_aux, value_and_grad, vjp


def test_has_aux_values():
    g, aux = jax.grad(lambda x: (lax.sin(x), {"c": lax.cos(x)}), has_aux=True)(1.0)
    assert float(g) == approx(np.cos(1.0))
    assert float(aux["c"]) == approx(np.cos(1.0))


def test_has_aux_output_is_concrete():
    _, aux = jax.grad(lambda x: (lax.sin(x), lax.cos(x)), has_aux=True)(1.0)
    assert not isinstance(aux, Tracer)
    (_, aux2), _ = jax.value_and_grad(lambda x: (lax.sin(x), x), has_aux=True)(1.0)
    assert not isinstance(aux2, Tracer)


def test_has_aux_requires_a_pair():
    with pytest.raises(TypeError):
        jax.grad(lambda x: x, has_aux=True)(1.0)
    with pytest.raises(TypeError):
        jax.grad(lambda x: (x, 1.0, 2.0), has_aux=True)(1.0)


def test_value_and_grad():
    v, g = jax.value_and_grad(lambda x, y: lax.mul(lax.sin(x), y), argnums=(0, 1))(1.0, 2.0)
    assert float(v) == approx(2 * np.sin(1.0))
    assert float(g[0]) == approx(2 * np.cos(1.0)) and float(g[1]) == approx(np.sin(1.0))
    assert v.weak_type
    (v, aux), g = jax.value_and_grad(lambda x: (lax.exp(x), 7.0), has_aux=True)(0.0)
    assert float(v) == 1.0 and float(aux) == 7.0 and float(g) == 1.0


def test_vjp_with_pytree_cotangent():
    def f(x):
        return {"s": lax.sin(x), "d": lax.mul(x, 2.0)}

    out, pullback = jax.vjp(f, X3)
    (ct,) = pullback({"s": np.ones(3, np.float32), "d": np.ones(3, np.float32)})
    np.testing.assert_allclose(np.asarray(ct), np.cos(X3) + 2, rtol=1e-6)


def test_vjp_cotangent_mismatch_errors():
    _, pullback = jax.vjp(lax.sin, X3)
    with pytest.raises(ValueError):
        pullback(np.ones(2, np.float32))
    with pytest.raises(TypeError):
        pullback((np.ones(3, np.float32),))


def test_vjp_can_be_called_twice():
    _, pullback = jax.vjp(lambda x: lax.mul(x, x), X3)
    (a,) = pullback(np.ones(3, np.float32))
    (b,) = pullback(2 * np.ones(3, np.float32))
    np.testing.assert_allclose(np.asarray(b), 2 * np.asarray(a))


# ----------------------------------------------------------------------------------------------
# Integer inputs, holomorphic, and output checks


def test_integer_input_is_a_type_error():
    with pytest.raises(
        TypeError, match=r"grad requires real- or complex-valued inputs .* got int32"
    ):
        jax.grad(lax.sin)(1)
    with pytest.raises(TypeError, match="allow_int"):
        jax.grad(lambda x: _sum(x))(np.arange(3))


def test_integer_input_message_matches_jax():
    msg = (
        "grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
        "np.inexact), but got int32. If you want to use Boolean- or integer-valued inputs, use "
        "vjp or set allow_int to True."
    )
    with pytest.raises(TypeError) as e:
        jax.grad(lax.sin)(1)
    assert str(e.value) == msg


def test_allow_int_gives_float0_gradients():
    def f(x, n):
        return _sum(lax.mul(x, lax.convert_element_type(n, np.float32)))

    n = np.arange(3, dtype=np.int32)
    gx, gn = jax.grad(f, argnums=(0, 1), allow_int=True)(X3, n)
    np.testing.assert_array_equal(np.asarray(gx), [0.0, 1.0, 2.0])
    assert gn.dtype == dtypes.float0 and gn.shape == (3,)
    gb = jax.grad(lambda b, x: lax.mul(x, lax.convert_element_type(b, np.float32)), allow_int=True)(
        True, 2.0
    )
    assert gb.dtype == dtypes.float0 and gb.shape == ()


def test_holomorphic():
    z = np.complex64(1 + 2j)
    g = jax.grad(lambda z: lax.mul(z, z), holomorphic=True)(z)
    assert g.dtype == np.complex64
    assert complex(g) == pytest.approx(2 * complex(z))


def test_holomorphic_requires_complex_input_and_output():
    with pytest.raises(
        TypeError, match="holomorphic=True requires inputs with complex dtype, but got float32"
    ):
        jax.grad(lax.sin, holomorphic=True)(1.0)
    with pytest.raises(
        TypeError, match="holomorphic=True requires outputs with complex dtype, but got float32"
    ):
        jax.grad(lambda z: lax.real(z), holomorphic=True)(np.complex64(1 + 2j))


def test_complex_output_without_holomorphic_is_an_error():
    with pytest.raises(TypeError, match="grad requires real-valued outputs .* got complex64"):
        jax.grad(lambda x: lax.complex(x, x))(1.0)


def test_non_scalar_output_is_a_type_error():
    with pytest.raises(TypeError) as e:
        jax.grad(lax.sin)(X3)
    assert str(e.value) == (
        "Gradient only defined for scalar-output functions. Output had shape: (3,)."
    )


def test_tuple_output_is_a_type_error():
    with pytest.raises(TypeError, match="Gradient only defined for scalar-output functions"):
        jax.grad(lambda x: (x,))(1.0)


def test_integer_output_is_a_type_error():
    with pytest.raises(TypeError, match="grad requires real-valued outputs .* got int32"):
        jax.grad(lambda x: lax.convert_element_type(x, np.int32))(1.0)


def test_output_dtype_messages_match_jax():
    with pytest.raises(TypeError) as e:
        jax.grad(lambda x: lax.convert_element_type(x, np.int32))(1.0)
    assert str(e.value).endswith(
        "but got int32. For differentiation of functions with integer outputs, use jax.vjp "
        "directly."
    )
    with pytest.raises(TypeError) as e:
        jax.grad(lambda x: lax.complex(x, x))(1.0)
    assert "For differentiation of non-holomorphic functions involving complex outputs" in str(
        e.value
    )


def test_non_array_argument_is_a_type_error():
    with pytest.raises(TypeError, match="is not a valid JAX type"):
        jax.grad(lambda x: 1.0)("a")


# ----------------------------------------------------------------------------------------------
# Nesting


def test_third_derivative():
    assert float(jax.grad(jax.grad(jax.grad(lax.sin)))(1.0)) == approx(-np.cos(1.0))
    assert float(jax.grad(jax.grad(lax.exp))(0.5)) == approx(np.exp(0.5))


def test_perturbation_confusion():
    # d/dx [ d/dy (x * y) ] = d/dx x = 1.
    assert float(jax.grad(lambda x: jax.grad(lambda y: lax.mul(x, y))(1.0))(2.0)) == 1.0
    # d/dx [ x * d/dy (x + y) ] = 1 (a confused implementation gives 2).
    g = jax.grad(lambda x: lax.mul(x, jax.grad(lambda y: lax.add(x, y))(1.0)))(2.0)
    assert float(g) == 1.0
    # d/dx [ x * d/dy (x * y) at y = x ] = d/dx x^2 = 2x.
    g = jax.grad(lambda x: lax.mul(x, jax.grad(lambda y: lax.mul(x, y))(x)))(3.0)
    assert float(g) == 6.0


def test_closure_over_outer_tracer():
    # d/dx [ d/dy (sin(x) * y^2) at y = x ] = d/dx 2 x sin x = 2 sin x + 2 x cos x.
    def f(x):
        return jax.grad(lambda y: lax.mul(lax.sin(x), lax.mul(y, y)))(x)

    g = jax.grad(f)(1.0)
    assert float(g) == approx(2 * np.sin(1.0) + 2 * np.cos(1.0))


def test_grad_of_jit_and_jit_of_grad():
    f = lambda x: lax.mul(lax.sin(x), x)
    want = np.cos(1.0) * 1.0 + np.sin(1.0)
    assert float(jax.grad(jax.jit(f))(1.0)) == approx(want)
    assert float(jax.jit(jax.grad(f))(1.0)) == approx(want)
    assert float(jax.jit(jax.grad(jax.grad(f)))(1.0)) == approx(2 * np.cos(1.0) - np.sin(1.0))


def test_second_order_grad_through_jit():
    f = lambda x: lax.mul(lax.sin(x), x)
    assert float(jax.grad(jax.grad(jax.jit(f)))(1.0)) == approx(2 * np.cos(1.0) - np.sin(1.0))


def test_grad_of_vmap_and_vmap_of_grad():
    g1 = jax.grad(lambda x: _sum(jax.vmap(lax.sin)(x)))(X3)
    g2 = jax.vmap(jax.grad(lax.sin))(X3)
    np.testing.assert_allclose(np.asarray(g1), np.cos(X3), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(g2), np.cos(X3), rtol=1e-6)


# ----------------------------------------------------------------------------------------------
# Numerical checks in float64


def _composite(x, y):
    num = _sum(lax.mul(lax.sin(x), lax.exp(y)))
    den = lax.add(_sum(lax.mul(x, x)), 1.0)
    return lax.div(num, den)


def _shape_program(x, w):
    y = lax.transpose(lax.reshape(x, (3, 2)), (1, 0))
    z = lax.dot_general(y, w, (((1,), (0,)), ((), ())))
    return lax.mul(lax.tanh(z), lax.broadcast_in_dim(lax.reduce_sum(y, (0,)), (2, 3), (1,)))


def test_check_grads_composite_second_order(x64):
    rng = np.random.RandomState(0)
    check_grads(_composite, (rng.randn(2, 3), rng.randn(2, 3)), order=2)


def test_check_grads_shape_and_dot_program(x64):
    rng = np.random.RandomState(1)
    check_grads(_shape_program, (rng.randn(2, 3), rng.randn(3, 3)), order=2, modes=("rev",))


def test_check_grads_through_jit(x64):
    rng = np.random.RandomState(2)
    check_grads(jax.jit(_composite), (rng.randn(2, 3), rng.randn(2, 3)), order=2)


def test_check_grads_python_scalars(x64):
    check_grads(lambda x, y: lax.mul(lax.log(lax.add(x, 2.0)), lax.cos(y)), (0.3, 0.9), order=3)


def test_check_grads_float32():
    # Default float32 tolerances absorb float32 finite-difference error.
    check_grads(_composite, (X3.reshape(1, 3), X3.reshape(1, 3) / 3), order=1)


def test_check_vjp_rejects_a_wrong_derivative(x64):
    def f(x):
        return lax.add(lax.sin(x), lax.stop_gradient(lax.mul(x, x)))

    with pytest.raises(AssertionError, match="VJP"):
        check_vjp(f, lambda *a: jax.vjp(f, *a), (np.array([0.3, 0.7]),))


def test_check_grads_reports_the_failing_order(x64):
    # AD gives the right first derivative (x) but a zero second derivative.
    def half_square(x):
        sg = lax.stop_gradient(x)
        return lax.sub(lax.mul(x, sg), lax.mul(0.5, lax.mul(sg, sg)))

    x = (np.array([0.4, -1.3]),)
    check_grads(half_square, x, order=1)
    with pytest.raises(AssertionError, match=r"order 2 of 2"):
        check_grads(half_square, x, order=2, modes=("fwd",))
    with pytest.raises(AssertionError, match=r"VJP of VJP \(order 2 of 2\)"):
        check_grads(half_square, x, order=2, modes=("rev",))


# ----------------------------------------------------------------------------------------------
# User-level programs through jaxlite.numpy


@pytest.fixture
def jnp():
    return pytest.importorskip("jaxlite.numpy")


def _mlp_loss(jnp, params, x):
    h = jnp.tanh(x @ params["W1"] + params["b1"])
    return jnp.mean((h @ params["W2"]) ** 2)


def test_check_grads_mlp_loss(x64, jnp):
    rng = np.random.RandomState(0)
    params = {"W1": rng.randn(3, 4), "b1": rng.randn(4), "W2": rng.randn(4, 2)}
    x = rng.randn(5, 3)
    check_grads(lambda p, x: _mlp_loss(jnp, p, x), (params, x), order=2)


def test_check_grads_softmax(x64, jnp):
    def softmax(z):
        e = jnp.exp(z - jnp.max(z, axis=-1, keepdims=True))
        return e / jnp.sum(e, axis=-1, keepdims=True)

    check_grads(softmax, (np.random.RandomState(1).randn(3, 4),), order=2)


def test_gradients_match_jax(jnp):
    real = pytest.importorskip("jax")
    import jax.numpy as real_jnp

    rng = np.random.RandomState(0)
    params = {
        "W1": rng.randn(3, 4).astype(np.float32),
        "b1": rng.randn(4).astype(np.float32),
        "W2": rng.randn(4, 2).astype(np.float32),
    }
    x = rng.randn(5, 3).astype(np.float32)
    got = jax.grad(lambda p: _mlp_loss(jnp, p, x))(params)
    want = real.grad(lambda p: _mlp_loss(real_jnp, p, x))(params)
    for k in params:
        assert got[k].dtype == want[k].dtype and got[k].weak_type == want[k].weak_type
        np.testing.assert_allclose(np.asarray(got[k]), np.asarray(want[k]), rtol=2e-5, atol=1e-6)


_ORACLE_PROGRAMS = {
    "scale": lambda np_, x: x * 2.0,
    "strong_scale": lambda np_, x: np_.float32(3) * x,
    "sin_times_sin": lambda np_, x: np_.sin(x) * np_.sin(x),
    "sin_squared": lambda np_, x: np_.sin(x) ** 2,
    "sum_exp": lambda np_, x: np_.sum(np_.exp(x)),
}


_ORACLE_CASES = [
    ("scale", 1.5),
    ("scale", np.float32(1.5)),
    ("strong_scale", 1.5),
    ("sin_times_sin", 1.5),
    ("sin_times_sin", np.float32(1.5)),
    ("sin_squared", 1.5),
    ("sin_squared", np.float32(1.5)),
    ("sum_exp", np.array([0.5, 1.5], np.float32)),
]


@pytest.mark.parametrize("name, arg", _ORACLE_CASES)
def test_gradient_types_match_jax(jnp, name, arg):
    real = pytest.importorskip("jax")
    import jax.numpy as real_jnp

    prog = _ORACLE_PROGRAMS[name]
    g = jax.grad(lambda x: prog(jnp, x))(arg)
    w = real.grad(lambda x: prog(real_jnp, x))(arg)
    assert (g.dtype, g.weak_type) == (w.dtype, w.weak_type)
    np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)
