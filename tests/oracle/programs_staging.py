"""Oracle programs: what jnp stages (rank promotion, Python scalar literals) and `.at[]`
updates that mix dtypes.

- Rank promotion: jnp gives lower-rank operands leading size-1 axes (`broadcast_in_dim`
  f32[3] -> f32[1,3]) and lets the lax operation broadcast size-1 dimensions; grad programs
  check the matching transposes (`reduce_sum` + `reshape`).
- Literals: a Python scalar that promotion leaves as it is (a weak result of its own default
  dtype) reaches lax as the scalar itself, so the jaxpr prints its full value
  (`0.3333333333333333:f32[]`); one converted to a strong dtype prints its rounded value.
- `.at[]`: operand and values are combined in the promoted type and the result is cast back.

Every program here is `jaxpr_text` (compared without x64 by test_oracle.py, and with x64 by
test_staging_oracle.py) unless it is about values only.
"""

from __future__ import annotations

import numpy as np

from ._registry import ignoring, program, randf, randi

# ----------------------------------------------------------------------------------------------
# Rank promotion


@program(jaxpr_text=True, x64=True)
def prog_stage_size1_dims(jax, jnp):
    return lambda x, y: x * y, (randf(3, 1), randf(1, 4, seed=1))


@program(jaxpr_text=True, x64=True)
def prog_stage_rank3(jax, jnp):
    return lambda x, y: (x - y, y / x), (randf(2, 1, 3), randf(3, seed=1))


@program(jaxpr_text=True, x64=True)
def prog_stage_rank_promote_ops(jax, jnp):
    fs = lambda x, y: (
        x < y,
        jnp.maximum(x, y),
        jnp.minimum(y, x),
        jnp.arctan2(x, y),
        jnp.power(x, y),
        x == y,
        jnp.float_power(x, y),
        jnp.nextafter(x, y),
    )
    return fs, (randf(3, lo=0.5), randf(2, 3, seed=1, lo=0.5))


@program(jaxpr_text=True, x64=True)
def prog_stage_rank_promote_ints(jax, jnp):
    fs = lambda i, j, b, c: (
        i + j,
        i / j,
        jnp.bitwise_xor(i, j),
        jnp.left_shift(i, j),
        b & c,
        jnp.logical_or(b, c),
    )
    args = (
        randi(3, lo=1, hi=4),
        randi(2, 3, seed=1, lo=1, hi=4).astype(np.int8),
        np.array([True, False, True]),
        np.array([[True, True, False], [False, False, True]]),
    )
    return fs, args


@program(jaxpr_text=True, x64=True)
def prog_stage_rank_promote_mixed(jax, jnp):
    fs = lambda i, x, s: ((i * x) + s, (x - s) * 0.5)
    return fs, (randi(3), randf(2, 1, seed=1), randf())


@program(jaxpr_text=True)
def prog_stage_grad_rank_promote(jax, jnp):
    def fs(x, y):
        gx = jax.grad(lambda x: (x + y).sum())(x)
        gxy = jax.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x[:, None], y[:1, :])
        return gx, gxy

    return fs, (randf(3), randf(2, 3, seed=1))


@program(jaxpr_text=True)
def prog_stage_jvp_rank_promote(jax, jnp):
    return lambda x, y: jax.jvp(lambda x: x * y, (x,), (x,)), (randf(3), randf(2, 3, seed=1))


# ----------------------------------------------------------------------------------------------
# Python scalar literals


