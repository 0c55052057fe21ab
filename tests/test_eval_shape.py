"""eval_shape: output shapes, dtypes and weak types without computing anything."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
from jaxlite import lax
from jaxlite._src.core import Tracer

SDS = jax.ShapeDtypeStruct
X = np.ones((2, 3), np.float32)


def test_array_argument():
    assert jax.eval_shape(lax.sin, X) == SDS((2, 3), np.float32)


def test_shape_dtype_struct_argument():
    out = jax.eval_shape(lambda a: lax.reduce_sum(a, (1,)), SDS((4, 5), np.float32))
    assert out == SDS((4,), np.float32)
    assert out.shape == (4,) and out.dtype == np.float32 and out.ndim == 1 and out.size == 4


def test_weak_types_are_reported():
    out = jax.eval_shape(lambda a: lax.mul(a, 2.0), 1.0)
    assert out == SDS((), np.float32, weak_type=True)
    assert repr(out) == "ShapeDtypeStruct(shape=(), dtype=float32, weak_type=True)"
    assert jax.eval_shape(lambda a: lax.mul(a, 2), 3) == SDS((), np.int32, weak_type=True)
    # A strongly typed argument gives a strongly typed result.
    assert not jax.eval_shape(lambda a: lax.mul(a, 2.0), np.float32(1)).weak_type


def test_repr_matches_jax():
    assert repr(jax.eval_shape(lax.sin, X)) == "ShapeDtypeStruct(shape=(2, 3), dtype=float32)"


def test_pytrees_in_and_out():
    def f(d):
        return {"s": lax.sin(d["a"]), "n": lax.convert_element_type(d["a"], np.int32)}

    out = jax.eval_shape(f, {"a": X})
    assert out == {"n": SDS((2, 3), np.int32), "s": SDS((2, 3), np.float32)}


def test_keyword_arguments():
    assert jax.eval_shape(lambda a, b: lax.add(a, b), X, b=X) == SDS((2, 3), np.float32)


def test_boolean_output():
    assert jax.eval_shape(lambda a: lax.gt(a, 0.0), X) == SDS((2, 3), np.bool_)


def test_float64_input_is_canonicalised_without_x64():
    assert jax.eval_shape(lambda a: a, np.ones(2, np.float64)) == SDS((2,), np.float32)


def test_float64_kept_with_x64():
    with jax.enable_x64(True):
        assert jax.eval_shape(lambda a: a, np.ones(2, np.float64)) == SDS((2,), np.float64)


def test_constant_and_none_outputs():
    assert jax.eval_shape(lambda a: 2.0, X) == SDS((), np.float32, weak_type=True)
    assert jax.eval_shape(lambda a: None, X) is None


def test_does_not_compute():
    calls = []

    def f(a):
        calls.append(a)
        return lax.exp(a)

    # 10^10 elements: anything but abstract evaluation would run out of memory.
    out = jax.eval_shape(f, SDS((100_000, 100_000), np.float32))
    assert out == SDS((100_000, 100_000), np.float32)
    assert len(calls) == 1 and isinstance(calls[0], Tracer)


def test_of_transformations():
    f = jax.grad(lambda a: lax.reduce_sum(lax.sin(a), (0, 1)))
    assert jax.eval_shape(f, X) == SDS((2, 3), np.float32)
    assert jax.eval_shape(jax.vmap(lax.sin), SDS((7, 2), np.float32)) == SDS((7, 2), np.float32)
    assert jax.jit(lax.sin).eval_shape(X) == SDS((2, 3), np.float32)


def test_shape_errors_surface():
    with pytest.raises(TypeError, match="add"):
        jax.eval_shape(lambda a, b: lax.add(a, b), X, np.ones(3, np.float32))


def test_non_array_argument_is_rejected():
    with pytest.raises(TypeError):
        jax.eval_shape(lambda a: a, "x")


def test_python_bool_is_not_weak():
    assert jax.eval_shape(lambda a: a, True) == SDS((), np.bool_)
    assert not jax.jit(lambda a: a)(True).weak_type
