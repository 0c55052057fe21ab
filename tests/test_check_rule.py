"""jaxlite.test_util.check_rule: correct rules pass, wrong ones are caught with the check and
the leaf path named."""

import re
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.custom_derivatives import SymbolicZero
from jaxlite.test_util import RuleReport, check_rule


def statuses(report: RuleReport) -> dict:
    out: dict = {}
    for r in report.rows:
        out.setdefault(r["check"], set()).add(r["status"])
    return out


def failed_checks(report: RuleReport) -> set:
    return {r["check"] for r in report.failures}


@pytest.fixture(autouse=True)
def _x64(x64):
    """Finite differences in float64 (see conftest's x64 fixture)."""


# ----------------------------------------------------------------------------------------------
# Correct rules pass


def test_custom_jvp_rule_passes_every_check():
    @jax.custom_jvp
    def f(x, y):
        return jnp.sin(x) * y

    f.defjvps(lambda t, ans, x, y: jnp.cos(x) * t * y, lambda t, ans, x, y: jnp.sin(x) * t)
    report = check_rule(f, jnp.array([0.3, 0.9]), jnp.array([2.0, -1.0]))
    assert report.ok, report
    st = statuses(report)
    for check in [
        "rule primal vs fun",
        "jvp vs finite differences",
        "vjp vs finite differences",
        "jvp vs autodiff of primal",
        "vjp vs autodiff of primal",
        "adjoint <v,Ju> = <J^T v,u>",
        "bwd linear in cotangent",
        "jvp linear in tangent",
        "inputs [0] perturbed: vjp",
        "inputs [1] perturbed: jvp",
        "jit: value",
        "jit: vjp",
        "jit: jvp",
        "vmap: value",
        "vmap: vjp",
        "vmap: jvp",
        "order 2: reverse over reverse",
        "order 2: forward over forward",
    ]:
        assert st[check] == {"ok"}, (check, report)


def test_custom_vjp_rule_passes_and_forward_checks_are_skipped():
    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y, {"p": x * y}

    def f_bwd(res, ct):
        x, y = res
        # y is a scalar broadcast against x: its cotangent sums.
        return (
            jnp.cos(x) * y * ct[0] + y * ct[1]["p"],
            jnp.sum(jnp.sin(x) * ct[0] + x * ct[1]["p"]),
        )

    f.defvjp(lambda x, y: (f(x, y), (x, y)), f_bwd)
    report = check_rule(f, jnp.array([0.3, 0.9]), 2.0)
    assert report.ok, report
    st = statuses(report)
    assert st["jvp vs finite differences"] == {"skipped"}
    assert st["vjp vs finite differences"] == {"ok"}
    assert st["outputs ['[0]'] used: vjp"] == {"ok"}
    assert st["outputs [\"[1]['p']\"] used: vjp"] == {"ok"}
    assert st["order 2: reverse over reverse"] == {"ok"}


def test_forward_mode_rule_is_checked_in_both_modes():
    @jax.custom_vjp
    def f(x):
        return jnp.tanh(x)

    f.defvjp(
        lambda x: (f(x), jnp.tanh(x)), lambda t, g: (g * (1 - t**2),), forward_mode="transpose"
    )
    report = check_rule(f, jnp.array([0.1, -0.4, 2.0]))
    assert report.ok, report
    assert statuses(report)["adjoint <v,Ju> = <J^T v,u>"] == {"ok"}
    assert statuses(report)["order 2: forward over forward"] == {"ok"}


def test_symbolic_zero_rules_integer_and_nondiff_arguments():
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def f(act, x, n, y):
        return act(x) * n + y

    def f_fwd(act, x, n, y):
        return f(act, x.value, n.value, y.value), (x.value, n.value)

    def f_bwd(act, res, g):
        x, n = res
        _, pull = jax.vjp(act, x)
        gy = None if type(g) is SymbolicZero else jnp.sum(g)  # y is a broadcast scalar
        return (pull(g * n)[0], None, gy)

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True)
    report = check_rule(f, jnp.tanh, jnp.array([0.5, 1.5]), 3, 1.0)
    assert report.ok, report
    assert statuses(report)["inputs [0] perturbed: vjp"] == {"ok"}


def test_pytree_arguments():
    Point = namedtuple("Point", ["x", "y"])

    @jax.custom_jvp
    def norm(p):
        return jnp.sqrt(p.x**2 + p.y**2)

    @norm.defjvp
    def norm_jvp(primals, tangents):
        (p,), (t,) = primals, tangents
        ans = norm(p)
        return ans, (p.x * t.x + p.y * t.y) / ans

    assert check_rule(norm, Point(jnp.array([3.0, 1.0]), jnp.array([4.0, 2.0]))).ok


def test_rule_that_is_stabler_than_autodiff_skips_the_primal_comparison():
    @jax.custom_jvp
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    log1pexp.defjvps(lambda t, ans, x: (1 - 1 / (1 + jnp.exp(x))) * t)
    report = check_rule(log1pexp, jnp.array([1.0, 800.0]), order=1)
    assert report.ok, report
    st = statuses(report)
    assert st["vjp vs autodiff of primal"] == {"skipped"}  # autodiff gives nan at 800
    assert st["jvp vs finite differences"] == {"skipped"}  # so do finite differences
    assert st["order 2: reverse over reverse"] == {"skipped"}  # order=1
    assert check_rule(log1pexp, jnp.array([1.0, 30.0])).ok


# ----------------------------------------------------------------------------------------------
# Wrong rules are caught


