"""Oracle programs: edge cases (non-finite values, derivatives at kinks, integer wrap-around,
indexing corner cases, symbolic-zero tangents, transformation options)."""

from __future__ import annotations

import numpy as np

from ._registry import ignoring, program, randb, randf, randi

# ----------------------------------------------------------------------------------------------
# Values at the edges of float and integer ranges.


@program()
def prog_overflow_underflow_float32(jax, jnp):
    x = np.array([-100.0, -20.0, 0.0, 20.0, 100.0], np.float32)
    nn = jax.nn
    fs = lambda x: (
        jnp.exp(x),
        jnp.expm1(x),
        jnp.tanh(x),
        nn.sigmoid(x),
        nn.softplus(x),
        nn.log_sigmoid(x),
        jnp.cosh(x),
        jnp.logaddexp(x, x),
    )
    return fs, (x,)


@program()
def prog_domain_edges(jax, jnp):
    x = np.array([-1.0, 1.0, 0.0, -0.0, 2.0], np.float32)
    fs = lambda x: (
        jnp.log1p(x * 1.0),
        jnp.arctanh(x),
        jnp.arcsin(x),
        jnp.sqrt(x),
        jnp.log(x),
        jnp.power(x, 0.5),
        x**-1,
        jnp.reciprocal(x),
    )
    return fs, (x,)


@program()
def prog_signed_zero(jax, jnp):
    x = np.array([0.0, -0.0, 1.0, -1.0], np.float32)
    fs = lambda x: (-x, x * 0.0, jnp.abs(x), jnp.sign(x), jnp.floor(x * 0.5), jnp.round(-x * 0.3))
    return fs, (x,)


@program()
def prog_nan_propagation(jax, jnp):
    x = np.array([np.nan, 1.0, -np.inf, np.inf], np.float32)
    y = np.array([1.0, np.nan, np.inf, np.inf], np.float32)
    fs = lambda x, y: (
        jnp.maximum(x, y),
        jnp.minimum(x, y),
        jnp.clip(x, 0.0, 1.0),
        x - y,
        jnp.sign(x),
        jnp.argmax(jnp.stack([x, y]), axis=0),
        x.astype(bool),
        jnp.fmax(x, y),
    )
    return fs, (x, y)


@program()
def prog_int32_wraparound(jax, jnp):
    x = np.array([2**31 - 1, -(2**31), 100000, -7], np.int32)
    fs = lambda x: (x + 1, x - 1, x * 70000, -x, jnp.abs(x), jnp.sum(x), x * x)
    return fs, (x,)


@program()
def prog_small_int_wraparound(jax, jnp):
    a = np.array([127, -128, 100, -1], np.int8)
    b = np.array([255, 0, 200, 1], np.uint8)
    fs = lambda a, b: (a + a, a * 3, -a, b + b, b - 1, b * b, jnp.cumsum(b), jnp.prod(a))
    return fs, (a, b)


@program()
def prog_big_int_to_float(jax, jnp):
    x = np.array([2**24 + 1, 2**31 - 1, -(2**31), 16777217], np.int32)
    return lambda x: (x.astype(jnp.float32), x.astype(jnp.float16), x / 1), (x,)


