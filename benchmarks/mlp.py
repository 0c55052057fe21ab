"""Workloads 2 and 3: gradient of a 3-layer tanh MLP with a mean-squared-error loss.

Batch 128, widths 64 -> 256 -> 256 -> 10, float32. Eager `grad(loss)(params, x, y)` measures
the cost of tracing/linearizing/transposing on every call on top of the matmuls; `jit(grad)`
(second and later calls) measures the compiled code against a hand-written NumPy backward.
"""

from __future__ import annotations

import numpy as np
from _harness import Target, Unavailable, run_row
from _libs import Libs

BATCH, WIDTHS = 128, (64, 256, 256, 10)


def init(rng: np.random.Generator) -> tuple[list, np.ndarray, np.ndarray]:
    params = []
    for i, o in zip(WIDTHS[:-1], WIDTHS[1:]):
        w = (rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32)
        b = (0.1 * rng.standard_normal(o)).astype(np.float32)
        params.append((w, b))
    x = rng.standard_normal((BATCH, WIDTHS[0])).astype(np.float32)
    y = rng.standard_normal((BATCH, WIDTHS[-1])).astype(np.float32)
    return params, x, y


def make_loss(m):
    """The loss written once against a NumPy-like module `m` (jnp, autograd.numpy, torch)."""

    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = m.tanh(h @ w + b)
        w, b = params[-1]
        out = h @ w + b
        return m.mean((out - y) ** 2)

    return loss


def numpy_grad(params, x, y):
    """Forward and hand-written backward of the same loss."""
    hs = [x]
    h = x
    for w, b in params[:-1]:
        h = np.tanh(h @ w + b)
        hs.append(h)
    w, b = params[-1]
    out = h @ w + b
    d = (2.0 / out.size) * (out - y)
    grads = []
    for i in range(len(params) - 1, -1, -1):
        w, _ = params[i]
        hin = hs[i]
        grads.append((hin.T @ d, d.sum(axis=0)))
        if i:
            d = (d @ w.T) * (1.0 - hin * hin)
    return grads[::-1]


def run(libs: Libs) -> None:
    rng = np.random.default_rng(1)
    params, x, y = init(rng)
    ref = numpy_grad(params, x, y)

    def numpy_impl():
        return lambda: numpy_grad(params, x, y)

    def jaxlite_args():
        if libs.jlnp is None:
            raise Unavailable("")
        a = libs.jlnp.asarray
        return [(a(w), a(b)) for w, b in params], a(x), a(y)

    def jax_args():
        if libs.jnp is None:
            raise Unavailable("")
        a = libs.jnp.asarray
        return [(a(w), a(b)) for w, b in params], a(x), a(y)

    def jaxlite_eager():
        p, jx, jy = jaxlite_args()
        g = libs.jaxlite.grad(make_loss(libs.jlnp))
        return lambda: g(p, jx, jy)

    def jaxlite_jit():
        p, jx, jy = jaxlite_args()
        g = libs.jaxlite.jit(libs.jaxlite.grad(make_loss(libs.jlnp)))
        return lambda: g(p, jx, jy)

    def jax_eager():
        p, jx, jy = jax_args()
        g = libs.jax.grad(make_loss(libs.jnp))
        return lambda: libs.jax.block_until_ready(g(p, jx, jy))

    def jax_jit():
        p, jx, jy = jax_args()
        g = libs.jax.jit(libs.jax.grad(make_loss(libs.jnp)))
        return lambda: libs.jax.block_until_ready(g(p, jx, jy))

    def autograd_impl():
        if libs.autograd is None:
            raise Unavailable("")
        g = libs.autograd.grad(make_loss(libs.anp))
        return lambda: g(params, x, y)

    def torch_impl():
        torch = libs.torch
        if torch is None:
            raise Unavailable("")
        tp = [
            (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
            for w, b in params
        ]
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        loss = make_loss(torch)
        leaves = [t for pair in tp for t in pair]

        def step():
            for t in leaves:
                t.grad = None
            loss(tp, tx, ty).backward()
            return [(w.grad, b.grad) for w, b in tp]

        return step

    torch_cell = run_row(
        "eager grad MLP",
        {
            "numpy": numpy_impl,
            "jaxlite": jaxlite_eager,
            "jax": jax_eager,
            "autograd": autograd_impl,
            "torch": torch_impl,
        },
        reference=ref,
        target=Target("ratio", 1.5, "numpy", "jl/np <= 1.5"),
    ).cells
    run_row(
        "jit(grad) MLP",
        {"jaxlite": jaxlite_jit, "jax": jax_jit},
        reference=ref,
        reuse={"numpy": torch_cell["numpy"], "torch": torch_cell["torch"]},
        target=Target("ratio", 1.1, "numpy", "jl/np <= 1.1"),
        note="torch column: eager (no compile)",
    )