def test_wrong_derivative_is_caught_and_raises_with_leaf_path():
    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    f.defvjp(
        lambda x, y: (f(x, y), (x, y)),
        lambda r, g: (jnp.cos(r[0]) * r[1] * g, 2 * jnp.sin(r[0]) * g),
    )  # d/dy doubled
    report = check_rule(f, 0.5, 2.0)
    assert not report.ok
    assert {"vjp vs finite differences", "vjp vs autodiff of primal"} <= failed_checks(report)
    bad = [r for r in report.failures if r["check"] == "vjp vs autodiff of primal"][0]
    assert bad["where"] == "ct_in[1]"
    with pytest.raises(
        AssertionError, match=re.escape("check 'vjp vs finite differences' failed at ct_in[1]")
    ):
        check_rule(f, 0.5, 2.0, raise_on_failure=True)


def test_nonlinear_bwd_is_caught():
    @jax.custom_vjp
    def f(x):
        return x * 2.0

    f.defvjp(lambda x: (f(x), None), lambda r, g: (2.0 * g + g**2,))
    report = check_rule(f, jnp.array([0.5, 1.0]))
    assert "bwd linear in cotangent" in failed_checks(report)


def test_nonlinear_jvp_rule_is_caught():
    @jax.custom_jvp
    def f(x):
        return x * 2.0

    f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0] + t[0] ** 3))
    report = check_rule(f, jnp.array([0.5, 1.0]), order=1)
    assert "jvp linear in tangent" in failed_checks(report)


def test_fwd_primal_output_differing_from_fun_is_caught():
    @jax.custom_vjp
    def f(x):
        return jnp.sin(x)

    f.defvjp(lambda x: (jnp.cos(x), jnp.cos(x)), lambda c, g: (c * g,))
    report = check_rule(f, jnp.array([0.5, 1.0]))
    assert "rule primal vs fun" in failed_checks(report)
    row = [r for r in report.failures if r["check"] == "rule primal vs fun"][0]
    assert row["where"] == "out"


def test_rule_that_only_fails_for_unperturbed_subsets_is_caught():
    @jax.custom_vjp
    def f(x, y):
        return x * y

    def f_fwd(x, y):
        return f(x.value, y.value), (x.value, y.value, x.perturbed, y.perturbed)

    def f_bwd(res, g):
        x, y, px, py = res
        # Bug: when y is not perturbed, the x cotangent is wrong.
        return (g * y if py else g * y * 2, g * x)

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True)
    report = check_rule(f, 1.5, 2.0)
    assert failed_checks(report) == {"inputs [0] perturbed: vjp"}


def test_errors_inside_a_check_are_reported():
    @jax.custom_vjp
    def f(x):
        return x

    f.defvjp(lambda x: (x, None), lambda r, g: (g, g))  # wrong count: bwd raises TypeError
    report = check_rule(f, 1.0)
    assert any(r["status"] == "ERROR" and "TypeError" in r["note"] for r in report.rows)
    assert not report.ok


# ----------------------------------------------------------------------------------------------
# The report


def test_report_is_a_readable_table():
    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvps(lambda t, ans, x: jnp.cos(x) * t)
    text = str(check_rule(f, 0.5))
    lines = text.splitlines()
    assert re.match(
        r"check_rule\(.*f at .*test_check_rule.py:\d+\): \d+ checks, \d+ passed, "
        r"0 failed, \d+ skipped",
        lines[0],
    )
    assert lines[1].split(" | ")[:3] == [
        "check".ljust(len(lines[1].split(" | ")[0])),
        "where".ljust(len(lines[1].split(" | ")[1])),
        "status ",
    ]
    assert set(lines[2]) <= {"-", "+"}
    assert any(line.startswith("jvp vs finite differences") for line in lines)
    assert repr(check_rule(f, 0.5)).splitlines()[0] == lines[0]


def test_rejects_plain_functions():
    with pytest.raises(TypeError, match="custom_jvp or custom_vjp"):
        check_rule(jnp.sin, 1.0)


def test_float32_arguments_use_looser_tolerances():
    @jax.custom_jvp
    def f(x):
        return jnp.exp(x)

    f.defjvps(lambda t, ans, x: ans * t)
    report = check_rule(f, np.asarray([0.1, 0.5], np.float32))
    assert report.ok, report


# ----------------------------------------------------------------------------------------------
# The user guide's examples run and print what it shows


def test_user_guide_examples(x64):
    import contextlib
    import io
    import pathlib

    from jaxlite._src.config import config

    config.update("jax_enable_x64", False)  # the guide's outputs are float32
    text = (pathlib.Path(__file__).parent.parent / "docs" / "custom_rules.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    ns: dict = {}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        for block in blocks:
            block = block.replace(
                "check_rule(bad, x, raise_on_failure=True)",
                "try:\n    check_rule(bad, x, raise_on_failure=True)\n"
                "except AssertionError as e:\n    print(str(e).splitlines()[0])",
            )
            exec(compile(block, "example.py", "exec"), ns)
    out = buf.getvalue()
    for expected in [
        "2.7278922",
        "-1.2484405",
        "[0.5       0.7310586 0.8807971]",
        "(Array(1.68, dtype=float32), Array(1.08, dtype=float32))",
        "0.75",
        "perturbed: True False",
        "unused outputs: [True, False]",
        "0.47942555",
        "10.0",
        "1.0214515",
        "18 checks, 16 passed, 0 failed, 2 skipped",
        "check 'vjp vs finite differences' failed at ct_in[0]",
    ]:
        assert expected in out, (expected, out)
