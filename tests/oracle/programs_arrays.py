"""Oracle programs: shapes, indexing and updates, dot/einsum, creation, lax ops, nn."""

from __future__ import annotations

import numpy as np

from ._registry import ignoring, program, randb, randf, randi

# ----------------------------------------------------------------------------------------------
# Shapes: broadcast, reshape, transpose, squeeze, expand_dims, concatenate, stack, split, pad,
# flip, tile, repeat.


@program(jaxpr_text=True)
def prog_broadcast_add(jax, jnp):
    return lambda x, y: x + y, (randf(3), randf(2, 3, seed=1))


@program()
def prog_broadcast_to(jax, jnp):
    x = randf(3, 1)
    fs = lambda x: (
        jnp.broadcast_to(x, (2, 3, 4)),
        jnp.broadcast_to(1.0, (2,)),
        jnp.broadcast_arrays(x, jnp.ones(4))[0],
    )
    return fs, (x,)


@program(jaxpr_text=True)
def prog_reshape(jax, jnp):
    return lambda x: x.reshape(2, 3), (randf(6),)


@program()
def prog_reshape_many(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (
        jnp.reshape(x, (6, -1)),
        x.reshape(-1),
        x.ravel(),
        x.flatten(),
        x.reshape((1, 24)),
    )
    return fs, (x,)


@program()
def prog_reshape_order_f(jax, jnp):
    return lambda x: (jnp.reshape(x, (4, 3, 2), order="F"), x.ravel(order="F")), (randf(2, 3, 4),)


@program()
def prog_transpose(jax, jnp):
    x = randf(2, 3, 4)
    fs = lambda x: (
        x.T,
        jnp.transpose(x, (1, 0, 2)),
        x.transpose(2, 0, 1),
        jnp.moveaxis(x, 0, -1),
        jnp.swapaxes(x, 0, 2),
        x.mT,
    )
    return fs, (x,)


@program(jaxpr_text=True)
def prog_transpose_2d(jax, jnp):
    return lambda x: x.T, (randf(2, 3),)


@program()
def prog_squeeze_expand_dims(jax, jnp):
    x = randf(1, 3, 1)
    fs = lambda x: (
        jnp.squeeze(x),
        jnp.squeeze(x, axis=0),
        x.squeeze(-1),
        jnp.expand_dims(x, 1),
        jnp.expand_dims(x[0, :, 0], (0, 2)),
        x[None, ..., None],
    )
    return fs, (x,)


@program()
def prog_atleast(jax, jnp):
    return lambda x: (jnp.atleast_1d(x), jnp.atleast_2d(x), jnp.atleast_3d(x)), (np.float32(2),)


@program()
def prog_concatenate_stack(jax, jnp):
    a, b = randf(2, 3), randf(2, 3, seed=1)
    c = randi(2, 3)
    fs = lambda a, b, c: (
        jnp.concatenate([a, b]),
        jnp.concatenate([a, b, a], axis=1),
        jnp.stack([a, b]),
        jnp.stack([a, b], axis=-1),
        jnp.hstack([a, b]),
        jnp.vstack([a, b]),
        jnp.concatenate([a, c], axis=0),
        jnp.column_stack([a[0], b[0]]),
        jnp.dstack([a, b]),
        jnp.concatenate([a, b], axis=None),
    )
    return fs, (a, b, c)


@program()
def prog_split(jax, jnp):
    x = randf(6, 4)
    fs = lambda x: (
        jnp.split(x, 3),
        jnp.split(x, [1, 4], axis=0),
        jnp.split(x, 2, axis=1),
        jnp.array_split(x, 4),
        jnp.hsplit(x, 2),
        jnp.vsplit(x, [2]),
    )
    return fs, (x,)


@program()
def prog_pad(jax, jnp):
    x, i = randf(2, 3), randi(3)
    fs = lambda x, i: (
        jnp.pad(x, 1),
        jnp.pad(x, ((0, 1), (2, 0))),
        jnp.pad(i, (2, 1), constant_values=7),
        jnp.pad(x, 1, mode="edge"),
        jnp.pad(x, ((1, 1), (2, 2)), mode="reflect"),
        jnp.pad(x, ((0, 0), (1, 2)), mode="wrap"),
    )
    return fs, (x, i)


@program()
def prog_lax_pad_negative_interior(jax, jnp):
    x = randf(5)
    return lambda x: (jax.lax.pad(x, 0.0, [(1, -1, 1)]), jax.lax.pad(x, -1.0, [(-2, 2, 0)])), (x,)


@program()
def prog_flip_roll(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (
        jnp.flip(x),
        jnp.flip(x, axis=0),
        jnp.flip(x, (0, 1)),
        jnp.fliplr(x),
        jnp.flipud(x),
        jnp.roll(x, 1),
        jnp.roll(x, -2, axis=1),
        jnp.rot90(x),
    )
    return fs, (x,)


@program()
def prog_tile_repeat(jax, jnp):
    x = randf(2, 3)
    fs = lambda x: (
        jnp.tile(x, 2),
        jnp.tile(x, (2, 1, 2)),
        jnp.repeat(x, 2),
        jnp.repeat(x, 3, axis=0),
        jnp.repeat(x, np.array([1, 0, 2]), axis=1),
        x.repeat(2, axis=1),
    )
    return fs, (x,)


@program()
def prog_grad_shape_ops(jax, jnp):
    w = randf(4, 6, seed=2)

    def f(x):
        y = jnp.concatenate([x, jnp.flip(x, 1)], axis=1)  # (2, 6)
        y = jnp.tile(y, (2, 1)) * w  # (4, 6)
        y = jnp.pad(y.T.reshape(3, 8), ((1, 0), (0, 1)))
        a, b = jnp.split(y, 2, axis=0)
        return jnp.sum(jnp.stack([a, b]) ** 2) + jnp.sum(jnp.repeat(x, 2, axis=0))

    return jax.grad(f), (randf(2, 3),)


@program()
def prog_jvp_shape_ops(jax, jnp):
    def f(x):
        return jnp.expand_dims(jnp.squeeze(jnp.transpose(x, (2, 0, 1))), 0) * jnp.roll(x, 1)

    x = randf(1, 3, 1)
    return lambda x, t: jax.jvp(f, (x,), (t,)), (x, randf(1, 3, 1, seed=1))


# ----------------------------------------------------------------------------------------------
# Slicing, integer-array indexing, .at[] updates.


@program()
def prog_basic_slicing(jax, jnp):
    x = randf(4, 5, 3)
    fs = lambda x: (
        x[1],
        x[1:3],
        x[::2],
        x[::-1],
        x[..., 0],
        x[:, -1],
        x[1, 2:, None],
        x[-3:-1, ::-2, 1],
        x[None, 0],
        x[2, 3, 1],
        x[:, 1:4:2, :],
    )
    return fs, (x,)


@program()
def prog_integer_array_indexing(jax, jnp):
    x = randf(4, 5)
    i = np.array([0, 2, 3, 2], np.int32)
    j = np.array([[1, 4], [0, 0]], np.int32)
    fs = lambda x, i, j: (
        x[i],
        x[:, i],
        x[i, i],
        x[i[:2], 1:3],
        x[np.array([-1, -2])],
        x[[0, 1], [2, 3]],
    )
    return fs, (x, i, j)


@program()
def prog_gather_2d_index_array(jax, jnp):
    x = randf(4, 5)
    j = np.array([[1, 4], [0, 0]], np.int32)
    return lambda x, j: (x[j], x[j, 1], x[1, j]), (x, j)


@program()
def prog_indexing_out_of_bounds_clamps(jax, jnp):
    x = np.arange(4.0, dtype=np.float32)
    return lambda x, i: (x[i], jnp.take(x, i, mode="clip")), (x, np.array([5, -7, 1], np.int32))


@program()
def prog_boolean_mask_eager(jax, jnp):
    x = randf(6)
    return lambda x: (x[x > 0], x[np.array([True, False, True, False, False, True])]), (x,)


@program()
def prog_take_take_along_axis(jax, jnp):
    x = randf(3, 4)
    idx = np.array([[0, 3], [1, 1], [2, 0]], np.int32)
    fs = lambda x, idx: (
        jnp.take(x, np.array([2, 0]), axis=1),
        jnp.take_along_axis(x, idx, 1),
        jnp.take(x, 5),
        jnp.take_along_axis(x, jnp.argsort(x, axis=0), axis=0),
    )
    return fs, (x, idx)


@program()
def prog_at_updates(jax, jnp):
    x = randf(5)
    i = np.array([0, 2, 2, 4], np.int32)
    v = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    fs = lambda x, i, v: (
        x.at[1].set(7.0),
        x.at[i].add(v),
        x.at[i].mul(2.0),
        x.at[i].min(v),
        x.at[i].max(v),
        x.at[1:3].set(0.0),
        x.at[i].get(),
        x.at[-1].add(1),
        x.at[::2].multiply(3.0),
    )
    return fs, (x, i, v)


@program()
def prog_at_updates_2d(jax, jnp):
    x = randf(3, 4)
    i = np.array([2, 0], np.int32)
    fs = lambda x, i: (
        x.at[i, 1].set(-1.0),
        x.at[:, i].add(10.0),
        x.at[1].set(jnp.arange(4.0)),
        x.at[i].set(0.0),
        x.at[..., 0].divide(2.0),
        x.at[i, i].power(2.0),
    )
    return fs, (x, i)


@program()
def prog_at_int_and_oob(jax, jnp):
    x = randi(5)
    # Out-of-bound scatter indices are dropped (the default "drop"/"promise_in_bounds" modes).
    # x.at[0].set(2.7) warns (FutureWarning) in both libraries: the float does not fit int32.
    fs = lambda x: (x.at[2].set(9), x.at[np.array([1, 7])].add(100), x.at[0].set(2.7))
    return ignoring(FutureWarning, fs), (x,)


@program()
def prog_grad_indexing(jax, jnp):
    i = np.array([0, 2, 2, 1], np.int32)

    def f(x):
        return jnp.sum(x[i] ** 2) + jnp.sum(x[1:, ::-1] * 3.0) + x[0, 0]

    return jax.grad(f), (randf(3, 3),)


@program()
def prog_grad_at_set_add(jax, jnp):
    i = np.array([0, 2, 2], np.int32)

    def f(x, v):
        y = x.at[i].add(v * 2.0)
        z = y.at[1].set(v[0] ** 2)
        return jnp.sum(z**2)

    return jax.grad(f, argnums=(0, 1)), (randf(4), randf(3, seed=1))


@program()
def prog_lax_dynamic_slice_update(jax, jnp):
    x = randf(5, 4)
    lax = jax.lax
    fs = lambda x, s: (
        lax.dynamic_slice(x, (s, 1), (2, 2)),
        lax.dynamic_slice(x, (4, 3), (2, 2)),  # start clamps into range
        lax.dynamic_update_slice(x, jnp.ones((2, 2)), (s, s)),
        lax.dynamic_slice_in_dim(x, s, 3, axis=0),
        lax.dynamic_update_slice(x, jnp.zeros((1, 4)), (9, 0)),
    )
    return fs, (x, np.int32(1))


@program()
def prog_grad_dynamic_slice(jax, jnp):
    lax = jax.lax
    f = lambda x, u: (
        jnp.sum(lax.dynamic_update_slice(x, u * 3.0, (1, 1)) ** 2)
        + jnp.sum(lax.dynamic_slice(x, (2, 0), (2, 3)))
    )
    return jax.grad(f, argnums=(0, 1)), (randf(4, 3), randf(2, 2, seed=1))


@program()
def prog_lax_slice_gather_ops(jax, jnp):
    x = randf(4, 6)
    lax = jax.lax
    fs = lambda x: (
        lax.slice(x, (1, 0), (3, 6), (1, 2)),
        lax.slice_in_dim(x, 1, 4, axis=1),
        lax.index_in_dim(x, 2, axis=0, keepdims=False),
        lax.rev(x, (1,)),
    )
    return fs, (x,)


# ----------------------------------------------------------------------------------------------
# dot / matmul / einsum / tensordot.


@program(jaxpr_text=True)
def prog_matmul_t(jax, jnp):
    return lambda x: x.T @ x, (randf(3, 2),)


@program(x64=True)
def prog_dot_matmul(jax, jnp):
    a, b, v = randf(3, 4), randf(4, 2, seed=1), randf(4, seed=2)
    fs = lambda a, b, v: (
        jnp.dot(a, b),
        a @ b,
        a @ v,
        v @ b,
        jnp.dot(v, v),
        jnp.matmul(a, b),
        jnp.vdot(v, v),
        jnp.inner(v, v),
        jnp.outer(v, v[:2]),
    )
    return fs, (a, b, v)


@program()
def prog_batched_matmul(jax, jnp):
    a, b, c = randf(2, 3, 4), randf(2, 4, 5, seed=1), randf(4, 5, seed=2)
    d = randf(3, 1, 2, 4, seed=3)
    return lambda a, b, c, d: (a @ b, a @ c, jnp.matmul(d, c), jnp.dot(a, c)), (a, b, c, d)


@program(x64=True)
def prog_int_matmul(jax, jnp):
    a, b, c = randi(3, 4), randi(4, 2, seed=1), randi(4, 2, seed=2, dtype=np.int8)
    bo = randb(4, 2)
    return lambda a, b, c, bo: (a @ b, a @ c, jnp.dot(a, b.astype(jnp.float32)), c.T @ c, a @ bo), (
        a,
        b,
        c,
        bo,
    )


@program()
def prog_einsum(jax, jnp):
    a, b, c = randf(3, 4), randf(4, 5, seed=1), randf(2, 3, 4, seed=2)
    sq = randf(3, 3, seed=3)
    fs = lambda a, b, c, sq: (
        jnp.einsum("ij,jk->ik", a, b),
        jnp.einsum("bij,jk->bik", c, b),
        jnp.einsum("ii->i", sq),
        jnp.einsum("ii", sq),
        jnp.einsum("i,j->ij", a[0], b[0]),
        jnp.einsum("bij->jb", c),
        jnp.einsum("ij,ij->", a, a),
        jnp.einsum("...j,jk", c, b),
    )
    return fs, (a, b, c, sq)


@program()
def prog_tensordot(jax, jnp):
    a, b = randf(2, 3, 4), randf(3, 4, 5, seed=1)
    fs = lambda a, b: (
        jnp.tensordot(a, b),
        jnp.tensordot(a, b, axes=([1, 2], [0, 1])),
        jnp.tensordot(a[0], b[0], axes=1),
        jnp.tensordot(a[0, 0], b[0, 0], axes=0),
    )
    return fs, (a, b)


@program()
def prog_lax_dot_general(jax, jnp):
    a, b = randf(2, 3, 4), randf(2, 4, 5, seed=1)
    dn = (((2,), (1,)), ((0,), (0,)))
    fs = lambda a, b: (
        jax.lax.dot_general(a, b, dn),
        jax.lax.dot_general(a, b, dn, preferred_element_type=np.float32),
        jax.lax.dot(a[0], b[0]),
    )
    return fs, (a, b)


@program()
def prog_grad_matmul_einsum(jax, jnp):
    def f(a, b):
        return jnp.sum((a @ b) ** 2) + jnp.einsum("ij,jk,ik->", a, b, a @ b) + jnp.trace(a @ a.T)

    return jax.grad(f, argnums=(0, 1)), (randf(3, 4), randf(4, 3, seed=1))


@program()
def prog_grad_batched_matmul(jax, jnp):
    f = lambda a, b: jnp.sum(jnp.tanh(a @ b))
    return jax.grad(f, argnums=(0, 1)), (randf(2, 3, 4), randf(4, 2, seed=1))


# ----------------------------------------------------------------------------------------------
# Creation: iota / arange / linspace / eye / zeros / full / tri.


@program(x64=True)
def prog_arange(jax, jnp):
    def f():
        return (
            jnp.arange(5),
            jnp.arange(1, 10, 2),
            jnp.arange(0.0, 1.0, 0.25),
            jnp.arange(5, dtype=jnp.float32),
            jnp.arange(10, 0, -3),
            jnp.arange(2.5),
            jnp.arange(np.int16(4)),
            jnp.arange(0, 5, dtype=jnp.uint8),
        )

    return f, ()


@program(x64=True)
def prog_linspace(jax, jnp):
    def f():
        return (
            jnp.linspace(0, 1, 5),
            jnp.linspace(0.0, 1.0, 4, endpoint=False),
            jnp.linspace(-1, 1, 1),
            jnp.linspace(0, 10, 6, dtype=jnp.int32),
            jnp.linspace(np.zeros(2), np.ones(2), 3),
        )

    return f, ()


@program(x64=True)
def prog_eye_identity_tri(jax, jnp):
    def f():
        return (
            jnp.eye(3),
            jnp.eye(3, 4, k=1),
            jnp.eye(2, dtype=jnp.int32),
            jnp.identity(3),
            jnp.tri(3, 4, k=-1, dtype=bool),
        )

    return f, ()


@program(x64=True)
def prog_tri_default_dtype(jax, jnp):
    return lambda: (jnp.tri(3), jnp.tri(2, dtype=jnp.float32)), ()


@program(x64=True)
def prog_zeros_ones_full(jax, jnp):
    x = randi(2, 3)

    def f(x):
        return (
            jnp.zeros(3),
            jnp.ones((2, 2), dtype=jnp.int32),
            jnp.full((2,), 7),
            jnp.full((2, 2), 1.5, dtype=jnp.float16),
            jnp.zeros_like(x),
            jnp.ones_like(x, float),
            jnp.full_like(x, 2.5),
            jnp.empty((0,)),
            jnp.zeros((2,), bool),
        )

    return f, (x,)


@program()
def prog_tril_triu(jax, jnp):
    x = randf(3, 4)
    return lambda x: (jnp.tril(x), jnp.triu(x, 1), jnp.tril(x, -1), jnp.diag(x), jnp.diag(x[0])), (
        x,
    )


@program(x64=True)
def prog_lax_iota(jax, jnp):
    lax = jax.lax
    return lambda: (
        lax.iota(np.int32, 4),
        lax.iota(np.float32, 3),
        lax.broadcasted_iota(np.int32, (2, 3), 1),
    ), ()


# ----------------------------------------------------------------------------------------------
# lax-level operations called directly.


@program()
def prog_lax_elementwise(jax, jnp):
    x, y = randf(4), randf(4, seed=1)
    lax = jax.lax
    fs = lambda x, y: (
        lax.add(x, y),
        lax.sub(x, y),
        lax.mul(x, 2.0),
        lax.div(x, y),
        lax.max(x, y),
        lax.neg(x),
        lax.integer_pow(x, 3),
        lax.square(x),
        lax.pow(jnp.abs(x), y),
        lax.rem(x, y),
        lax.sign(x),
        lax.abs(x),
        lax.atan2(x, y),
        lax.exp2(x),
        lax.nextafter(x, y),
    )
    return fs, (x, y)


@program()
def prog_lax_int_div_rem(jax, jnp):
    x = np.array([7, -7, 7, -7], np.int32)
    y = np.array([2, 2, -2, -2], np.int32)
    return lambda x, y: (jax.lax.div(x, y), jax.lax.rem(x, y)), (x, y)


@program()
def prog_lax_broadcast_reshape(jax, jnp):
    x = randf(3)
    lax = jax.lax
    fs = lambda x: (
        lax.broadcast_in_dim(x, (2, 3), (1,)),
        lax.broadcast(x, (2,)),
        lax.reshape(x, (3, 1)),
        lax.expand_dims(x, (0,)),
        lax.squeeze(x[None], (0,)),
        lax.transpose(lax.broadcast(x, (2,)), (1, 0)),
        lax.concatenate([x, x], 0),
    )
    return fs, (x,)


@program()
def prog_lax_reductions(jax, jnp):
    x = randf(3, 4)
    lax = jax.lax
    fs = lambda x: (
        lax.reduce_sum(x, (0,)),
        lax.reduce_max(x, (1,)),
        lax.reduce_min(x, (0, 1)),
        lax.reduce_prod(x, (1,)),
        lax.argmax(x, 1, np.int32),
        lax.argmin(x, 0, np.int32),
        lax.reduce_and(x > 0, (1,)),
        lax.reduce_or(x > 0, (0,)),
    )
    return fs, (x,)


@program()
def prog_lax_sort_multi(jax, jnp):
    k = np.array([3, 1, 2, 1, 0], np.int32)
    v = randf(5)
    return lambda k, v: (
        jax.lax.sort(v),
        jax.lax.sort((k, v), num_keys=1),
        jax.lax.sort_key_val(k, v),
    ), (k, v)


@program()
def prog_lax_clamp_select(jax, jnp):
    x = randf(5)
    return lambda x: (
        jax.lax.clamp(-0.5, x, 0.5),
        jax.lax.clamp(np.float32(0), x, np.float32(1)),
    ), (x,)


@program()
def prog_stop_gradient(jax, jnp):
    f = lambda x: jnp.sum(x * jax.lax.stop_gradient(x) + jax.lax.stop_gradient(x**2))
    return lambda x: (f(x), jax.grad(f)(x)), (randf(3),)


# ----------------------------------------------------------------------------------------------
# nn functions.


@program()
def prog_nn_activations(jax, jnp):
    x = randf(3, 4, lo=-4, hi=4)
    nn = jax.nn
    fs = lambda x: (
        nn.relu(x),
        nn.sigmoid(x),
        nn.softplus(x),
        nn.silu(x),
        nn.gelu(x),
        nn.gelu(x, approximate=False),
        nn.elu(x),
        nn.leaky_relu(x),
        nn.relu6(x * 2),
        nn.hard_tanh(x),
        nn.log_sigmoid(x),
        nn.swish(x),
        nn.soft_sign(x),
        nn.celu(x),
        nn.selu(x),
    )
    return fs, (x,)


@program()
def prog_nn_softmax(jax, jnp):
    x = randf(3, 4, lo=-4, hi=4)
    nn = jax.nn
    fs = lambda x: (
        nn.softmax(x),
        nn.softmax(x, axis=0),
        nn.log_softmax(x),
        nn.log_softmax(x, axis=(0, 1)),
        nn.standardize(x, axis=-1),
    )
    return fs, (x,)


@program()
def prog_nn_one_hot(jax, jnp):
    i = np.array([0, 2, 1, 5, -1], np.int32)
    nn = jax.nn
    return lambda i: (
        nn.one_hot(i, 3),
        nn.one_hot(i, 4, dtype=jnp.int32),
        nn.one_hot(i[:2], 3, axis=0),
    ), (i,)


@program()
def prog_softmax_grad(jax, jnp):
    return jax.grad(lambda x: jnp.sum(jax.nn.softmax(x) ** 2)), (np.arange(4.0, dtype=np.float32),)


@program()
def prog_grad_nn_activations(jax, jnp):
    nn = jax.nn

    def f(x):
        return jnp.sum(
            nn.relu(x)
            + nn.sigmoid(x)
            + nn.softplus(x)
            + nn.gelu(x)
            + nn.elu(x)
            + nn.silu(x)
            + nn.leaky_relu(x)
            + nn.log_sigmoid(x)
        )

    return jax.grad(f), (randf(7, lo=-4, hi=4),)


@program()
def prog_grad_log_softmax_logsumexp(jax, jnp):
    labels = np.array([1, 0, 3], np.int32)

    def loss(logits):
        lp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.sum(jax.nn.one_hot(labels, 4) * lp, axis=-1)) + jax.nn.logsumexp(
            logits
        )

    return jax.value_and_grad(loss), (randf(3, 4),)


@program()
def prog_softmax_extreme(jax, jnp):
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], np.float32)
    return lambda x: (jax.nn.softmax(x), jax.nn.log_softmax(x), jax.nn.logsumexp(x, axis=1)), (x,)