@program(x64=True)
def prog_x64_precision_and_ints(jax, jnp):
    x = np.array([1.0 + 1e-12, 1.0, 3.0], np.float64)
    i = np.array([2**40, -3, 7], np.int64)
    fs = lambda x, i: (x - 1.0, jnp.sum(x), i * 2, i // 2, x.astype(jnp.float32), i + 1.5)
    return fs, (x, i)


@program(x64=True)
def prog_unsigned_ops(jax, jnp):
    u = np.array([0, 1, 2**32 - 1, 12345], np.uint32)
    fs = lambda u: (u + 1, u - 2, u // 3, u % 7, u >> 3, u.astype(jnp.int32), u * 2.0, u + 1.5)
    return fs, (u,)


# ----------------------------------------------------------------------------------------------
# Derivatives at kinks and special points.


@program()
def prog_grad_at_zero(jax, jnp):
    nn = jax.nn

    def f(x):
        return (
            jax.grad(nn.relu)(x),
            jax.grad(jnp.abs)(x),
            jax.grad(jnp.sqrt)(x),
            jax.grad(lambda x: jnp.power(x, 2.0))(x),
            jax.grad(lambda x: x**2)(x),
            jax.grad(lambda x: x**0.5)(x),
            jax.grad(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0))(x),
            jax.grad(lambda x: jnp.maximum(x, 0.0))(x),
            jax.grad(jnp.sign)(x),
            jax.grad(nn.relu6)(x),
            jax.grad(lambda x: jnp.clip(x, 0.0, 1.0))(x),
        )

    return f, (0.0,)


@program()
def prog_grad_pow_edge(jax, jnp):
    x = np.array([0.0, 1.0, 2.0, -2.0], np.float32)
    y = np.array([2.0, 0.0, 0.5, 3.0], np.float32)
    return jax.grad(lambda x, y: jnp.sum(jnp.power(x, y)), argnums=(0, 1)), (x, y)


@program()
def prog_grad_norm_at_zero(jax, jnp):
    return jax.grad(lambda x: jnp.sqrt(jnp.sum(x**2))), (np.zeros(3, np.float32),)


@program()
def prog_grad_unused_and_int_paths(jax, jnp):
    def f(x, y):
        return jnp.sum(jnp.floor(x)) + jnp.sum(x.astype(jnp.int32)) * 1.0 + 2.0

    return jax.grad(f, argnums=(0, 1)), (randf(3), randf(2, seed=1))


@program()
def prog_grad_of_constant_output(jax, jnp):
    return lambda x: (jax.grad(lambda x: 3.0)(x), jax.grad(lambda x: jnp.float32(2))(x)), (
        np.float32(1.0),
    )


# ----------------------------------------------------------------------------------------------
# Symbolic zeros and Python values flowing through transformations.


@program()
def prog_jvp_constant_outputs(jax, jnp):
    return lambda: jax.jvp(lambda x: (x, 1.0, x * 0), (2.0,), (1.0,)), ()


@program()
def prog_vjp_constant_outputs(jax, jnp):
    def run(x):
        out, pb = jax.vjp(lambda x: (x * 2.0, jnp.ones(2)), x)
        return out, pb((jnp.ones(3), jnp.ones(2)))

    return run, (randf(3),)


@program()
def prog_vmap_unbatched_output(jax, jnp):
    f = lambda x, y: (x * 2.0, y + 1.0)
    return jax.vmap(f, in_axes=(0, None), out_axes=(0, None)), (randf(3, 2), randf(2, seed=1))


@program()
def prog_vmap_negative_axes(jax, jnp):
    f = lambda x: jnp.sum(x, axis=0) * x[0]
    return jax.vmap(f, in_axes=-1, out_axes=-1), (randf(3, 4, 2),)


@program()
def prog_vmap_axis_size_no_args(jax, jnp):
    return lambda x: jax.vmap(lambda: x * 2.0, axis_size=3)(), (randf(2),)


@program()
def prog_vmap_dict_in_axes_prefix(jax, jnp):
    def f(p, x):
        return p["w"] @ x + p["b"]

    p = {"w": randf(2, 3), "b": randf(2, seed=1)}
    return jax.vmap(f, in_axes=(None, 0)), (p, randf(5, 3, seed=2))


@program()
def prog_vmap_weak_scalar_results(jax, jnp):
    return lambda x: jax.vmap(lambda x: (x + 1.0, jnp.sum(x) * 2, 3.0 * jnp.ones(())))(x), (
        randf(4, 2),
    )


@program()
def prog_jit_static_argnames_kwargs(jax, jnp):
    f = jax.jit(lambda x, *, axis: jnp.sum(x, axis=axis), static_argnames="axis")
    return lambda x: (f(x, axis=0), f(x, axis=1)), (randf(2, 3),)


@program()
def prog_jit_python_scalar_outputs(jax, jnp):
    return jax.jit(lambda x: (x, 1.0, 2, x.shape[0] * 1.5)), (randf(3),)


@program()
def prog_make_jaxpr_static_argnums(jax, jnp):
    return jax.make_jaxpr(lambda x, n: x**n, static_argnums=1), (randf(3), 3)


@program()
def prog_eval_shape_structs(jax, jnp):
    s = jax.ShapeDtypeStruct((2, 3), np.float32)
    i = jax.ShapeDtypeStruct((3,), np.int32)
    return lambda: jax.eval_shape(lambda a, b: (a @ b.astype(jnp.float32), b[0] + 1), s, i), ()


@program()
def prog_hessian_pytree(jax, jnp):
    f = lambda p: jnp.sum(p["a"] ** 2 * p["b"]) + jnp.prod(p["a"])
    return jax.hessian(f), ({"a": randf(2), "b": randf(2, seed=1)},)


@program()
def prog_jacrev_has_aux(jax, jnp):
    f = lambda x: (jnp.sin(x) * 2.0, {"sum": jnp.sum(x)})
    return lambda x: (jax.jacrev(f, has_aux=True)(x), jax.jacfwd(f, has_aux=True)(x)), (randf(3),)


@program()
def prog_grad_loop_updates(jax, jnp):
    def f(x):
        y = jnp.zeros(4)
        for k in range(4):
            y = y.at[k].set(jnp.sum(x[: k + 1] ** 2))
        return jnp.sum(y * jnp.arange(4.0))

    return jax.jit(jax.grad(f)), (randf(4),)


# ----------------------------------------------------------------------------------------------
# Indexing corner cases.


@program()
def prog_index_corner_cases(jax, jnp):
    x = randf(2, 3, 4)
    i = np.array([0, 1], np.int32)
    fs = (
        lambda x, i: (
            x[i, :, i],  # advanced indices split by a slice: their dims go first
            x[:, i, i],
            x[i, 1, :],
            x[:, None, 1, None],
            x[3:1],
            x[:, 5:],
            x[np.int32(1)],
            x[jnp.array(1)],
            x[-1, ::-2, 3:0:-1],
            x[..., -1:],
        )
    )
    return fs, (x, i)


@program()
def prog_take_fill_out_of_bounds(jax, jnp):
    x, i = np.arange(4.0, dtype=np.float32), randi(3, lo=0, hi=4)
    fs = lambda x, i: (jnp.take(x, 7), jnp.take(x, np.array([1, 9, -1])), jnp.take(i, 7))
    return fs, (x, i)


@program()
def prog_at_update_casts_and_broadcast(jax, jnp):
    x, f = randi(3, 4), randf(3, 4)
    fs = lambda x, f: (
        x.at[0].add(2.7),
        x.at[:, 1].set(np.array([1, 2, 3], np.int32)),
        f.at[1].set(5),
        f.at[np.array([0, 2])].set(np.arange(4.0, dtype=np.float32)),
        f.at[0, np.array([0, 0, 3])].add(1.0),
        x.at[0].multiply(jnp.int32(3)),
    )
    # The float update of an int array warns (FutureWarning) in both libraries.
    return ignoring(FutureWarning, fs), (x, f)


@program()
def prog_sort_signed_zeros_and_ties(jax, jnp):
    x = np.array([0.0, -0.0, 1.0, 0.0, -0.0, -1.0], np.float32)
    return lambda x: (jnp.sort(x), jnp.argsort(x), jnp.signbit(jnp.sort(x))), (x,)


@program()
def prog_float16_reductions(jax, jnp):
    x = randf(64, lo=0, hi=10, dtype=np.float16)
    fs = lambda x: (jnp.sum(x), jnp.mean(x), jnp.var(x), jnp.cumsum(x)[-1], jnp.max(x), x @ x)
    return fs, (x,)


@program(x64=True)
def prog_arange_float_steps(jax, jnp):
    def f():
        return (
            jnp.arange(0, 1, 0.1),
            jnp.arange(-1.0, 1.0, 0.3),
            jnp.linspace(0, 1, 0),
            jnp.arange(3, dtype=jnp.float16),
        )

    return f, ()


# ----------------------------------------------------------------------------------------------
# Derivative rules of the less common primitives, and batching of index operations.


@program()
def prog_grad_prod_with_zeros(jax, jnp):
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.5], [1.0, 2.0, 4.0]], np.float32)
    f = lambda x: jnp.sum(jnp.prod(x, axis=1)) + jnp.prod(x[2])
    return jax.grad(f), (x,)


