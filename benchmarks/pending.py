"""Workload 6: custom rules (issue 3) and control flow (issue 4).

Each part runs once jaxlite has the feature (`jaxlite.custom_vjp`, `jaxlite.lax.while_loop`)
and prints "pending (issue N)" until then.

- softplus with a custom VJP on 10^6 float32 elements, `jit(grad(sum(softplus)))`: a
  user-defined rule inside compiled code on a large array (overhead should vanish).
- implicit differentiation through a fixed point: Newton's iteration for sqrt(a) run by
  `while_loop` in a `custom_vjp` whose backward pass solves the adjoint fixed point
  w = g + (df/dx)^T w with another `while_loop`; eager `grad` and `jit(grad)`.
"""

from __future__ import annotations

import numpy as np
from _harness import Unavailable, pending_row, run_row
from _libs import Libs

# ----------------------------------------------------------------------------------------------
# softplus with a custom VJP


def make_softplus(custom_vjp, m):
    """softplus(x) = log(1 + e^x), computed stably, with derivative sigmoid(x)."""

    def _sigmoid(x):
        return 0.5 * (m.tanh(0.5 * x) + 1.0)

    @custom_vjp
    def softplus(x):
        return m.log1p(m.exp(-m.abs(x))) + m.maximum(x, 0.0)

    def fwd(x):
        return softplus(x), x

    def bwd(x, g):
        return (g * _sigmoid(x),)

    softplus.defvjp(fwd, bwd)
    return softplus


def softplus_numpy_grad(x: np.ndarray) -> np.ndarray:
    """d/dx sum(softplus(x)) = sigmoid(x), the stable tanh form."""
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def run_softplus(libs: Libs) -> None:
    name = "jit(grad) custom_vjp softplus n=10^6"
    jl = libs.jaxlite
    if jl is None or not hasattr(jl, "custom_vjp"):
        pending_row(name, "pending (issue 3)")
        return
    rng = np.random.default_rng(3)
    x = (3.0 * rng.standard_normal(10**6)).astype(np.float32)
    ref = softplus_numpy_grad(x)

    def numpy_impl():
        return lambda: softplus_numpy_grad(x)

    def jaxlite_impl():
        f = make_softplus(jl.custom_vjp, libs.jlnp)
        g = jl.jit(jl.grad(lambda v: libs.jlnp.sum(f(v))))
        jx = libs.jlnp.asarray(x)
        return lambda: g(jx)

    def jax_impl():
        if libs.jax is None:
            raise Unavailable("")
        jax, jnp = libs.jax, libs.jnp
        f = make_softplus(jax.custom_vjp, jnp)
        g = jax.jit(jax.grad(lambda v: jnp.sum(f(v))))
        jx = jnp.asarray(x)
        return lambda: g(jx).block_until_ready()

    run_row(
        name,
        {"numpy": numpy_impl, "jaxlite": jaxlite_impl, "jax": jax_impl},
        reference=ref,
        rtol=1e-5,
        atol_scale=1e-6,
    )


# ----------------------------------------------------------------------------------------------
# Fixed point with implicit differentiation

FP_N, FP_TOL, FP_MAXITER = 1000, 1e-6, 100


def _newton(a, x):
    """One Newton step for x^2 = a; its fixed point is sqrt(a)."""
    return 0.5 * (x + a / x)


def make_fixed_point(custom_vjp, while_loop, vjp, m):
    """sqrt(a) as the fixed point of `_newton`, differentiated implicitly."""

    def iterate(step, x0):
        # carry: (iteration count, previous iterate, current iterate)
        def cond(c):
            i, prev, cur = c
            return (i < FP_MAXITER) & (m.max(m.abs(cur - prev)) > FP_TOL)

        def body(c):
            i, _, cur = c
            return i + 1, cur, step(cur)

        return while_loop(cond, body, (0, x0, step(x0)))[2]

    @custom_vjp
    def fixed_point(a):
        return iterate(lambda x: _newton(a, x), m.ones_like(a))

    def fwd(a):
        x = fixed_point(a)
        return x, (a, x)

    def bwd(res, g):
        a, x = res
        _, vjp_x = vjp(lambda z: _newton(a, z), x)
        # adjoint fixed point: w = g + (d newton / dx)^T w
        w = iterate(lambda w: g + vjp_x(w)[0], g)
        _, vjp_a = vjp(lambda b: _newton(b, x), a)
        return vjp_a(w)

    fixed_point.defvjp(fwd, bwd)
    return fixed_point


def fixed_point_numpy_grad(a: np.ndarray) -> np.ndarray:
    """The same two iterations by hand: forward Newton, then the adjoint iteration."""

    def iterate(step, x0):
        prev, cur = x0, step(x0)
        for _ in range(FP_MAXITER):
            if np.max(np.abs(cur - prev)) <= FP_TOL:
                break
            prev, cur = cur, step(cur)
        return cur

    x = iterate(lambda z: _newton(a, z), np.ones_like(a))
    dfdx = 0.5 * (1.0 - a / (x * x))
    g = np.ones_like(a)  # d sum / dx*
    w = iterate(lambda w: g + dfdx * w, g)
    return w * (0.5 / x)  # (d newton / da)^T w


def run_fixed_point(libs: Libs) -> None:
    names = ("eager grad fixed_point sqrt n=1000", "jit(grad) fixed_point sqrt n=1000")
    jl = libs.jaxlite
    if jl is None or not hasattr(jl, "custom_vjp") or not hasattr(jl.lax, "while_loop"):
        for name in names:
            pending_row(name, "pending (issue 4)")
        return
    rng = np.random.default_rng(4)
    a = rng.uniform(0.5, 4.0, FP_N).astype(np.float32)
    ref = fixed_point_numpy_grad(a)

    def numpy_impl():
        return lambda: fixed_point_numpy_grad(a)

    def jaxlite_grad(jit):
        def build():
            f = make_fixed_point(jl.custom_vjp, jl.lax.while_loop, jl.vjp, libs.jlnp)
            g = jl.grad(lambda v: libs.jlnp.sum(f(v)))
            g = jl.jit(g) if jit else g
            ja = libs.jlnp.asarray(a)
            return lambda: g(ja)

        return build

    def jax_grad(jit):
        def build():
            if libs.jax is None:
                raise Unavailable("")
            jax, jnp = libs.jax, libs.jnp
            f = make_fixed_point(jax.custom_vjp, jax.lax.while_loop, jax.vjp, jnp)
            g = jax.grad(lambda v: jnp.sum(f(v)))
            g = jax.jit(g) if jit else g
            ja = jnp.asarray(a)
            return lambda: g(ja).block_until_ready()

        return build

    np_cell = None
    for name, jit in zip(names, (False, True)):
        row = run_row(
            name,
            {"numpy": numpy_impl, "jaxlite": jaxlite_grad(jit), "jax": jax_grad(jit)},
            reference=ref,
            rtol=1e-5,
            atol_scale=1e-6,
            reuse={"numpy": np_cell} if np_cell else None,
        )
        np_cell = row.cells["numpy"]


def run(libs: Libs) -> None:
    run_softplus(libs)
    run_fixed_point(libs)
