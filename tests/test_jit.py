"""jit: tracing once per signature, static arguments, composition, concretization errors and
the generated code."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite.test_util import check_jit

X3 = np.array([0.5, 1.0, 2.0], np.float32)
X23 = np.arange(6, dtype=np.float32).reshape(2, 3)


def _np(x):
    return np.asarray(x)


class Counted:
    """Wraps a function, counting Python-level calls (= traces under jit)."""

    def __init__(self, fun):
        self.fun = fun
        self.calls = 0
        functools.update_wrapper(self, fun)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fun(*args, **kwargs)


# ----------------------------------------------------------------------------------------------
# Values


def test_values_dtypes_and_weak_types_match_eager():
    check_jit(lambda a, b: lax.add(lax.sin(a), lax.mul(b, 2.0)), (X3, X3))
    check_jit(lambda a: lax.mul(a, 2.0), (1.0,))
    check_jit(lambda a: lax.mul(a, 2), (3,))
    check_jit(lambda a: lax.reduce_sum(lax.exp(a), (0,)), (X23,))
    check_jit(lambda a: lax.convert_element_type(a, np.int32), (X3,))
    check_jit(lambda a: (a, 2.0, {"s": lax.cos(a)}), (X3,))


def test_weak_type_outputs():
    assert jax.jit(lambda a: lax.mul(a, 2.0))(1.0).weak_type
    assert not jax.jit(lambda a: lax.mul(a, 2.0))(np.float32(1.0)).weak_type
    assert jax.jit(lambda a: a)(1.0).weak_type
    out = jax.jit(lambda a: lax.mul(a, 2))(3)
    assert out.dtype == np.int32 and out.weak_type


def test_outputs_are_arrays():
    out = jax.jit(lambda a: a)(X3)
    assert isinstance(out, jax.Array)
    np.testing.assert_array_equal(_np(out), X3)
    out = jax.jit(lambda a: np.ones(2, np.float32))(X3)
    assert isinstance(out, jax.Array) and out.shape == (2,)


def test_pytrees_kwargs_and_none():
    out = jax.jit(lambda d: {"s": lax.add(d["a"], d["b"])})({"a": X3, "b": X3})
    np.testing.assert_allclose(_np(out["s"]), 2 * X3)
    out = jax.jit(lambda a, b: lax.mul(a, b))(X3, b=X3)
    np.testing.assert_allclose(_np(out), X3 * X3)
    assert jax.jit(lambda a: None)(X3) is None
    assert float(jax.jit(lambda a, b: a)(1.0, None)) == 1.0


def test_closure_over_numpy_constant():
    c = np.array([1.0, -1.0, 2.0], np.float32)
    np.testing.assert_allclose(_np(jax.jit(lambda a: lax.mul(a, c))(X3)), X3 * c)


def test_non_array_argument_is_a_type_error():
    with pytest.raises(TypeError):
        jax.jit(lambda a, b: a)(1.0, "x")


# ----------------------------------------------------------------------------------------------
# Caching: one trace per signature


def test_traces_once_per_signature():
    f = Counted(lambda a: lax.sin(a))
    jf = jax.jit(f)
    jf(X3)
    jf(X3 + 1)
    jf(np.zeros(3, np.float32))
    assert f.calls == 1 and jf._cache_size() == 1


def test_retraces_on_shape_change():
    f = Counted(lambda a: lax.sin(a))
    jf = jax.jit(f)
    jf(X3)
    jf(X23)
    jf(X23 + 1)
    assert f.calls == 2 and jf._cache_size() == 2


def test_retraces_on_dtype_change():
    f = Counted(lambda a: lax.add(a, a))
    jf = jax.jit(f)
    jf(np.arange(3, dtype=np.int32))
    out = jf(X3)
    assert f.calls == 2
    assert out.dtype == np.float32


def test_retraces_on_weak_type_change():
    f = Counted(lambda a: lax.mul(a, 2.0))
    jf = jax.jit(f)
    weak = jf(1.0)
    strong = jf(np.float32(1.0))
    jf(2.0)
    jf(np.float32(2.0))
    assert f.calls == 2 and jf._cache_size() == 2
    assert weak.weak_type and not strong.weak_type


def test_python_scalars_of_the_same_type_share_a_trace():
    f = Counted(lambda a: lax.mul(a, 2.0))
    jf = jax.jit(f)
    assert float(jf(1.0)) == 2.0
    assert float(jf(3.0)) == 6.0
    assert f.calls == 1


def test_retraces_when_x64_changes():
    f = Counted(lambda a: a)
    jf = jax.jit(f)
    assert jf(1.0).dtype == np.float32
    with jax.enable_x64(True):
        assert jf(1.0).dtype == np.float64
    assert f.calls == 2


def test_retraces_on_pytree_structure_change():
    f = Counted(lambda t: t[0])
    jf = jax.jit(f)
    jf((X3, X3))
    jf([X3, X3])
    jf((X3, X3, X3))
    assert f.calls == 3


def test_clear_cache():
    f = Counted(lax.sin)
    jf = jax.jit(f)
    jf(X3)
    jf.clear_cache()
    assert jf._cache_size() == 0
    jf(X3)
    assert f.calls == 2


# ----------------------------------------------------------------------------------------------
# Static arguments


def _repeat_sin(a, n):
    for _ in range(n):
        a = lax.sin(a)
    return a


def test_static_argnums():
    f = Counted(_repeat_sin)
    jf = jax.jit(f, static_argnums=1)
    want = np.sin(np.sin(X3))
    np.testing.assert_allclose(_np(jf(X3, 2)), want, rtol=1e-6)
    jf(X3, 2)
    assert f.calls == 1
    jf(X3, 3)
    assert f.calls == 2
    assert jf._cache_size() == 2
    np.testing.assert_allclose(_np(jf(X3, 3)), np.sin(want), rtol=1e-6)


def test_static_argnums_negative():
    out = jax.jit(_repeat_sin, static_argnums=-1)(X3, 1)
    np.testing.assert_allclose(_np(out), np.sin(X3), rtol=1e-6)


def test_static_argnames_by_position():
    jf = jax.jit(_repeat_sin, static_argnames="n")
    np.testing.assert_allclose(_np(jf(X3, 1)), np.sin(X3), rtol=1e-6)


def test_static_argnames_by_keyword():
    f = Counted(_repeat_sin)
    jf = jax.jit(f, static_argnames="n")
    np.testing.assert_allclose(_np(jf(X3, n=1)), np.sin(X3), rtol=1e-6)
    jf(X3, n=1)
    jf(X3, n=2)
    assert f.calls == 2


def test_static_string_argument():
    def f(a, mode):
        return lax.sin(a) if mode == "sin" else lax.cos(a)

    jf = jax.jit(f, static_argnums=1)
    np.testing.assert_allclose(_np(jf(X3, "sin")), np.sin(X3), rtol=1e-6)
    np.testing.assert_allclose(_np(jf(X3, "cos")), np.cos(X3), rtol=1e-6)


def test_non_hashable_static_argument_is_an_error():
    jf = jax.jit(_repeat_sin, static_argnums=1)
    with pytest.raises(ValueError, match="Non-hashable static arguments are not supported"):
        jf(X3, [1])


def test_static_argnums_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="static_argnums"):
        jax.jit(lambda a, b: a, static_argnums=2)(1.0, 2.0)


def test_decorator_forms():
    @jax.jit
    def f(a):
        return lax.mul(a, 3.0)

    @functools.partial(jax.jit, static_argnums=(1,))
    def g(a, n):
        return lax.mul(a, float(n))

    assert float(f(2.0)) == 6.0
    assert float(g(2.0, 4)) == 8.0


# ----------------------------------------------------------------------------------------------
# Composition


def test_jit_of_grad_and_grad_of_jit():
    f = lambda a: lax.mul(lax.sin(a), a)
    want = np.cos(1.0) + np.sin(1.0)
    assert float(jax.jit(jax.grad(f))(1.0)) == pytest.approx(want, rel=1e-6)
    assert float(jax.grad(jax.jit(f))(1.0)) == pytest.approx(want, rel=1e-6)


def test_grad_of_jit_traces_once():
    f = Counted(lambda a: lax.mul(lax.sin(a), a))
    jf = jax.jit(f)
    g = jax.grad(jf)
    g(1.0)
    g(2.0)
    assert f.calls == 1


def test_eager_call_reuses_the_trace_made_under_grad():
    f = Counted(lambda a: lax.mul(lax.sin(a), a))
    jf = jax.jit(f)
    jax.grad(jf)(1.0)
    jf(1.0)
    assert f.calls == 1


def test_vmap_of_jit():
    out = jax.vmap(jax.jit(lambda a: lax.reduce_sum(a, (0,))))(X23)
    np.testing.assert_allclose(_np(out), X23.sum(1))


def test_jit_inside_jit():
    inner = Counted(lambda a: lax.sin(a))
    jinner = jax.jit(inner)
    outer = jax.jit(lambda a: lax.mul(jinner(lax.cos(a)), 2.0))
    np.testing.assert_allclose(_np(outer(X3)), 2 * np.sin(np.cos(X3)), rtol=1e-6)
    outer(X3)
    assert inner.calls == 1
    closed = jax.make_jaxpr(outer)(X3)
    (call,) = closed.eqns
    assert call.primitive.name == "jit"
    assert [e.primitive.name for e in call.params["jaxpr"].eqns] == ["cos", "jit", "mul"]


def test_closure_over_tracer_from_outer_grad():
    # The inner jit closes over `a`, a tracer of the outer grad.
    g = jax.grad(lambda a: jax.jit(lambda b: lax.mul(a, b))(2.0))(3.0)
    assert float(g) == 2.0
    g = jax.grad(lambda a: jax.jit(lambda b: lax.mul(lax.sin(a), b))(a))(1.0)
    assert float(g) == pytest.approx(np.cos(1.0) + np.sin(1.0), rel=1e-6)


def test_closure_over_tracer_from_outer_vmap():
    out = jax.vmap(lambda a: jax.jit(lambda b: lax.mul(a, b))(X3))(X3)
    np.testing.assert_allclose(_np(out), np.outer(X3, X3))


def test_closure_over_tracer_from_outer_jit():
    out = jax.jit(lambda a: jax.jit(lambda b: lax.add(a, b))(1.0))(X3)
    np.testing.assert_allclose(_np(out), X3 + 1)


# ----------------------------------------------------------------------------------------------
# Concretization errors


def test_python_if_on_traced_value():
    def f(a):
        if lax.gt(a, 0.0):
            return a
        return lax.neg(a)

    with pytest.raises(jax.errors.TracerBoolConversionError) as e:
        jax.jit(f)(1.0)
    assert isinstance(e.value, TypeError)
    assert isinstance(e.value, jax.errors.ConcretizationTypeError)
    assert "bool[]" in str(e.value)
    # Without jit the same function runs eagerly.
    assert float(f(1.0)) == 1.0


def test_float_and_int_of_traced_value():
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.jit(lambda a: float(a))(1.0)
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.jit(lambda a: int(a))(1)
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.jit(lambda a: a.item())(1.0)


def test_traced_value_as_index():
    with pytest.raises(jax.errors.TracerIntegerConversionError):
        jax.jit(lambda i: [1, 2, 3][i])(1)


def test_numpy_conversion_of_traced_value():
    with pytest.raises(jax.errors.TracerArrayConversionError):
        jax.jit(lambda a: np.asarray(a))(X3)


def test_concretization_error_names_the_function():
    def my_branchy_function(a):
        return a if a else a

    with pytest.raises(TypeError, match="my_branchy_function"):
        jax.jit(my_branchy_function)(1.0)


def test_static_argument_avoids_concretization_error():
    def f(a, flag):
        return lax.sin(a) if flag else lax.cos(a)

    assert float(jax.jit(f, static_argnums=1)(0.0, True)) == 0.0


def test_leaked_tracer_is_an_error():
    leaked = []

    def f(a):
        leaked.append(a)
        return lax.sin(a)

    jax.jit(f)(1.0)
    with pytest.raises(jax.errors.UnexpectedTracerError):
        lax.cos(leaked[0])


# ----------------------------------------------------------------------------------------------
# Generated code


def test_source_shows_generated_code():
    jf = jax.jit(lambda a, b: lax.add(lax.sin(a), lax.mul(b, 2.0)))
    src = jf.source(X3, 1.0)
    assert isinstance(src, str)
    assert src.startswith("def ")
    assert "return" in src
    compile(src, "<test>", "exec")
    # Straight-line code: one assignment per equation of the optimised jaxpr.
    body = [ln for ln in src.splitlines() if " = " in ln]
    assert len(body) == len(jax.make_jaxpr(jf.__wrapped__)(X3, 1.0).eqns) == 3


def test_source_uses_the_cache():
    f = Counted(lax.sin)
    jf = jax.jit(f)
    jf(X3)
    jf.source(X3)
    assert f.calls == 1


@pytest.mark.parametrize(
    "fun, args",
    [
        (lambda a: lax.exp(lax.neg(lax.mul(a, a))), (X23,)),
        (lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))), (X23, X23.T.copy())),
        (lambda a: lax.transpose(lax.reshape(a, (3, 2)), (1, 0)), (X23,)),
        (lambda a: lax.broadcast_in_dim(a, (2, 3), (1,)), (X3,)),
        (lambda n: lax.mul(lax.add(n, 1), 3), (np.arange(4, dtype=np.int32),)),
    ],
)
def test_check_jit_programs(fun, args):
    check_jit(fun, args)


# ----------------------------------------------------------------------------------------------
# User-level programs through jaxlite.numpy


@pytest.fixture
def jnp():
    return pytest.importorskip("jaxlite.numpy")


def test_python_if_on_comparison_under_jit(jnp):
    def f(x):
        if x > 0:
            return x
        return -x

    assert float(f(jnp.float32(-2.0))) == 2.0  # eager: concrete values
    with pytest.raises(jax.errors.TracerBoolConversionError) as e:
        jax.jit(f)(1.0)
    assert isinstance(e.value, TypeError)
    with pytest.raises(jax.errors.ConcretizationTypeError):
        jax.jit(lambda x: float(x) + 1.0)(jnp.ones(()))


def test_jnp_programs_match_eager(jnp):
    def softmax(z):
        e = jnp.exp(z - jnp.max(z, axis=-1, keepdims=True))
        return e / jnp.sum(e, axis=-1, keepdims=True)

    # A jaxlite array, so that eager operators are jaxlite's rather than NumPy's.
    z = jnp.asarray(np.random.RandomState(0).randn(3, 4).astype(np.float32))
    check_jit(softmax, (z,))
    check_jit(lambda a, b: a @ b + 1, (z, z.T))
    check_jit(lambda x, n: x * n, (z, 2))
    check_jit(lambda x: (x > 0).astype(jnp.int32).sum(), (z,))


def test_jit_traces_once_for_jnp_program(jnp):
    f = Counted(lambda x: jnp.sum(jnp.tanh(x) ** 2))
    jf = jax.jit(f)
    for k in range(3):
        jf(jnp.arange(4.0) + k)
    assert f.calls == 1


def test_python_bool_argument_is_not_weak():
    # JAX: Python int/float/complex arguments are weakly typed, bool is not.
    assert not jax.jit(lambda a: a)(True).weak_type
    assert jax.jit(lambda a: a)(1).weak_type and jax.jit(lambda a: a)(1.0).weak_type
