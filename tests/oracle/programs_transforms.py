"""Oracle programs: transformations (jvp, grad, vjp, jacobians, vmap, jit, checkpoint,
linearize, make_jaxpr), printed jaxprs, control flow, custom rules, assorted jnp."""

from __future__ import annotations

import numpy as np

from ._registry import program, randb, randf, randi

# ----------------------------------------------------------------------------------------------
# Forward mode: jvp, linearize.


@program(raw_args=True)
def prog_jvp_sin_mul(jax, jnp):
    f = lambda x: jnp.sin(x) * x
    return lambda x, t: jax.jvp(f, (x,), (t,)), (randf(4), randf(4, seed=1))


@program()
def prog_jvp_two_args(jax, jnp):
    f = lambda x, y: (x * y, jnp.exp(x) / y)
    x, y = randf(3), randf(3, seed=1, lo=1, hi=2)
    return lambda x, y, tx, ty: jax.jvp(f, (x, y), (tx, ty)), (
        x,
        y,
        randf(3, seed=2),
        randf(3, seed=3),
    )


@program()
def prog_jvp_pytree(jax, jnp):
    def f(p):
        return {"out": p["w"] @ p["x"], "norm": jnp.sum(p["x"] ** 2)}

    p = {"w": randf(2, 3), "x": randf(3, seed=1)}
    t = {"w": randf(2, 3, seed=2), "x": randf(3, seed=3)}
    return lambda p, t: jax.jvp(f, (p,), (t,)), (p, t)


@program()
def prog_jvp_has_aux(jax, jnp):
    f = lambda x: (jnp.tanh(x), {"aux": x * 2})
    return lambda x: jax.jvp(f, (x,), (jnp.ones_like(x),), has_aux=True), (randf(3),)


@program(x64=True)
def prog_jvp_scalar_python(jax, jnp):
    return lambda: jax.jvp(lambda x: x**3 + jnp.sin(x), (2.0,), (1.0,)), ()


@program()
def prog_jvp_int_primal_float0(jax, jnp):
    def f(x, n):
        return x * n

    def run(x):
        n = np.array([1, 2, 3], np.int32)
        t0 = np.zeros((3,), dtype=jax.dtypes.float0)
        return jax.jvp(f, (x, n), (jnp.ones_like(x), t0))

    return run, (randf(3),)


