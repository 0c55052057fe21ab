"""Workloads 4 and 5: gradient of a 200-operation elementwise chain on 100 float32 elements.

The chain cycles through sin, *0.9, cos, +0.1, tanh, exp (values stay O(1)) and ends with a
sum. With tiny arrays the time is all per-operation overhead: eager grad shows the cost of
the AD machinery per primitive, jit(grad) the generated code, and the first call of a fresh
`jit(grad(chain))` the cost of tracing + optimising + code generation.
"""

from __future__ import annotations

import numpy as np
from _harness import Target, Unavailable, run_row
from _libs import Libs

N, LENGTH = 100, 200
OPS = ("sin", "mul", "cos", "add", "tanh", "exp")
MUL, ADD = 0.9, 0.1


def chain(m, x):
    """The chain written against a NumPy-like module `m` (jnp, autograd.numpy, torch)."""
    for i in range(LENGTH):
        op = OPS[i % len(OPS)]
        if op == "mul":
            x = x * MUL
        elif op == "add":
            x = x + ADD
        else:
            x = getattr(m, op)(x)
    return m.sum(x)


def make_chain(m):
    """A new function object each call (JAX caches compilations by function identity)."""
    return lambda x: chain(m, x)


def numpy_grad(x: np.ndarray) -> np.ndarray:
    """Forward pass keeping what the backward needs, then the hand-written backward."""
    saved = []
    for i in range(LENGTH):
        op = OPS[i % len(OPS)]
        if op == "sin":
            saved.append(np.cos(x))
            x = np.sin(x)
        elif op == "cos":
            saved.append(-np.sin(x))
            x = np.cos(x)
        elif op == "tanh":
            x = np.tanh(x)
            saved.append(1.0 - x * x)
        elif op == "exp":
            x = np.exp(x)
            saved.append(x)
        elif op == "mul":
            saved.append(None)
            x = x * MUL
        else:
            saved.append(None)
            x = x + ADD
    g = np.ones_like(x)
    for i in range(LENGTH - 1, -1, -1):
        op = OPS[i % len(OPS)]
        if op == "mul":
            g = g * MUL
        elif op != "add":
            g = g * saved[i]
    return g


def run(libs: Libs) -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(-1.0, 1.0, N).astype(np.float32)
    ref = numpy_grad(x)
    # 200 float32 roundings each way: allow a little more than for single operations.
    tol = {"rtol": 1e-3, "atol_scale": 1e-4}

    def numpy_impl():
        return lambda: numpy_grad(x)

    def jaxlite_x():
        if libs.jlnp is None:
            raise Unavailable("")
        return libs.jlnp.asarray(x)

    def jax_x():
        if libs.jnp is None:
            raise Unavailable("")
        return libs.jnp.asarray(x)

    def jaxlite_eager():
        jx = jaxlite_x()
        g = libs.jaxlite.grad(make_chain(libs.jlnp))
        return lambda: g(jx)

    def jaxlite_jit():
        jx = jaxlite_x()
        g = libs.jaxlite.jit(libs.jaxlite.grad(make_chain(libs.jlnp)))
        return lambda: g(jx)

    def jax_eager():
        jx = jax_x()
        g = libs.jax.grad(make_chain(libs.jnp))
        return lambda: g(jx).block_until_ready()

    def jax_jit():
        jx = jax_x()
        g = libs.jax.jit(libs.jax.grad(make_chain(libs.jnp)))
        return lambda: g(jx).block_until_ready()

    def autograd_impl():
        if libs.autograd is None:
            raise Unavailable("")
        g = libs.autograd.grad(make_chain(libs.anp))
        return lambda: g(x)

    def torch_impl():
        torch = libs.torch
        if torch is None:
            raise Unavailable("")
        tx = torch.tensor(x, requires_grad=True)
        f = make_chain(torch)

        def step():
            tx.grad = None
            f(tx).backward()
            return tx.grad

        return step

    eager = run_row(
        "eager grad chain200 n=100",
        {
            "numpy": numpy_impl,
            "jaxlite": jaxlite_eager,
            "jax": jax_eager,
            "autograd": autograd_impl,
            "torch": torch_impl,
        },
        reference=ref,
        target=Target("ratio", 0.1, "jax", "jl/jax <= 0.1"),
        **tol,
    ).cells
    run_row(
        "jit(grad) chain200 n=100",
        {"jaxlite": jaxlite_jit, "jax": jax_jit},
        reference=ref,
        reuse={c: eager[c] for c in ("numpy", "autograd", "torch")},
        **tol,
    )

    # Workload 5: first call of a fresh jit(grad(chain)): trace + optimise/compile + run.
    def jaxlite_first():
        jx = jaxlite_x()
        jl = libs.jaxlite

        def once():
            return jl.jit(jl.grad(make_chain(libs.jlnp)))(jx)

        return once  # every call builds a fresh jit object (and function), so none is warm

    def jax_first():
        jx = jax_x()
        jax = libs.jax

        def once():
            return jax.jit(jax.grad(make_chain(libs.jnp)))(jx).block_until_ready()

        return once

    run_row(
        "first call jit(grad(chain200))",
        {"jaxlite": jaxlite_first, "jax": jax_first},
        reference=ref,
        fresh={"jaxlite", "jax"},
        target=Target("abs", 12e-3, label="<= 12 ms"),
        **tol,
    )
