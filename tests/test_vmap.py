"""vmap: in_axes/out_axes forms, axis_size, nesting, composition with AD and jit, errors."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite.test_util import check_batching

X23 = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
Y3 = np.array([0.5, -1.0, 2.0], np.float32)


def _np(x):
    return np.asarray(x)


def _sum_all(x):
    return lax.reduce_sum(x, tuple(range(np.ndim(x))))


def test_elementwise_over_leading_axis():
    out = jax.vmap(lax.sin)(X23)
    np.testing.assert_allclose(_np(out), np.sin(X23), rtol=1e-6)
    assert out.shape == (2, 3) and out.dtype == np.float32


def test_reduction_per_example():
    out = jax.vmap(lambda a: lax.reduce_sum(a, (0,)))(X23)
    np.testing.assert_allclose(_np(out), X23.sum(1), rtol=1e-6)


def test_in_axes_int_and_negative():
    f = lambda a: lax.reduce_sum(a, (0,))
    np.testing.assert_allclose(_np(jax.vmap(f, in_axes=1)(X23)), X23.sum(0), rtol=1e-6)
    np.testing.assert_allclose(_np(jax.vmap(f, in_axes=-1)(X23)), X23.sum(0), rtol=1e-6)
    np.testing.assert_allclose(_np(jax.vmap(f, in_axes=-2)(X23)), X23.sum(1), rtol=1e-6)


def test_in_axes_none_broadcasts_the_argument():
    out = jax.vmap(lax.mul, in_axes=(0, None))(X23, Y3)
    np.testing.assert_allclose(_np(out), X23 * Y3)
    out = jax.vmap(lax.mul, in_axes=[1, None])(X23, Y3[:2])
    np.testing.assert_allclose(_np(out), (X23 * Y3[:2, None]).T)


def test_in_axes_dict_pytree():
    def f(d):
        return lax.mul(d["a"], d["b"])

    out = jax.vmap(f, in_axes=({"a": 0, "b": None},))({"a": X23, "b": Y3})
    np.testing.assert_allclose(_np(out), X23 * Y3)
    out = jax.vmap(f, in_axes=({"a": 1, "b": 0},))({"a": X23, "b": Y3[:, None] * np.ones(2)})
    np.testing.assert_allclose(_np(out).T, X23 * Y3)


def test_in_axes_tuple_prefix_of_nested_tuple():
    def f(pair, c):
        a, b = pair
        return lax.add(lax.mul(a, c), b)

    out = jax.vmap(f, in_axes=((0, 1), None))((X23, X23.T.copy()), 2.0)
    np.testing.assert_allclose(_np(out), 3 * X23)


def test_keyword_arguments_are_mapped_over_axis_zero():
    out = jax.vmap(lambda a, b: lax.mul(a, b))(X23, b=X23)
    np.testing.assert_allclose(_np(out), X23 * X23)


def test_out_axes_int_negative_and_pytree():
    np.testing.assert_allclose(_np(jax.vmap(lax.sin, out_axes=1)(X23)), np.sin(X23).T, rtol=1e-6)
    np.testing.assert_allclose(_np(jax.vmap(lax.sin, out_axes=-1)(X23)), np.sin(X23).T, rtol=1e-6)
    a, d = jax.vmap(lambda r: (r, {"k": lax.sin(r)}), out_axes=(0, {"k": 1}))(X23)
    np.testing.assert_allclose(_np(a), X23)
    np.testing.assert_allclose(_np(d["k"]), np.sin(X23).T, rtol=1e-6)


def test_out_axes_none_for_unmapped_output():
    prod, b = jax.vmap(lambda a, b: (lax.mul(a, b), b), in_axes=(0, None), out_axes=(0, None))(
        X23, Y3
    )
    assert prod.shape == (2, 3)
    np.testing.assert_array_equal(_np(b), Y3)


def test_out_axes_none_for_mapped_output_is_an_error():
    with pytest.raises(ValueError, match="out_axes"):
        jax.vmap(lambda a: a, out_axes=None)(X23)


def test_unmapped_output_is_broadcast():
    out = jax.vmap(lambda a, b: b, in_axes=(0, None))(Y3, X23)
    assert out.shape == (3, 2, 3)
    np.testing.assert_array_equal(_np(out), np.broadcast_to(X23, (3, 2, 3)))
    out = jax.vmap(lambda a: 1.0)(Y3)
    assert out.shape == (3,) and out.dtype == np.float32
    np.testing.assert_array_equal(_np(out), np.ones(3))


def test_axis_size_with_no_mapped_input():
    out = jax.vmap(lax.sin, in_axes=None, axis_size=4)(Y3)
    assert out.shape == (4, 3)
    np.testing.assert_allclose(_np(out), np.broadcast_to(np.sin(Y3), (4, 3)), rtol=1e-6)
    out = jax.vmap(lambda: 1.0, axis_size=3)()
    assert out.shape == (3,)


def test_no_mapped_input_and_no_axis_size_is_an_error():
    with pytest.raises(ValueError, match="at least one non-None value in in_axes"):
        jax.vmap(lambda a: a, in_axes=None)(Y3)


def test_weak_types_are_kept():
    assert jax.vmap(lambda a: lax.mul(a, 2.0))(Y3).weak_type is False
    out = jax.vmap(lambda a, s: lax.mul(a, s), in_axes=(0, None))(Y3, 2.0)
    assert not out.weak_type
    out = jax.vmap(lambda s: lax.mul(s, 2.0), in_axes=None, axis_size=2)(1.0)
    assert out.weak_type and out.shape == (2,)


def test_integer_inputs():
    n = np.arange(6, dtype=np.int32).reshape(3, 2)
    out = jax.vmap(lambda r: lax.reduce_sum(r, (0,)))(n)
    np.testing.assert_array_equal(_np(out), n.sum(1))
    assert out.dtype == np.int32


# ----------------------------------------------------------------------------------------------
# Errors


def test_inconsistent_sizes_error_names_the_arguments():
    def f(x, y):
        return lax.mul(x, y)

    with pytest.raises(ValueError) as e:
        jax.vmap(f)(X23, Y3)
    msg = str(e.value)
    assert msg.startswith("vmap got inconsistent sizes for array axes to be mapped:")
    assert "one axis had size 2: axis 0 of argument x" in msg
    assert "one axis had size 3: axis 0 of argument y" in msg


def test_inconsistent_sizes_message_matches_jax():
    def f(x, y):
        return lax.mul(x, y)

    with pytest.raises(ValueError) as e:
        jax.vmap(f)(X23, Y3)
    assert str(e.value) == (
        "vmap got inconsistent sizes for array axes to be mapped:\n"
        "  * one axis had size 2: axis 0 of argument x of type float32[2,3];\n"
        "  * one axis had size 3: axis 0 of argument y of type float32[3]"
    )


def test_axis_size_disagreeing_with_inputs_is_an_error():
    with pytest.raises(ValueError, match="inconsistent sizes"):
        jax.vmap(lax.sin, axis_size=3)(X23)


def test_in_axes_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="rank should be at least"):
        jax.vmap(lax.sin, in_axes=2)(X23)


def test_in_axes_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="in_axes"):
        jax.vmap(lax.mul, in_axes=(0,))(X23, X23)


def test_in_axes_non_integer_leaf_is_an_error():
    with pytest.raises(TypeError):
        jax.vmap(lax.sin, in_axes=0.0)(X23)


def test_scalar_cannot_be_mapped():
    with pytest.raises(ValueError):
        jax.vmap(lax.sin)(1.0)


def test_python_control_flow_on_batched_value_is_an_error():
    def f(a):
        return a if a else lax.neg(a)

    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.vmap(f)(Y3)


# ----------------------------------------------------------------------------------------------
# Nesting and composition


def test_nested_vmap():
    out = jax.vmap(jax.vmap(lax.sin))(X23)
    np.testing.assert_allclose(_np(out), np.sin(X23), rtol=1e-6)
    # Outer product: the inner vmap maps y while x is fixed, the outer maps x.
    outer = jax.vmap(lambda a: jax.vmap(lambda b: lax.mul(a, b))(Y3))(Y3)
    np.testing.assert_allclose(_np(outer), np.outer(Y3, Y3))


def test_nested_vmap_with_different_axes():
    f = jax.vmap(jax.vmap(lambda a, b: lax.sub(a, b), in_axes=(0, None)), in_axes=(None, 0))
    out = f(Y3, Y3[:2])
    np.testing.assert_allclose(_np(out), Y3[None, :] - Y3[:2, None])


def test_vmap_of_grad():
    out = jax.vmap(jax.grad(lambda a: lax.mul(lax.sin(a), a)))(Y3)
    np.testing.assert_allclose(_np(out), np.cos(Y3) * Y3 + np.sin(Y3), rtol=1e-6)


def test_grad_of_vmap():
    g = jax.grad(lambda a: _sum_all(jax.vmap(lambda r: lax.mul(r, r))(a)))(X23)
    np.testing.assert_allclose(_np(g), 2 * X23, rtol=1e-6)


def test_vmap_of_grad_with_unmapped_closure():
    def per_example_loss_grad(w, x):
        return jax.grad(lambda w: _sum_all(lax.mul(lax.mul(w, x), lax.mul(w, x))))(w)

    g = jax.vmap(per_example_loss_grad, in_axes=(None, 0))(Y3, X23)
    np.testing.assert_allclose(_np(g), 2 * Y3 * X23 * X23, rtol=1e-6)


def test_jacobian_by_vmap_of_vjp():
    _, pullback = jax.vjp(lax.sin, Y3)
    (jac,) = jax.vmap(pullback)(np.eye(3, dtype=np.float32))
    np.testing.assert_allclose(_np(jac), np.diag(np.cos(Y3)), rtol=1e-6)


def test_vmap_of_jit_and_jit_of_vmap():
    f = lambda a: lax.mul(lax.sin(a), a)
    want = np.sin(X23) * X23
    np.testing.assert_allclose(_np(jax.vmap(jax.jit(f))(X23)), want, rtol=1e-6)
    np.testing.assert_allclose(_np(jax.jit(jax.vmap(f))(X23)), want, rtol=1e-6)
    np.testing.assert_allclose(_np(jax.vmap(jax.jit(f), in_axes=1)(X23)), want.T, rtol=1e-6)


# ----------------------------------------------------------------------------------------------
# Against a Python loop


def test_check_batching_elementwise_and_shape_ops():
    def f(a, b):
        y = lax.transpose(lax.reshape(a, (3, 2)), (1, 0))
        return lax.add(lax.exp(y), lax.broadcast_in_dim(b, (2, 3), (1,)))

    a = np.arange(24, dtype=np.float32).reshape(4, 2, 3) / 10
    b = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    check_batching(f, (a, b), in_axes=(0, 1))


def test_check_batching_reductions_and_dot():
    def f(a, w):
        return lax.reduce_sum(lax.dot_general(a, w, (((1,), (0,)), ((), ()))), (0,))

    rng = np.random.RandomState(0)
    a = rng.randn(5, 2, 3).astype(np.float32)
    w = rng.randn(3, 4).astype(np.float32)
    check_batching(f, (a, w), in_axes=(0, None), rtol=1e-6)


def test_check_batching_pytree_in_axes():
    def f(d, s):
        return {"x": lax.mul(d["a"], s), "y": lax.sin(d["b"])}

    d = {"a": np.ones((2, 3), np.float32), "b": np.arange(6, dtype=np.float32).reshape(3, 2)}
    check_batching(f, (d, 2.0), in_axes=({"a": 1, "b": 0}, None))


def test_check_batching_detects_a_wrong_batching_rule():
    from jaxlite._src.rules import standard_primitive

    # A primitive whose batch rule ignores where the batch axis is: it reverses the batch order.
    rev_p = standard_primitive(
        "test_rev_rows", lambda x: x[::-1], lambda x: x.shape, lambda x: x.dtype, lambda w: w
    )
    rev_p.batch = lambda axis_size, vals, dims: (rev_p.bind(vals[0]), dims[0])
    with pytest.raises(AssertionError, match="check_batching"):
        check_batching(lambda a: rev_p.bind(a), (X23,), in_axes=0)


# ----------------------------------------------------------------------------------------------
# User-level programs through jaxlite.numpy


@pytest.fixture
def jnp():
    return pytest.importorskip("jaxlite.numpy")


def test_vmap_of_dot(jnp):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(_np(jax.vmap(jnp.dot)(a, a)), (a * a).sum(1))
    # Matrix-vector products, one vector per row of b.
    m = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(_np(jax.vmap(lambda v: m @ v)(b)), b @ m.T)


def test_check_batching_jnp_programs(jnp):
    def softmax(z):
        e = jnp.exp(z - jnp.max(z, axis=-1, keepdims=True))
        return e / jnp.sum(e, axis=-1, keepdims=True)

    rng = np.random.RandomState(0)
    z = rng.randn(3, 4).astype(np.float32)
    check_batching(softmax, (z,), rtol=1e-6)
    check_batching(softmax, (z,), in_axes=1, rtol=1e-6)
    check_batching(
        lambda a, v: jnp.dot(a, v) + 1.0,
        (z, rng.randn(4).astype(np.float32)),
        in_axes=(0, None),
        rtol=1e-6,
    )


def test_per_example_gradients(jnp):
    def loss(w, x, y):
        return (jnp.dot(x, w) - y) ** 2

    rng = np.random.RandomState(0)
    w = rng.randn(3).astype(np.float32)
    xs = rng.randn(5, 3).astype(np.float32)
    ys = rng.randn(5).astype(np.float32)
    g = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, xs, ys)
    want = 2 * (xs @ w - ys)[:, None] * xs
    np.testing.assert_allclose(_np(g), want, rtol=1e-5)
