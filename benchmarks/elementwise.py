"""Workload 1: eager elementwise dispatch, `sin(x) * 2.0 + x` on float32 vectors.

At n=100 this measures per-operation dispatch overhead (three primitives); at n=10^6 it
measures whether eager execution adds anything on top of NumPy's kernels.
"""

from __future__ import annotations

import numpy as np
from _harness import Target, Unavailable, run_row
from _libs import Libs


def _expr(m, x):
    return m.sin(x) * 2.0 + x


def run(libs: Libs) -> None:
    rng = np.random.default_rng(0)
    for n, label in ((100, "100"), (10**6, "10^6")):
        x = rng.standard_normal(n).astype(np.float32)
        ref = _expr(np, x)

        def numpy_impl(x=x):
            return lambda: _expr(np, x)

        def jaxlite_impl(x=x):
            if libs.jlnp is None:
                raise Unavailable("")
            jx = libs.jlnp.asarray(x)
            return lambda: _expr(libs.jlnp, jx)

        def jax_impl(x=x):
            if libs.jnp is None:
                raise Unavailable("")
            jx = libs.jnp.asarray(x)
            return lambda: _expr(libs.jnp, jx).block_until_ready()

        def torch_impl(x=x):
            if libs.torch is None:
                raise Unavailable("")
            tx = libs.torch.from_numpy(x.copy())
            return lambda: _expr(libs.torch, tx)

        run_row(
            f"eager sin(x)*2+x  n={label}",
            {"numpy": numpy_impl, "jaxlite": jaxlite_impl, "jax": jax_impl, "torch": torch_impl},
            reference=ref,
            rtol=1e-5,
            atol_scale=1e-6,
            target=Target("ratio", 2.5, "numpy", "jl/np <= 2.5") if n == 100 else None,
        )
