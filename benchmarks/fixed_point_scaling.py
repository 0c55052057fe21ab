"""Implicit differentiation of a fixed point versus differentiating the unrolled iterations.

`x* = fixed_point(a)` iterates the Newton step `x <- (x + a/x) / 2` on 1000 elements for N
iterations. The implicit version is a `custom_vjp` whose backward pass solves the adjoint
fixed point `w = g + (df/dx)^T w` with another loop: its memory does not grow with N. The
unrolled version differentiates the loop itself (`fori_loop` with static bounds is a `scan`),
which saves residuals for every iteration: memory grows linearly with N. Both run under
`jit(grad)`; time is one call after compilation, peak memory is measured with tracemalloc
(NumPy reports its buffers to it).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from _libs import Libs

SIZE = 1000
ITERATIONS = (100, 1000, 10000)


def _step(a, x):
    return 0.5 * (x + a / x)


def make_implicit(jl, n: int):
    lax = jl.lax

    @jl.custom_vjp
    def fixed_point(a):
        return lax.fori_loop(0, n, lambda i, x: _step(a, x), a)

    def fwd(a):
        x = fixed_point(a)
        return x, (a, x)

    def bwd(res, g):
        a, x = res
        _, vjp_a = jl.vjp(lambda a: _step(a, x), a)
        _, vjp_x = jl.vjp(lambda x: _step(a, x), x)
        w = lax.fori_loop(0, n, lambda i, w: g + vjp_x(w)[0], g)
        return vjp_a(w)

    fixed_point.defvjp(fwd, bwd)
    return fixed_point


def make_unrolled(jl, n: int):
    return lambda a: jl.lax.fori_loop(0, n, lambda i, x: _step(a, x), a)


def _measure(g, a) -> tuple[float, float, np.ndarray]:
    out = np.asarray(g(a))  # compile and warm up
    tracemalloc.start()
    t = time.perf_counter()
    g(a).block_until_ready()
    dt = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dt, peak / 2**20, out


def run(libs: Libs) -> None:
    jl, jnp = libs.jaxlite, libs.jlnp
    if jl is None or jnp is None or not hasattr(jl.lax, "fori_loop"):
        print("  pending: needs jaxlite.lax.fori_loop and custom_vjp")
        return
    a = jnp.asarray(np.linspace(1.0, 4.0, SIZE, dtype=np.float32))
    expected = 0.5 / np.sqrt(np.linspace(1.0, 4.0, SIZE))  # d sqrt(a) / da
    print(
        f"  {'iterations':>10}  {'implicit time':>14}  {'implicit peak':>14}  "
        f"{'unrolled time':>14}  {'unrolled peak':>14}"
    )
    for n in ITERATIONS:
        cells = []
        for make in (make_implicit, make_unrolled):
            f = make(jl, n)
            g = jl.jit(jl.grad(lambda a, f=f: jnp.sum(f(a))))
            dt, peak, out = _measure(g, a)
            if not np.allclose(out, expected, rtol=1e-3):
                cells.append(("WRONG", ""))
                continue
            cells.append((f"{dt * 1e3:.1f} ms", f"{peak:.2f} MiB"))
        (ti, mi), (tu, mu) = cells
        print(f"  {n:>10}  {ti:>14}  {mi:>14}  {tu:>14}  {mu:>14}")