@program()
def prog_linearize(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.cos(x) + x**2

    def run(x, t1, t2):
        y, f_jvp = jax.linearize(f, x)
        return y, f_jvp(t1), f_jvp(t2)

    return run, (randf(4), randf(4, seed=1), randf(4, seed=2))


@program()
def prog_linearize_two_args(jax, jnp):
    f = lambda x, y: jnp.sum(x * y) + jnp.tanh(x)

    def run(x, y):
        out, f_jvp = jax.linearize(f, x, y)
        return out, f_jvp(jnp.ones_like(x), jnp.zeros_like(y) + 2.0)

    return run, (randf(3), randf(3, seed=1))


# ----------------------------------------------------------------------------------------------
# Reverse mode: grad, value_and_grad, vjp, higher order.


@program(x64=True, raw_args=True)
def prog_grad_simple(jax, jnp):
    return jax.grad(lambda x: jnp.sum(jnp.sin(x) * x**2)), (randf(5),)


@program(x64=True)
def prog_grad_python_scalar(jax, jnp):
    return lambda x: (jax.grad(lambda x: x * x)(x), jax.grad(jnp.exp)(x)), (3.0,)


@program()
def prog_grad_argnums(jax, jnp):
    f = lambda x, y, z: jnp.sum(x * y**2 + z)
    args = (randf(3), randf(3, seed=1), randf(3, seed=2))
    return lambda *a: (jax.grad(f, argnums=1)(*a), jax.grad(f, argnums=(0, 2))(*a)), args


@program(raw_args=True)
def prog_grad_pytree_mlp(jax, jnp):
    params = {
        "w1": randf(3, 4, seed=1),
        "b1": randf(4, seed=2),
        "w2": randf(4, 2, seed=3),
        "b2": randf(2, seed=4),
    }
    x, y = randf(5, 3, seed=5), randf(5, 2, seed=6)

    def loss(p, x, y):
        h = jnp.tanh(x @ p["w1"] + p["b1"])
        return jnp.mean((h @ p["w2"] + p["b2"] - y) ** 2)

    return jax.grad(loss), (params, x, y)


@program()
def prog_sgd_step_tree_map(jax, jnp):
    params = [randf(3, 2, seed=1), (randf(2, seed=2), randf(2, seed=3))]
    x = randf(4, 3, seed=4)

    def loss(p):
        w, (b, c) = p
        return jnp.sum(jnp.sin(x @ w + b) * c)

    def step(p):
        g = jax.grad(loss)(p)
        return jax.tree_util.tree_map(lambda a, b: a - 0.1 * b, p, g)

    return step, (params,)


@program()
def prog_grad_has_aux(jax, jnp):
    f = lambda x: (jnp.sum(x**2), {"mean": jnp.mean(x), "n": x.shape[0]})
    return jax.grad(f, has_aux=True), (randf(4),)


@program()
def prog_value_and_grad(jax, jnp):
    f = lambda x, y: jnp.sum(jnp.exp(x) * y)
    return jax.value_and_grad(f, argnums=(0, 1)), (randf(3), randf(3, seed=1))


@program()
def prog_value_and_grad_has_aux(jax, jnp):
    f = lambda x: (jnp.sum(jnp.tanh(x)), x * 2)
    return jax.value_and_grad(f, has_aux=True), (randf(3),)


@program()
def prog_grad_allow_int_float0(jax, jnp):
    f = lambda x, n: x * n
    return jax.grad(f, argnums=(0, 1), allow_int=True), (2.0, 3)


@program(raw_args=True)
def prog_vjp_basic(jax, jnp):
    f = lambda x: jnp.sin(x) * x

    def run(x, ct):
        y, pullback = jax.vjp(f, x)
        return y, pullback(ct)

    return run, (randf(4), randf(4, seed=1))


@program()
def prog_vjp_multi_out_pytree(jax, jnp):
    def f(x, y):
        return {"a": x * y, "b": (jnp.sum(x), y**2)}

    def run(x, y):
        out, pullback = jax.vjp(f, x, y)
        ct = {"a": jnp.ones(3), "b": (2.0 * jnp.ones(()), jnp.arange(3.0))}
        return out, pullback(ct)

    return run, (randf(3), randf(3, seed=1))


@program()
def prog_vjp_has_aux(jax, jnp):
    def run(x):
        y, pb, aux = jax.vjp(lambda x: (jnp.cos(x), x + 1), x, has_aux=True)
        return y, pb(jnp.ones_like(y)), aux

    return run, (randf(3),)


@program()
def prog_vjp_twice(jax, jnp):
    def run(x):
        _, pb = jax.vjp(lambda x: jnp.exp(x) * 2.0, x)
        return pb(jnp.ones(3)), pb(jnp.arange(3.0))

    return run, (randf(3),)


@program(x64=True)
def prog_grad_of_grad(jax, jnp):
    f = lambda x: jnp.sin(x) * x**3
    return lambda x: (jax.grad(jax.grad(f))(x), jax.grad(jax.grad(jax.grad(f)))(x)), (
        np.float32(0.7),
    )


@program()
def prog_grad_of_grad_tanh(jax, jnp):
    g2 = jax.grad(jax.grad(lambda x: jnp.tanh(x) * jnp.exp(-x)))
    return jax.vmap(g2), (randf(5),)


@program()
def prog_grad_of_vjp(jax, jnp):
    def f(x):
        _, pb = jax.vjp(jnp.sin, x)
        return jnp.sum(pb(x)[0] ** 2)

    return jax.grad(f), (randf(3),)


@program()
def prog_jvp_of_grad(jax, jnp):
    g = jax.grad(lambda x: jnp.sum(jnp.exp(x) * jnp.sin(x)))
    return lambda x, t: jax.jvp(g, (x,), (t,)), (randf(3), randf(3, seed=1))


@program()
def prog_jacfwd(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.sum(x)
    return jax.jacfwd(f), (randf(3),)


@program(raw_args=True)
def prog_jacrev(jax, jnp):
    f = lambda x: jnp.sin(x) * jnp.sum(x)
    return jax.jacrev(f), (randf(3),)


@program(x64=True)
def prog_jacobians_matrix_input(jax, jnp):
    f = lambda x: x @ x.T + jnp.eye(2)
    x = randf(2, 3)
    return lambda x: (jax.jacfwd(f)(x), jax.jacrev(f)(x)), (x,)


@program()
def prog_jacobians_argnums_pytree(jax, jnp):
    f = lambda x, y: {"p": x * y[0], "q": jnp.sum(x) + y[1]}
    args = (randf(2), (randf(2, seed=1), np.float32(3.0)))
    return lambda x, y: (jax.jacfwd(f, argnums=(0, 1))(x, y), jax.jacrev(f, argnums=1)(x, y)), args


@program()
def prog_jacrev_scalar_out(jax, jnp):
    return jax.jacrev(lambda x: jnp.sum(x**3)), (randf(4),)


@program(x64=True)
def prog_hessian(jax, jnp):
    f = lambda x: jnp.sum(jnp.sin(x) * x[::-1] ** 2)
    return jax.hessian(f), (randf(3),)


@program()
def prog_hessian_matrix(jax, jnp):
    f = lambda w: jnp.sum(jnp.tanh(w @ np.arange(3.0, dtype=np.float32)))
    return jax.hessian(f), (randf(2, 3),)


@program()
def prog_jacfwd_of_jacrev(jax, jnp):
    f = lambda x: jnp.prod(x) + jnp.sum(x**3)
    return jax.jacfwd(jax.jacrev(f)), (randf(3),)


# ----------------------------------------------------------------------------------------------
# vmap.


@program(x64=True, raw_args=True)
def prog_vmap_axis0(jax, jnp):
    f = lambda x: jnp.sum(x**2) * x
    return jax.vmap(f), (randf(4, 3),)


@program()
def prog_vmap_axis1(jax, jnp):
    f = lambda x, y: jnp.dot(x, y)
    return jax.vmap(f, in_axes=(1, None)), (randf(3, 5), randf(3, seed=1))


@program()
def prog_vmap_out_axes(jax, jnp):
    f = lambda x: (x * 2, jnp.sum(x))
    return jax.vmap(f, in_axes=1, out_axes=(1, 0)), (randf(3, 4),)


@program()
def prog_vmap_none_and_scalar(jax, jnp):
    f = lambda x, s, c: x * s + c
    return jax.vmap(f, in_axes=(0, 0, None)), (randf(4, 2), randf(4, seed=1), 3.0)


@program()
def prog_vmap_nested(jax, jnp):
    f = lambda x, y: jnp.sum(x * y)
    g = jax.vmap(jax.vmap(f, in_axes=(None, 0)), in_axes=(0, None))  # pairwise table
    return g, (randf(3, 4), randf(5, 4, seed=1))


@program()
def prog_vmap_nested_axes(jax, jnp):
    f = lambda x: jnp.max(x) - x
    return jax.vmap(jax.vmap(f, in_axes=1, out_axes=1), in_axes=2, out_axes=0), (randf(2, 3, 4),)


@program()
def prog_vmap_pytree(jax, jnp):
    def f(p):
        return {"s": p["a"] + p["b"][0], "t": p["b"][1] * 2}

    p = {"a": randf(4, 2), "b": (randf(4, 2, seed=1), randf(4, seed=2))}
    return jax.vmap(f, in_axes=({"a": 0, "b": (0, 0)},)), (p,)


@program()
def prog_vmap_matmul_einsum(jax, jnp):
    a, b = randf(5, 2, 3), randf(3, 4, seed=1)
    fs = lambda a, b: (
        jax.vmap(jnp.matmul, (0, None))(a, b),
        jax.vmap(lambda m: jnp.einsum("ij,jk->ik", m, b))(a),
        jax.vmap(jnp.matmul, (None, 2), 2)(a[0], jnp.stack([b, b], axis=2)),
    )
    return fs, (a, b)


@program()
def prog_vmap_indexing(jax, jnp):
    x = randf(4, 6)
    i = np.array([0, 5, 2, 3], np.int32)
    fs = lambda x, i: (
        jax.vmap(lambda r, j: r[j])(x, i),
        jax.vmap(lambda r: r[1:4:2])(x),
        jax.vmap(lambda r, j: r.at[j].set(0.0))(x, i),
        jax.vmap(lambda j: x[j], in_axes=0)(i),
        jax.vmap(lambda r, j: jax.lax.dynamic_slice(r, (j,), (2,)))(x, i),
    )
    return fs, (x, i)


@program()
def prog_vmap_reductions_sort(jax, jnp):
    x = randf(3, 5)
    fs = lambda x: (
        jax.vmap(jnp.sum)(x),
        jax.vmap(jnp.argmax, in_axes=1)(x),
        jax.vmap(jnp.sort)(x),
        jax.vmap(jnp.cumsum, in_axes=1, out_axes=1)(x),
        jax.vmap(lambda r: jnp.mean(r, keepdims=True))(x),
        jax.vmap(jax.nn.softmax)(x),
    )
    return fs, (x,)


@program()
def prog_vmap_shape_ops(jax, jnp):
    x = randf(3, 2, 4)
    fs = lambda x: (
        jax.vmap(lambda r: r.T)(x),
        jax.vmap(lambda r: r.reshape(8))(x),
        jax.vmap(lambda r: jnp.concatenate([r, r], 0), in_axes=2)(x),
        jax.vmap(lambda r: jnp.pad(r, 1))(x),
        jax.vmap(jnp.flip)(x),
        jax.vmap(lambda r: jnp.broadcast_to(r[0], (3, 4)))(x),
        jax.vmap(lambda r: jnp.stack([r, r * 2]), in_axes=1, out_axes=2)(x),
    )
    return fs, (x,)


@program()
def prog_vmap_where_clip_cond_values(jax, jnp):
    x, c = randf(4, 3), randb(4)
    f = lambda r, c: jnp.where(c, jnp.clip(r, -0.5, 0.5), -r)
    return jax.vmap(f), (x, c)


@program()
def prog_vmap_axis_size_none_inputs(jax, jnp):
    f = lambda x: x + 1.0
    return lambda x: jax.vmap(lambda _: f(x), in_axes=0)(jnp.arange(3)), (randf(2),)


@program()
def prog_vmap_creation_inside(jax, jnp):
    f = lambda x: x * jnp.arange(3.0) + jnp.ones(3) + jnp.eye(3)[0]
    return jax.vmap(f), (randf(4, 3),)


# ----------------------------------------------------------------------------------------------
# jit and composites.


@program(x64=True, raw_args=True)
def prog_jit_simple(jax, jnp):
    return jax.jit(lambda x, y: jnp.sin(x) * y + 1.0), (randf(3), randf(3, seed=1))


@program()
def prog_jit_static_argnums(jax, jnp):
    f = jax.jit(lambda x, n: jnp.sum(x**n, axis=0), static_argnums=1)
    return lambda x: (f(x, 2), f(x, 3)), (randf(3, 2),)


@program(raw_args=True)
def prog_jit_pytree_io(jax, jnp):
    @jax.jit
    def f(p):
        return {"y": p["a"] @ p["b"], "z": (p["a"].sum(), None)}

    return f, ({"a": randf(2, 3), "b": randf(3, 2, seed=1)},)


@program(x64=True)
def prog_jit_weak_scalars(jax, jnp):
    f = jax.jit(lambda x, y: (x + y, x * 2, y + 1))
    return lambda: (f(1.0, 2), f(np.float32(1), 2.5), f(3, 4)), ()


@program()
def prog_jit_int_ops(jax, jnp):
    f = jax.jit(lambda x: (x // 3, x % 3, x >> 1, jnp.argsort(x), jnp.cumsum(x)))
    return f, (randi(7, lo=-10, hi=10),)


@program()
def prog_jit_nested(jax, jnp):
    inner = jax.jit(lambda x: jnp.exp(x) - 1.0)
    outer = jax.jit(lambda x: inner(x) * inner(2 * x))
    return outer, (randf(4),)


@program()
def prog_jit_closure_constants(jax, jnp):
    w = randf(3, 3, seed=7)
    return jax.jit(lambda x: jnp.tanh(x @ w) + w[0]), (randf(2, 3),)


@program()
def prog_jit_indexing_scatter(jax, jnp):
    f = jax.jit(lambda x, i: (x[i], x.at[i].add(1.0), x[1:, ::2]))
    return f, (randf(4, 4), np.array([3, 0, 3], np.int32))


@program()
def prog_jit_of_grad(jax, jnp):
    return jax.jit(jax.grad(lambda x: jnp.sum(jnp.tanh(x) ** 2))), (randf(5),)


@program()
def prog_grad_of_jit(jax, jnp):
    f = jax.jit(lambda x: jnp.sum(jnp.sin(x) * jnp.cos(x)))
    return jax.grad(f), (randf(5),)


@program()
def prog_grad_of_jit_multi(jax, jnp):
    f = jax.jit(lambda x, y: (jnp.sum(x * y), x - y))
    return jax.grad(lambda x, y: f(x, y)[0] + jnp.sum(f(x, y)[1] ** 2), argnums=(0, 1)), (
        randf(3),
        randf(3, seed=1),
    )


@program()
def prog_vmap_of_grad(jax, jnp):
    f = lambda w, x: jnp.sum(jnp.tanh(w * x)) ** 2
    return jax.vmap(jax.grad(f), in_axes=(None, 0)), (randf(3), randf(4, 3, seed=1))


@program()
def prog_grad_of_vmap_summed(jax, jnp):
    f = lambda x: jnp.sin(x) @ x
    return jax.grad(lambda xs: jnp.sum(jax.vmap(f)(xs))), (randf(4, 3),)


@program()
def prog_jit_vmap_grad(jax, jnp):
    f = lambda w, x, y: (jnp.dot(w, x) - y) ** 2
    per_example = jax.jit(jax.vmap(jax.grad(f), in_axes=(None, 0, 0)))
    return per_example, (randf(3), randf(5, 3, seed=1), randf(5, seed=2))


@program()
def prog_vmap_of_jit(jax, jnp):
    f = jax.jit(lambda x: jnp.sum(x**2) - x)
    return jax.vmap(f, in_axes=1), (randf(3, 4),)


@program()
def prog_jvp_of_vmap(jax, jnp):
    f = jax.vmap(lambda x: jnp.sin(x) * jnp.sum(x))
    return lambda x, t: jax.jvp(f, (x,), (t,)), (randf(2, 3), randf(2, 3, seed=1))


@program()
def prog_vmap_of_jvp(jax, jnp):
    f = lambda x: jnp.exp(x) * x
    g = lambda x, t: jax.jvp(f, (x,), (t,))
    return jax.vmap(g), (randf(4, 2), randf(4, 2, seed=1))


@program()
def prog_vmap_of_jacfwd_jacrev(jax, jnp):
    f = lambda x: jnp.tanh(x) * x[0]
    return lambda xs: (jax.vmap(jax.jacfwd(f))(xs), jax.vmap(jax.jacrev(f))(xs)), (randf(3, 2),)


@program()
def prog_jit_hessian(jax, jnp):
    f = lambda x: jnp.sum(jnp.exp(x) * x[::-1])
    return jax.jit(jax.hessian(f)), (randf(3),)


@program()
def prog_jacrev_of_jit(jax, jnp):
    return jax.jacrev(jax.jit(lambda x: jnp.cumsum(x) * x)), (randf(3),)


@program()
def prog_jit_value_and_grad_mlp(jax, jnp):
    params = (randf(3, 4, seed=1), randf(4, seed=2))
    x = randf(6, 3, seed=3)

    @jax.jit
    def step(p):
        def loss(p):
            w, b = p
            return jnp.mean(jax.nn.relu(x @ w + b) ** 2)

        val, g = jax.value_and_grad(loss)(p)
        return val, jax.tree_util.tree_map(lambda a, b: a - 0.5 * b, p, g)

    return step, (params,)


@program()
def prog_jit_linearize(jax, jnp):
    f = jax.jit(lambda x: jnp.sin(x) ** 2)

    def run(x):
        y, f_jvp = jax.linearize(f, x)
        return y, f_jvp(jnp.ones_like(x))

    return run, (randf(3),)


# ----------------------------------------------------------------------------------------------
# checkpoint / remat.


@program()
def prog_checkpoint_grad(jax, jnp):
    g = jax.checkpoint(lambda x: jnp.sin(jnp.sin(x)) * x)
    return jax.grad(lambda x: jnp.sum(g(x))), (randf(4),)


@program()
def prog_checkpoint_value_and_vmap(jax, jnp):
    g = jax.checkpoint(lambda w, x: jnp.tanh(x @ w))
    loss = lambda w, xs: jnp.sum(jax.vmap(g, in_axes=(None, 0))(w, xs) ** 2)
    return jax.value_and_grad(loss), (randf(3, 2), randf(4, 3, seed=1))


@program()
def prog_checkpoint_nested_jit(jax, jnp):
    g = jax.checkpoint(jax.jit(lambda x: jnp.exp(jnp.cos(x))))
    return jax.jit(jax.grad(lambda x: jnp.sum(g(g(x))))), (randf(3),)


@program()
def prog_remat_hessian(jax, jnp):
    g = jax.remat(lambda x: jnp.sum(jnp.sin(x) ** 3))
    return jax.hessian(g), (randf(2),)


# ----------------------------------------------------------------------------------------------
# make_jaxpr (avals only) and eval_shape.


@program(raw_args=True)
def prog_make_jaxpr_shapes(jax, jnp):
    f = lambda x, y: (x @ y, jnp.sum(x, axis=0), (x > 0).astype(jnp.int32))
    return jax.make_jaxpr(f), (randf(2, 3), randf(3, 4, seed=1))


@program()
def prog_make_jaxpr_grad_shapes(jax, jnp):
    f = jax.grad(lambda p: jnp.sum(p["w"] ** 2) + p["b"], argnums=0)
    return jax.make_jaxpr(f), ({"w": randf(2, 2), "b": np.float32(1.0)},)


@program()
def prog_make_jaxpr_weak_scalars(jax, jnp):
    return jax.make_jaxpr(lambda x, n: (x * 2.0, n + 1, x * n)), (1.5, 3)


@program(x64=True)
def prog_make_jaxpr_vmap_shapes(jax, jnp):
    f = jax.vmap(lambda x: (jnp.argmax(x), jnp.cumsum(x)), in_axes=1)
    return jax.make_jaxpr(f), (randf(3, 5),)


@program(raw_args=True)
def prog_eval_shape(jax, jnp):
    f = lambda x, y: {"a": x @ y, "b": jnp.sum(y, axis=1).astype(jnp.int8)}
    return lambda x, y: jax.eval_shape(f, x, y), (randf(2, 3), randf(3, 4, seed=1))


# ----------------------------------------------------------------------------------------------
# Printed jaxprs must match for these (compared as text as well as run).


@program(jaxpr_text=True)
def prog_sin_only(jax, jnp):
    return jnp.sin, (randf(3),)


@program(jaxpr_text=True)
def prog_sin_times_literal(jax, jnp):
    return lambda x: jnp.sin(x) * 2.0, (randf(3),)


@program(jaxpr_text=True)
def prog_exp_minus_log(jax, jnp):
    return lambda x: jnp.exp(x) - jnp.log(x), (randf(3, lo=0.5, hi=2),)


@program(jaxpr_text=True)
def prog_sum_axis0(jax, jnp):
    return lambda x: jnp.sum(x, axis=0), (randf(3, 2),)


@program(jaxpr_text=True)
def prog_grad_sin_jaxpr(jax, jnp):
    return jax.grad(jnp.sin), (np.float32(1.0),)


@program(jaxpr_text=True)
def prog_closure_constant(jax, jnp):
    w = np.arange(3.0, dtype=np.float32)
    return lambda x: x * w + 1.0, (randf(3),)


@program(jaxpr_text=True)
def prog_jvp_sin_jaxpr(jax, jnp):
    return lambda x, t: jax.jvp(jnp.sin, (x,), (t,)), (randf(3), randf(3, seed=1))


@program(jaxpr_text=True)
def prog_vmap_dot_jaxpr(jax, jnp):
    return jax.vmap(jnp.dot), (randf(4, 3), randf(4, 3, seed=1))


@program(jaxpr_text=True)
def prog_nested_jit_jaxpr(jax, jnp):
    return lambda x: jax.jit(jnp.cos)(x) * 2.0, (randf(3),)


@program(jaxpr_text=True)
def prog_weak_scalar_jaxpr(jax, jnp):
    return lambda x, n: (x * 2, x + n), (1.5, 2)


@program(jaxpr_text=True)
def prog_cos_tanh_chain(jax, jnp):
    return lambda x: jnp.tanh(jnp.cos(x)) + x, (randf(2, 2),)


# ----------------------------------------------------------------------------------------------
# Control flow and custom derivatives.


@program()
def prog_lax_cond(jax, jnp):
    f = lambda p, x: jax.lax.cond(p, lambda x: jnp.sin(x), lambda x: x * 2.0, x)
    return lambda x: (f(True, x), f(False, x), jax.grad(lambda x: jnp.sum(f(True, x)))(x)), (
        randf(3),
    )


@program()
def prog_lax_fori_while(jax, jnp):
    def f(x):
        a = jax.lax.fori_loop(0, 5, lambda i, c: c * 1.5 + i, x)
        b = jax.lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 3, c[1] * 2.0), (0, x))
        return a, b

    return f, (randf(2),)


@program()
def prog_lax_scan(jax, jnp):
    def f(c, xs):
        return jax.lax.scan(lambda c, x: (c * 0.9 + x, jnp.sin(c)), c, xs)

    return f, (np.float32(1.0), randf(5, 2, seed=1)[:, 0])


@program()
def prog_grad_scan(jax, jnp):
    def loss(w, xs):
        c, ys = jax.lax.scan(lambda c, x: (jnp.tanh(c * w + x), c), 0.0, xs)
        return c + jnp.sum(ys)

    return jax.grad(loss), (np.float32(0.5), randf(6))


@program()
def prog_custom_jvp(jax, jnp):
    @jax.custom_jvp
    def f(x):
        return jnp.log1p(jnp.exp(x))

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), t * jax.nn.sigmoid(x)

    return lambda x: (f(x), jax.grad(lambda x: jnp.sum(f(x)))(x), jax.vmap(jax.grad(f))(x)), (
        randf(4),
    )


@program()
def prog_custom_vjp(jax, jnp):
    @jax.custom_vjp
    def clip_grad(x):
        return x

    def fwd(x):
        return x, None

    def bwd(_, g):
        return (jnp.clip(g, -0.1, 0.1),)

    clip_grad.defvjp(fwd, bwd)
    return lambda x: (clip_grad(x), jax.grad(lambda x: jnp.sum(clip_grad(x) ** 2))(x)), (randf(4),)


# ----------------------------------------------------------------------------------------------
# Assorted jnp utilities commonly used in models.


@program()
def prog_misc_jnp(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (
        jnp.abs(x).max(),
        jnp.trace(x),
        jnp.diagonal(x),
        jnp.sign(x) * jnp.sqrt(jnp.abs(x)),
        jnp.allclose(x, x),
        jnp.array_equal(x, x + 0),
        jnp.isclose(x, x + 1e-9),
        jnp.shape(x),
        jnp.ndim(x),
        jnp.size(x),
    )
    return fs, (x,)


@program()
def prog_linalg_norm(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jnp.linalg.norm(x), jnp.linalg.norm(x, axis=1), jnp.linalg.norm(x[0], ord=1))
    return fs, (x,)


@program()
def prog_array_methods(jax, jnp):
    x = randf(2, 3)
    fs = lambda x: (
        x.sum(),
        x.mean(axis=0),
        x.std(),
        x.min(1),
        x.argmin(),
        x.prod(),
        x.cumsum(),
        x.clip(0, 1),
        x.round(1),
        x.astype(jnp.int32).max(),
        x.squeeze(),
        x.swapaxes(0, 1),
        x.any(),
        x.all(axis=1),
        x.conj(),
        x.real,
        abs(x),
        x.ravel(),
        x.dot(x.T),
        x.reshape(3, 2).T.shape,
        x.size,
        x.ndim,
        x.dtype == np.float32,
    )
    return fs, (x,)


@program()
def prog_operator_overloads(jax, jnp):
    x, i = randf(4), randi(4, lo=1, hi=5)
    fs = lambda x, i: (
        1.0 - x,
        2 / x,
        3**i,
        -x,
        +x,
        abs(-x),
        x @ x,
        2 * i,
        i // 2,
        7 % i,
        x**i,
        i << 1,
        i & 3,
        5 | i,
        x.__rtruediv__(1.0),
        divmod(i, 3),
    )
    return fs, (x, i)


@program()
def prog_meshgrid(jax, jnp):
    a, b = randf(3), randf(2, seed=1)
    return lambda a, b: (jnp.meshgrid(a, b), jnp.meshgrid(a, b, indexing="ij")), (a, b)


@program()
def prog_ix(jax, jnp):
    return lambda: jnp.ix_(np.arange(2), np.arange(3)), ()


@program()
def prog_ufunc_methods(jax, jnp):
    a, x = randf(3), randf(3, 4, seed=1)
    return lambda a, x: (jnp.add.outer(a, a), jnp.maximum.reduce(x, axis=0)), (a, x)


@program()
def prog_diff_kron(jax, jnp):
    x = randf(3, 4)
    fs = lambda x: (jnp.diff(x), jnp.diff(x, axis=0), jnp.kron(x[:2, :2], jnp.eye(2)))
    return fs, (x,)


@program()
def prog_cross(jax, jnp):
    x = randf(3, 4)
    return lambda x: jnp.cross(x[:, :3], x[:, 1:]), (x,)


@program()
def prog_polyval(jax, jnp):
    return lambda x: jnp.polyval(np.array([1.0, 2.0, 3.0], np.float32), x), (randf(3, 4),)


@program()
def prog_searchsorted(jax, jnp):
    xp = np.array([0.0, 1.0, 2.0, 4.0], np.float32)
    x = np.array([-1.0, 0.5, 1.0, 3.0, 5.0], np.float32)
    fs = lambda x, xp: (jnp.searchsorted(xp, x), jnp.searchsorted(xp, x, side="right"))
    return fs, (x, xp)


@program()
def prog_interp_digitize(jax, jnp):
    xp = np.array([0.0, 1.0, 2.0, 4.0], np.float32)
    fp = np.array([1.0, 3.0, 2.0, 0.0], np.float32)
    x = np.array([-1.0, 0.5, 1.5, 3.0, 5.0], np.float32)
    return lambda x, xp, fp: (jnp.interp(x, xp, fp), jnp.digitize(x, xp)), (x, xp, fp)