@program()
def prog_grad_cumprod_with_zero(jax, jnp):
    x = np.array([2.0, 0.0, 3.0, 0.5], np.float32)
    return jax.jacrev(jnp.cumprod), (x,)


@program()
def prog_grad_cummax_ties(jax, jnp):
    x = np.array([1.0, 3.0, 2.0, 3.0, 5.0], np.float32)
    lax = jax.lax
    return jax.jacrev(lambda x: lax.cummax(x) + lax.cummin(x)), (x,)


@program()
def prog_grad_sort_ties(jax, jnp):
    x = np.array([2.0, 1.0, 2.0, 0.0], np.float32)
    return jax.jacrev(jnp.sort), (x,)


@program()
def prog_grad_pad_modes(jax, jnp):
    w = randf(4, 7, seed=3)

    def f(x):
        a = jnp.pad(x, ((1, 0), (2, 2)), mode="reflect")
        b = jnp.pad(x, ((0, 1), (2, 2)), mode="edge")
        return jnp.sum((a + b) * w)

    return jax.grad(f), (randf(3, 3),)


@program()
def prog_grad_take_along_axis_argsort(jax, jnp):
    def f(x):
        idx = jnp.argsort(x, axis=1)
        return jnp.sum(jnp.take_along_axis(x, idx, axis=1) * jnp.arange(4.0))

    return jax.grad(f), (randf(3, 4),)


