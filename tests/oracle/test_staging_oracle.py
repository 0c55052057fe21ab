"""Printed jaxprs of jnp staging (rank promotion, Python scalar literals, `.at[]` updates)
compared with JAX's, with 64-bit types on as well as off.

test_oracle.py compares the text of every `jaxpr_text` program without x64; the programs of
programs_staging.py are compared here with x64 on too (Python floats are then float64, and a
strong float32 operand still rounds its literal). KNOWN lists programs whose printed jaxprs
still differ from JAX's for reasons outside jnp (strict: fixing one must remove its entry).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from . import programs_staging
from ._registry import PROGRAMS, randf
from .test_oracle import _convert_args, _jaxlite, _x64, jax, jax_numpy

_STAGING = sorted(
    name
    for name, prog in PROGRAMS.items()
    if prog.jaxpr_text and prog.build.__module__ == programs_staging.__name__
)


def _texts(build, x64: bool, raw_args: bool = False) -> tuple[str, str]:
    with _x64(x64):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn, args = build(jax, jax_numpy)
            if not raw_args:
                args = [jax_numpy.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
            ref = str(jax.make_jaxpr(fn)(*args))
        lib, lnp = _jaxlite()
        fn, args = build(lib, lnp)
        if not raw_args:
            args = [lnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
        got = str(lib.make_jaxpr(fn)(*args))
    return got, ref


# With x64, JAX still indexes with int32 arrays when the operand's dimensions fit (a static
# index `1` stages `broadcast_in_dim 1:i32[]`); jaxlite's index arrays take the default int
# type (int64). Values are unaffected.
KNOWN_X64 = {
    "at_int_add_float_staged": "static index arrays are int64 with x64 (JAX: int32)",
    "at_int_mul_float_staged": "static index arrays are int64 with x64 (JAX: int32)",
}


def _text_params():
    out = []
    for name in _STAGING:
        out.append(pytest.param(name, False, id=f"{name}-x32"))
        marks = []
        if name in KNOWN_X64:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_X64[name])]
        out.append(pytest.param(name, True, id=f"{name}-x64", marks=marks))
    return out


@pytest.mark.parametrize(("name", "x64"), _text_params())
def test_staged_text(name, x64):
    prog = PROGRAMS[name]
    with _x64(x64):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn, args = prog.build(jax, jax_numpy)
            ref = str(jax.make_jaxpr(fn)(*_convert_args(prog, args, jax_numpy)))
        lib, lnp = _jaxlite()
        fn, args = prog.build(lib, lnp)
        got = str(lib.make_jaxpr(fn)(*_convert_args(prog, args, lnp)))
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"


def test_staging_corpus_size():
    assert len(_STAGING) >= 15


# ----------------------------------------------------------------------------------------------
# Known differences outside jnp: builders `(jax, jnp) -> (fn, args)` and why they differ.

KNOWN = {
    "jnp_jit_wrappers": (
        lambda jax, jnp: (lambda x: jnp.where(x > 0, x, 0.1), (randf(3),)),
        "JAX stages jnp.where, clip, floor_divide, remainder, hypot, ... as jit calls (and "
        "logaddexp as a custom_jvp_call); jaxlite inlines their bodies",
    ),
    "asarray_python_scalar": (
        lambda jax, jnp: (lambda x: (jnp.asarray(0.1) * x, jnp.positive(0.1) * x), (2.0,)),
        "JAX's jnp.asarray/positive of a Python scalar give a staged literal that keeps the "
        "Python value; jaxlite's give a float32 constant",
    ),
}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN[n][1])) for n in KNOWN],
)
def test_known_staging_differences(name):
    got, ref = _texts(KNOWN[name][0], x64=False)
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"


@pytest.mark.parametrize("x64", [False, True])
def test_transposed_python_scalar_literals_print_as_staged(x64):
    # The backward pass rebinds a literal staged from a Python scalar as that scalar, so the
    # transposed `mul ct 0.1` prints 0.1 (not the float32 value's digits), as in JAX.
    def build(jax, jnp):
        return jax.grad(lambda x: x * 0.1 + 1 / 3 - x / 3.7), (2.0,)

    got, ref = _texts(build, x64=x64)
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"


_VMAP_BROADCASTS = {
    # An unbatched operand gets a size-1 batch axis (the primitive broadcasts it), a batched
    # one its batch axis first; one batch axis everywhere binds as it is.
    "rank_promoted": lambda jax, jnp: (
        jax.vmap(lambda x, y: x + y, in_axes=(0, None)),
        (randf(5, 2, 1), randf(3, seed=1)),
    ),
    "same_rank": lambda jax, jnp: (
        jax.vmap(lambda x, y: x * y, in_axes=(0, None)),
        (randf(5, 3), randf(3, seed=1)),
    ),
    "moved_axis": lambda jax, jnp: (
        jax.vmap(lambda x, y: x * y, in_axes=(1, None)),
        (randf(3, 5), randf(3, seed=1)),
    ),
    "unbatched_first": lambda jax, jnp: (
        jax.vmap(lambda x, y: jnp.sin(x) * y, in_axes=(None, 0)),
        (randf(3), randf(4, 1, seed=1)),
    ),
    "agreeing_axes_with_scalar": lambda jax, jnp: (
        jax.vmap(lambda x, y: x * y + 2.0, in_axes=(1, 1)),
        (randf(3, 4), randf(3, 4, seed=1)),
    ),
    "batched_scalar_per_example": lambda jax, jnp: (
        jax.vmap(lambda s, y: jax.lax.mul(jnp.broadcast_to(s, (3,)), y), in_axes=(0, None)),
        (randf(4), randf(3, seed=1)),
    ),
}


@pytest.mark.parametrize("name", sorted(_VMAP_BROADCASTS))
def test_vmap_elementwise_broadcasts_print_as_jax(name):
    got, ref = _texts(_VMAP_BROADCASTS[name], x64=False)
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"


_GRAD_BROADCASTS = {
    # A tangent meeting an operand of larger shape is broadcast by reshape + broadcast_in_dim,
    # and broadcast_in_dim transposes by summing, then restoring the operand's size-1 axes.
    "zero_tangent_size1": lambda jax, jnp: (
        lambda x, y: jax.grad(lambda y: (jnp.sin(x - y) * 2.0).sum())(y),
        (randf(2, 1, 3), randf(3, seed=1)),
    ),
    "both_tangents": lambda jax, jnp: (
        jax.grad(lambda x, y: jnp.sum(jnp.tanh(x + y) * y), argnums=(0, 1)),
        (randf(4, 1, 3), randf(1, 5, 1, seed=1)),
    ),
    "bias_add": lambda jax, jnp: (
        jax.grad(lambda w, b, x: jnp.mean((x @ w + b) ** 2), argnums=(0, 1)),
        (randf(3, 2), randf(2, seed=1), randf(4, 3, seed=2)),
    ),
    "scalar_operand": lambda jax, jnp: (
        jax.grad(lambda s, x: jnp.sum(jax.lax.sub(x, s) * x)),
        (randf(), randf(3, seed=1)),
    ),
    "explicit_broadcast": lambda jax, jnp: (
        jax.grad(lambda x: jnp.sum(jnp.broadcast_to(x, (2, 4, 3)) ** 2)),
        (randf(4, 1),),
    ),
}


@pytest.mark.parametrize("name", sorted(_GRAD_BROADCASTS))
def test_grad_broadcasts_print_as_jax(name):
    got, ref = _texts(_GRAD_BROADCASTS[name], x64=False)
    assert got == ref, f"\njaxlite:\n{got}\njax:\n{ref}"