# The weak arguments are Python scalars; `jnp.asarray` (no equation) makes the eager value
# run use jnp too.


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_weak(jax, jnp):
    fs = lambda w: (
        (x := jnp.asarray(w)) is None
        or (
            x / 3.0 + 1 / 3,
            0.1 - x,
            0.1**x,
            x**0.1,
            jnp.maximum(x, 0.1),
            jnp.add(x, 1 / 3),
            jnp.multiply(1 / 3, x),
            jnp.arctan2(x, 0.7),
        )
    )
    return fs, (2.0,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_weak_compare(jax, jnp):
    return lambda w: (x := jnp.asarray(w)) is None or (x > 0.1, x <= 1 / 3, x == 0.7), (2.0,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_weak_special(jax, jnp):
    fs = lambda w: (
        (x := jnp.asarray(w)) is None
        or (
            x + -0.0,
            x * float("inf"),
            x - float("-inf"),
            x + float("nan"),
            x * 1e300,
        )
    )
    return fs, (2.0,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_weak_int(jax, jnp):
    fs = lambda w: (i := jnp.asarray(w)) is None or (i * 3, i + True, i - (-7), i * 0.1, i / 3)
    return fs, (2,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_weak_complex(jax, jnp):
    return lambda w: (z := jnp.asarray(w)) is None or (z * 1j, z + (0.1 + 1j), z * 0.1), (1j,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_unary_and_full(jax, jnp):
    fs = lambda w: (
        (x := jnp.asarray(w)) is None
        or (
            jnp.sin(0.1) * x,
            jnp.negative(0.1) * x,
            jnp.exp(1) * x,
            jnp.full((3,), 0.1),
        )
    )
    return fs, (2.0,)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_strong(jax, jnp):
    fs = lambda x, h, d: (
        x * 0.1,
        0.1 - x,
        x / 3.0 + 1 / 3,
        h * 0.1 + 1 / 3,
        d * 0.1 + 1 / 3,
        x + -0.0,
        x * float("inf"),
        x * (0.1 + 1j),
    )
    return fs, (randf(3), randf(3, dtype=np.float16), randf(3, dtype=np.float64))


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_ints_bools(jax, jnp):
    fs = lambda i8, u8, i, b, c: (
        i8 + 3,
        i8 * 300,
        i8 + 3.5,
        u8 + 1000,
        i * 3,
        i - (-7),
        i > 1,
        i * 2.5,
        b & True,
        b | False,
        b + True,
        c * 1j,
        c + (0.1 + 1j),
    )
    args = (
        randi(3).astype(np.int8),
        randi(3, lo=0).astype(np.uint8),
        randi(3),
        np.array([True, False, True]),
        randf(3).astype(np.complex64),
    )
    return fs, args


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_grad_strong(jax, jnp):
    return jax.grad(lambda x: (jnp.sin(x * 0.1) / 3.0 + 1 / 3).sum()), (randf(3),)


@program(jaxpr_text=True, x64=True)
def prog_stage_literal_vmap_jit(jax, jnp):
    def fs(x, s):
        v = jax.vmap(lambda x, s: x * s + 1 / 3, in_axes=(0, None))(x, s)
        j = jax.jit(lambda s: s * 0.1 + 1 / 3)(s)
        return v, j, jnp.add(0.1, 0.2) * jnp.asarray(s)

    return fs, (randf(3), 2.0)


# ----------------------------------------------------------------------------------------------
# .at[] updates mixing dtypes (values): combined in the promoted type, cast back


def _at_all(x, v):
    return (
        x.at[:].set(v),
        x.at[:].add(v),
        x.at[:].subtract(v),
        x.at[:].multiply(v),
        x.at[:].divide(v),
        x.at[:].power(v),
        x.at[:].min(v),
        x.at[:].max(v),
    )


@program(x64=True)
def prog_at_int_float_updates(jax, jnp):
    x = np.array([-3, 1, 5, 7], np.int32)
    fs = lambda x: (
        _at_all(x, 2.7),
        _at_all(x, -2.7),
        _at_all(x, np.array([0.5, 1.5, 2.5, -1.5], np.float32)),
        _at_all(x, 2),
        _at_all(x, True),
    )
    return ignoring(FutureWarning, fs), (x,)


@program(x64=True)
def prog_at_duplicates_and_weak(jax, jnp):
    x, f = np.array([-3, 1, 5], np.int32), randf(3)
    idx = np.array([0, 0, 1])
    fs = lambda x, f, w: (
        x.at[idx].add(2.7),
        x.at[idx].mul(1.5),
        x.at[idx].min(-3.5),
        x.at[idx].divide(2),
        x.at[idx].power(2),
        x.at[1].power(0.5),
        f.at[idx].add(np.float16(1 / 3)),
        f.astype(np.float16).at[0].add(np.float32(1 / 3)),
        jnp.ones(2, jnp.complex64).at[0].add(2.5),
        jnp.asarray(w).at[()].add(2.7),
        jnp.asarray(3).at[()].add(2.7),
        jnp.asarray(3).at[()].set(np.int8(2)),
        x.at[np.array([], np.int32)].add(2.7),
    )
    return ignoring(FutureWarning, fs), (x, f, 2.0)


@program(x64=True)
def prog_at_bool_updates(jax, jnp):
    b = np.array([True, False, True])
    fs = lambda b: (
        b.at[:].set(2.7),
        b.at[:].add(np.array([0.5, 0.0, -1.0], np.float32)),
        b.at[:].multiply(np.array([2, 0, 1], np.int32)),
        b.at[:].min(False),
        b.at[:].max(np.array([0, 1, 0], np.int32)),
        b.at[:].divide(np.array([2, 1, 4], np.int32)),
        b.at[:].power(np.array([0.5, 1.5, 2.5], np.float32)),
    )
    return ignoring(FutureWarning, fs), (b,)


# Staged: the index arrays, then the promotion, the scatter in the promoted type, the cast back.
# (One scatter per program: JAX prints a repeated update_jaxpr once, as a `let`.)


@program(jaxpr_text=True)
def prog_at_int_add_float_staged(jax, jnp):
    return ignoring(FutureWarning, lambda x: x.at[1].add(2.7)), (randi(4),)


@program(jaxpr_text=True)
def prog_at_int_add_float_traced_index_staged(jax, jnp):
    fs = lambda x, i: x.at[i].add(2.7)
    return ignoring(FutureWarning, fs), (randi(4), np.array([1, -2], np.int32))


@program(jaxpr_text=True)
def prog_at_int_mul_float_staged(jax, jnp):
    return ignoring(FutureWarning, lambda x: x.at[1].mul(0.5)), (randi(4),)


@program(jaxpr_text=True)
def prog_at_int_set_int_staged(jax, jnp):
    return lambda x, i: x.at[i].set(3), (randi(4), np.array([1, 2], np.int32))