@program()
def prog_grad_take_clip_and_tile(jax, jnp):
    i = np.array([0, 5, 2, 2], np.int32)
    f = lambda x: jnp.sum(jnp.take(x, i, mode="clip") ** 2) + jnp.sum(jnp.tile(x, 3) * 2.0)
    return jax.grad(f), (randf(4),)


@program()
def prog_grad_repeat_array(jax, jnp):
    r = np.array([1, 0, 3], np.int32)
    return jax.grad(lambda x: jnp.sum(jnp.repeat(x, r, total_repeat_length=4) ** 2)), (randf(3),)


@program()
def prog_jacrev_scatter(jax, jnp):
    i = np.array([1, 1, 3], np.int32)

    def f(x, u):
        return x.at[i].add(u).at[0].mul(u[0]).at[2].max(u[2])

    return jax.jacrev(f, argnums=(0, 1)), (randf(4), randf(3, seed=1))


@program()
def prog_vmap_scatter_batched_indices(jax, jnp):
    x, i, u = randf(3, 5), np.array([[0, 1], [4, 4], [2, 0]], np.int32), randf(3, 2, seed=1)
    fs = lambda x, i, u: (
        jax.vmap(lambda x, i, u: x.at[i].add(u))(x, i, u),
        jax.vmap(lambda i: jnp.zeros(5).at[i].set(1.0))(i),
        jax.vmap(lambda x, u: x.at[np.array([1, 3])].set(u), in_axes=(0, 0))(x, u),
        jax.vmap(lambda x: x.at[2].set(0.0), in_axes=1, out_axes=1)(x),
    )
    return fs, (x, i, u)


@program()
def prog_vmap_gather_batched_both(jax, jnp):
    x, i = randf(3, 4, 5), np.array([[0, 3], [1, 1], [2, 0]], np.int32)
    fs = lambda x, i: (
        jax.vmap(lambda x, i: x[i])(x, i),
        jax.vmap(lambda x, i: x[:, i])(x, i),
        jax.vmap(lambda x, i: jnp.take_along_axis(x, i[None, :], axis=1), in_axes=(0, 0))(x, i),
        jax.vmap(lambda i: x[1, i], in_axes=1)(i),
    )
    return fs, (x, i)


@program()
def prog_vmap_dynamic_update_batched_start(jax, jnp):
    x, s, u = randf(3, 6), np.array([0, 2, 5], np.int32), randf(3, 2, seed=1)
    lax = jax.lax
    fs = lambda x, s, u: (
        jax.vmap(lambda x, s, u: lax.dynamic_update_slice(x, u, (s,)))(x, s, u),
        jax.vmap(lambda x, s: lax.dynamic_slice(x, (s,), (3,)))(x, s),
        jax.vmap(lambda s: lax.dynamic_slice(x, (1, s), (2, 2)))(s),
    )
    return fs, (x, s, u)


@program()
def prog_vmap_sort_multi_operand(jax, jnp):
    k, v = randi(3, 5, lo=0, hi=3), randf(3, 5)
    fs = lambda k, v: (
        jax.vmap(lambda k, v: jax.lax.sort((k, v), num_keys=1))(k, v),
        jax.vmap(jnp.argsort, in_axes=1, out_axes=1)(v),
        jax.vmap(lambda r: jnp.sort(r)[::-1])(v),
    )
    return fs, (k, v)


@program()
def prog_vmap_pad_modes_einsum(jax, jnp):
    a, b = randf(3, 2, 4), randf(4, 3, 5, seed=1)
    fs = lambda a, b: (
        jax.vmap(lambda r: jnp.pad(r, 1, mode="reflect"))(a),
        jax.vmap(lambda r: jnp.pad(r, ((0, 1), (1, 0)), mode="edge"), in_axes=2)(a),
        jax.vmap(lambda x, y: jnp.einsum("ij,jk->ik", x, y), in_axes=(0, 1))(a, b),
    )
    return fs, (a, b)


@program()
def prog_vmap_size_zero(jax, jnp):
    return jax.vmap(lambda x: jnp.sum(x**2) + x), (np.zeros((0, 3), np.float32),)


@program()
def prog_jvp_integer_outputs_float0(jax, jnp):
    f = lambda x: (x.astype(jnp.int32), jnp.argmax(x), x > 0, x * 2.0)
    return lambda x, t: jax.jvp(f, (x,), (t,)), (randf(4), randf(4, seed=1))


@program()
def prog_vjp_integer_output(jax, jnp):
    def run(x):
        (y, k), pb = jax.vjp(lambda x: (jnp.sin(x), jnp.argmax(x)), x)
        return y, k, pb((jnp.ones(3), np.zeros((), dtype=jax.dtypes.float0)))

    return run, (randf(3),)


@program()
def prog_linear_transpose(jax, jnp):
    x = randf(3)
    f = lambda x: (jnp.cumsum(x) * 2.0, x[::-1])

    def run(ct0, ct1):
        ft = jax.linear_transpose(f, x)
        return ft((ct0, ct1))

    return run, (randf(3, seed=1), randf(3, seed=2))


@program()
def prog_jacfwd_jacfwd_softmax(jax, jnp):
    return jax.jacfwd(jax.jacfwd(lambda x: jax.nn.softmax(x)[0])), (randf(3),)


@program()
def prog_hessian_through_indexing_and_where(jax, jnp):
    def f(x):
        y = jnp.where(x > 0, x**3, -(x**2))
        return jnp.sum(y[np.array([0, 2, 2])]) + jnp.prod(x[1:])

    return jax.hessian(f), (randf(3),)


@program()
def prog_value_and_grad_aux_argnums(jax, jnp):
    f = lambda x, y: (jnp.sum(x * y), {"x2": x * 2})
    return jax.value_and_grad(f, argnums=(0, 1), has_aux=True), (randf(3), randf(3, seed=1))


@program()
def prog_jit_empty_and_none_pytrees(jax, jnp):
    f = jax.jit(lambda a, b, c: (a, (), None, [b], {"c": c, "e": {}}))
    return f, ((), randf(2), {"x": None, "y": randf(1, seed=1)})


# ----------------------------------------------------------------------------------------------
# Dtype rules of jnp functions on integer, boolean and half inputs.


@program(x64=True)
def prog_unary_on_integer_dtypes(jax, jnp):
    i8, u8, b = randi(4, dtype=np.int8), randi(4, lo=0, hi=9, dtype=np.uint8), randb(4)
    i32 = randi(4, lo=1, hi=9, seed=1)
    fs = lambda i8, u8, b, i32: (
        jnp.sin(i8),
        jnp.sqrt(u8),
        jnp.exp(b),
        jnp.floor(i32),
        jnp.round(i8),
        jnp.abs(b),
        jnp.square(u8),
        jnp.sign(u8),
        jnp.negative(u8),
        jnp.log(i32),
        jnp.tanh(i32),
        jnp.arctan2(i8, i32),
    )
    return fs, (i8, u8, b, i32)


@program(x64=True)
def prog_division_small_ints(jax, jnp):
    a, b = randi(4, lo=1, hi=9, dtype=np.int8), randi(4, lo=1, hi=9, seed=1, dtype=np.uint8)
    c = randb(4)
    fs = lambda a, b, c: (a / a, b / 2, a / b, c / 1, a // b, jnp.power(a, 2.0), a**2.5, b % 3)
    return fs, (a, b, c)


@program(x64=True)
def prog_array_literal_weak_types(jax, jnp):
    def f():
        return (
            jnp.array([1.0, 2.0]),
            jnp.asarray(3),
            jnp.array(True),
            jnp.stack([1.0, 2.0]),
            jnp.zeros_like(3.0),
            jnp.ones_like(2),
            jnp.array([np.float32(1), 2.0]),
            jnp.asarray([1, 2.5]),
            jnp.concatenate([jnp.asarray(1.0)[None], jnp.ones(1, jnp.float16)]),
        )

    return f, ()


@program()
def prog_clip_where_promotions(jax, jnp):
    i, f16, c = randi(5), randf(5, dtype=np.float16), randi(5, lo=0, hi=2, seed=2)
    fs = lambda i, f16, c: (
        jnp.clip(i, -1.5, 2.5),
        jnp.clip(f16, -1, 1),
        jnp.where(c, i, f16),
        jnp.where(c, 2, 3.5),
        jnp.maximum(i, 0.5),
        jnp.minimum(f16, 2),
        jnp.where(c > 0, i, -1),
    )
    return fs, (i, f16, c)


@program()
def prog_grad_float16(jax, jnp):
    f = lambda x: jnp.sum(jnp.sin(x) * x**2 + jnp.exp(x / 4))
    return lambda x: (jax.grad(f)(x), jax.vmap(jax.grad(lambda x: jnp.tanh(x) * 3))(x)), (
        randf(5, dtype=np.float16),
    )
