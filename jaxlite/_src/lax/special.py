"""Special-function primitives: erf, erfc, erf_inv, lgamma, digamma, polygamma, zeta.

NumPy has none of these, so the `*_f64` kernels below implement them in float64 (the
primitives cast back to the operand dtype), vectorised over arrays of any shape: series and
continued fractions run a fixed number of terms over the whole array and branches select
elements with masks. Accuracy in float64 is about 1e-15 (relative, or absolute next to zeros
of the function), checked against mpmath in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from jaxlite._src.core import Array, get_aval
from jaxlite._src.lax.bitwise import FLOAT, nary, unary
from jaxlite._src.lax.elementwise import add, exp, mul, neg, square
from jaxlite._src.rules import defjvp


def _bernoulli_even(count: int) -> list[float]:
    """B_2, B_4, ..., B_{2 count}, from the exact recurrence sum_k C(m+1, k) B_k = 0."""
    b = [Fraction(1)]
    for m in range(1, 2 * count + 1):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return [float(b[2 * k]) for k in range(1, count + 1)]


_B2K = _bernoulli_even(14)
_SQRT_PI = math.sqrt(math.pi)
_TWO_OVER_SQRT_PI = 2.0 / _SQRT_PI
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_EULER_GAMMA = 0.57721566490153286061


def _f64(x) -> np.ndarray:
    return np.array(x, dtype=np.float64, copy=True, ndmin=0)


# ----------------------------------------------------------------------------------------------
# erf, erfc


def _exp_neg_sq(x: np.ndarray) -> np.ndarray:
    """exp(-x^2) without the rounding error of x*x: x = head + tail with head^2 exact."""
    head = np.trunc(x * 4096.0) / 4096.0
    return np.exp(-head * head) * np.exp(-(x - head) * (x + head))


def _erf_series(x: np.ndarray) -> np.ndarray:
    # erf x = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (2n+1)!!: positive terms, no cancellation;
    # 60 terms reach 1e-17 for |x| < 2.5.
    x2 = 2.0 * x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, 60):
        term = term * x2 / (2 * n + 1)
        total = total + term
    return _TWO_OVER_SQRT_PI * _exp_neg_sq(x) * total


def _erfc_cf(x: np.ndarray, terms: int) -> np.ndarray:
    # Laplace's continued fraction, x > 0, evaluated backwards:
    # erfc x = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
    f = x.copy()
    for k in range(terms, 0, -1):
        f = x + (0.5 * k) / f
    return _exp_neg_sq(x) / (_SQRT_PI * f)


def erf_f64(x) -> np.ndarray:
    """The error function, in float64."""
    x = _f64(x)
    a = np.abs(x)
    out = np.full_like(a, np.nan)
    small = a < 2.5
    out[small] = _erf_series(a[small])
    big = a >= 2.5
    out[big] = 1.0 - _erfc_cf(np.minimum(a[big], 30.0), 60)
    return np.copysign(out, x)


def erfc_f64(x) -> np.ndarray:
    """The complementary error function 1 - erf(x), in float64 (accurate in the tail)."""
    x = _f64(x)
    out = np.empty_like(x)
    # The continued fraction converges quickly enough from 1.25 on; below, 1 - erf loses
    # at most a few ulps since erfc(1.25) ~ 0.08.
    cf = x >= 1.25
    out[cf] = _erfc_cf(np.minimum(x[cf], 40.0), 100)
    rest = ~cf
    out[rest] = 1.0 - erf_f64(x[rest])
    return out


def erf_inv_f64(x) -> np.ndarray:
    """The inverse error function on [-1, 1] (nan outside), in float64."""
    x = _f64(x)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        # Winitzki's closed form (relative error ~2e-3) as the starting point...
        w = np.log((1.0 - a) * (1.0 + a))
        k = 2.0 / (math.pi * 0.147) + 0.5 * w
        y = np.sqrt(np.sqrt(k * k - w / 0.147) - k)
        y = np.where(np.isfinite(y), y, 0.0)
        # ... then three Halley steps (cubic convergence) on erf(y) = a, or on
        # erfc(y) = 1 - a in the tail, where 1 - a is exact and erfc keeps its digits.
        tail = a > 0.5
        c = 1.0 - a
        for _ in range(3):
            slope = _TWO_OVER_SQRT_PI * np.exp(-y * y)
            f = np.where(tail, c - erfc_f64(y), erf_f64(y) - a)
            d = f / slope
            y = y - d / (1.0 + y * d)
    y = np.where(a == 1.0, np.inf, y)
    y = np.where((a > 1.0) | np.isnan(a), np.nan, y)
    return np.copysign(y, x)


# ----------------------------------------------------------------------------------------------
# Riemann and Hurwitz zeta


def _zeta_int(k: int) -> float:
    """Riemann zeta(k) for an integer k >= 2: 40 terms plus the Euler-Maclaurin tail."""
    n = 40
    s = math.fsum((j + 1.0) ** -k for j in range(n))
    b = float(n + 1)
    s += b ** (1 - k) / (k - 1) + 0.5 * b**-k
    rising = float(k)
    for j in range(1, 12):
        s += _B2K[j - 1] / math.factorial(2 * j) * rising * b ** (-k - 2 * j + 1)
        rising *= (k + 2 * j - 1) * (k + 2 * j)
    return s


_ZETA_SHIFT = 16.0
_ZETA_MAX_SHIFT = 4096


def zeta_f64(s, a) -> np.ndarray:
    """Hurwitz zeta sum_k (a + k)^-s for s > 1, in float64 (XLA's nan/inf conventions)."""
    s, a = np.broadcast_arrays(_f64(s), _f64(a))
    b = a.copy()
    acc = np.zeros_like(b)
    with np.errstate(all="ignore"):
        # Direct terms until a + k >= 16, then Euler-Maclaurin: sum_{k>=0} (b+k)^-s =
        # b^(1-s)/(s-1) + b^-s/2 + sum_j B_2j/(2j)! s(s+1)...(s+2j-2) b^(-s-2j+1).
        for _ in range(_ZETA_MAX_SHIFT):
            m = b < _ZETA_SHIFT
            if not m.any():
                break
            acc = np.where(m, acc + np.power(b, -s), acc)
            b = np.where(m, b + 1.0, b)
        tail = np.power(b, 1.0 - s) / (s - 1.0) + 0.5 * np.power(b, -s)
        rising = s.copy()
        bpow = np.power(b, -s - 1.0)
        inv_b2 = 1.0 / (b * b)
        for j in range(1, 13):
            tail = tail + (_B2K[j - 1] / math.factorial(2 * j)) * rising * bpow
            rising = rising * (s + 2 * j - 1) * (s + 2 * j)
            bpow = bpow * inv_b2
        out = acc + tail
    out = np.where(b < _ZETA_SHIFT, np.nan, out)  # a too negative to shift
    out = np.where(s == 1.0, np.inf, out)
    out = np.where((s < 1.0) | (a == np.inf), np.nan, out)
    # At the poles a = 0, -1, -2, ... XLA gives inf for even integer s and nan otherwise.
    pole = (a <= 0) & (a == np.round(a))
    even = (s == np.round(s)) & (np.fmod(s, 2.0) == 0)
    return np.where(pole, np.where(even, np.inf, np.nan), out)


_FACTORIALS = np.array([float(math.factorial(k)) for k in range(171)])


def polygamma_f64(n, x) -> np.ndarray:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x) for integer n >= 1, digamma for n = 0."""
    n, x = np.broadcast_arrays(_f64(n), _f64(x))
    valid = (n >= 0) & (n == np.round(n))
    k = np.where(valid, n, 0.0)
    with np.errstate(all="ignore"):
        fact = np.where(k > 170, np.inf, _FACTORIALS[np.clip(k, 0, 170).astype(np.int64)])
        sign = np.where(np.fmod(k, 2.0) == 1, 1.0, -1.0)
        out = sign * fact * zeta_f64(k + 1.0, x)
    out = np.where(k == 0, digamma_f64(x), out)
    return np.where(valid, out, np.nan)


# ----------------------------------------------------------------------------------------------
# lgamma


_LG_BIG = 10.0
# lgamma(1 + e) = -gamma e + sum_{k>=2} (-1)^k zeta(k) e^k / k, for |e| <= 1/2.
_LG1_COEF = [(-1) ** k * _zeta_int(k) / k for k in range(2, 60)]


def _lgamma_near_one(e: np.ndarray) -> np.ndarray:
    s = np.zeros_like(e)
    for c in reversed(_LG1_COEF):
        s = (s + c) * e
    return (s - _EULER_GAMMA) * e


def _stirling_lgamma(z: np.ndarray) -> np.ndarray:
    # lgamma z = (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) z^(2k-1)), z >= 10.
    r = 1.0 / z
    r2 = r * r
    s = np.zeros_like(z)
    for k in range(8, 0, -1):
        s = s * r2 + _B2K[k - 1] / (2 * k * (2 * k - 1))
    return (z - 0.5) * np.log(z) - z + _HALF_LOG_2PI + s * r


def _lgamma_pos(x: np.ndarray) -> np.ndarray:
    # x > 0. Large x: Stirling. Otherwise move x into [0.5, 2.5) with
    # lgamma(x) = lgamma(x - 1) + log(x - 1) (one log of the product of the factors) and sum
    # the Taylor series about 1 or 2, which stays accurate next to the zeros at 1 and 2.
    out = np.empty_like(x)
    big = x >= _LG_BIG
    out[big] = _stirling_lgamma(x[big])
    xs = x[~big]
    tiny = xs < 0.5
    y = np.where(tiny, xs + 1.0, xs)
    p = np.ones_like(y)
    for _ in range(int(_LG_BIG) - 2):
        m = y >= 2.5
        y = np.where(m, y - 1.0, y)
        p = np.where(m, p * y, p)
    upper = y >= 1.5
    e = np.where(upper, y - 2.0, y - 1.0)
    val = _lgamma_near_one(e) + np.where(upper, np.log1p(e), 0.0) + np.log(p)
    out[~big] = np.where(tiny, val - np.log(np.where(tiny, xs, 1.0)), val)
    return out


def lgamma_f64(x) -> np.ndarray:
    """log |Gamma(x)|, in float64; inf at the poles 0, -1, -2, ... and at +-inf."""
    x = _f64(x)
    out = np.full_like(x, np.nan)
    with np.errstate(all="ignore"):
        pos = x > 0
        out[pos] = _lgamma_pos(x[pos])
        neg = x <= 0
        xn = x[neg]
        # Reflection: lgamma x = log(pi / |sin(pi x)|) - lgamma(1 - x), with the sine taken of
        # the distance to the nearest integer (exact) so large |x| keep their digits.
        r = xn - np.round(xn)
        val = math.log(math.pi) - np.log(np.abs(np.sin(math.pi * r))) - _lgamma_pos(1.0 - xn)
        out[neg] = np.where((r == 0) | np.isinf(xn), np.inf, val)
    out[x == np.inf] = np.inf
    return out


# ----------------------------------------------------------------------------------------------
# digamma


def _digamma_pos(x: np.ndarray) -> np.ndarray:
    # psi x = psi(x + n) - sum_k 1/(x + k), then for z >= 10 the asymptotic series
    # psi z = log z - 1/(2z) - sum_k B_2k / (2k z^2k).
    z = x.copy()
    acc = np.zeros_like(x)
    for _ in range(int(_LG_BIG)):
        m = z < _LG_BIG
        acc = np.where(m, acc + 1.0 / np.where(m, z, 1.0), acc)
        z = np.where(m, z + 1.0, z)
    r2 = 1.0 / (z * z)
    s = np.zeros_like(z)
    for k in range(8, 0, -1):
        s = s * r2 + _B2K[k - 1] / (2 * k)
    return np.log(z) - 0.5 / z - s * r2 - acc


def digamma_f64(x) -> np.ndarray:
    """psi(x) = d/dx lgamma(x), in float64; nan at the poles 0, -1, ... and at -inf (as XLA)."""
    x = _f64(x)
    out = np.full_like(x, np.nan)
    with np.errstate(all="ignore"):
        pos = x > 0
        out[pos] = _digamma_pos(x[pos])
        neg = x <= 0
        xn = x[neg]
        # Reflection: psi x = psi(1 - x) - pi / tan(pi x) (tan has period 1).
        r = xn - np.round(xn)
        val = _digamma_pos(1.0 - xn) - math.pi / np.tan(math.pi * r)
        out[neg] = np.where((r == 0) | np.isinf(xn), np.nan, val)
    return out


# ----------------------------------------------------------------------------------------------
# Primitives


def _via_f64(kernel: Callable) -> Callable:
    def impl(*args):
        out = kernel(*args)
        dt = np.result_type(*[np.asarray(a).dtype for a in args])
        return out.astype(dt) if np.ndim(out) else dt.type(out)

    return impl


def _const(like: Any, value: Any) -> Any:
    # Rank 0, of the dtype and weak type of `like`.
    aval = get_aval(like)
    c = np.array(value, dtype=aval.dtype)
    return Array(c, weak_type=True) if aval.weak_type else c


# erf: d erf x = 2/sqrt(pi) exp(-x^2) dx.
erf_p = unary("erf", _via_f64(erf_f64), FLOAT)
defjvp(erf_p, lambda g, ans, x: mul(_const(x, 2 / _SQRT_PI), mul(g, exp(neg(square(x))))))

# erfc: d erfc x = -2/sqrt(pi) exp(-x^2) dx.
erfc_p = unary("erfc", _via_f64(erfc_f64), FLOAT)
defjvp(erfc_p, lambda g, ans, x: mul(_const(x, -2 / _SQRT_PI), mul(g, exp(neg(square(x))))))

# erf_inv: the inverse function's derivative, sqrt(pi)/2 exp(ans^2).
erf_inv_p = unary("erf_inv", _via_f64(erf_inv_f64), FLOAT)
defjvp(erf_inv_p, lambda g, ans, x: mul(_const(x, _SQRT_PI / 2), mul(g, exp(square(ans)))))

# lgamma: d lgamma x = digamma x dx.
lgamma_p = unary("lgamma", _via_f64(lgamma_f64), FLOAT)
defjvp(lgamma_p, lambda g, ans, x: mul(g, digamma(x)))

# digamma: d psi x = psi^(1)(x) dx.
digamma_p = unary("digamma", _via_f64(digamma_f64), FLOAT)
defjvp(digamma_p, lambda g, ans, x: mul(g, polygamma(_const(x, 1), x)))


def _polygamma_jvp_m(g, ans, m, x):
    raise ValueError("polygamma gradient with respect to m is not supported")


# polygamma(m, x): d psi^(m)(x) = psi^(m+1)(x) dx; m is an integer-valued float.
polygamma_p = nary("polygamma", _via_f64(polygamma_f64), FLOAT)
defjvp(
    polygamma_p,
    _polygamma_jvp_m,
    lambda g, ans, m, x: mul(g, polygamma(add(m, _const(m, 1)), x)),
)

# zeta(s, a): the Hurwitz zeta function (no derivative rule, as JAX).
zeta_p = nary("zeta", _via_f64(zeta_f64), FLOAT)


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def erf(x: Any) -> Any:
    """Elementwise error function."""
    return erf_p.bind(x)


def erfc(x: Any) -> Any:
    """Elementwise complementary error function `1 - erf(x)`."""
    return erfc_p.bind(x)


def erf_inv(x: Any) -> Any:
    """Elementwise inverse error function."""
    return erf_inv_p.bind(x)


def lgamma(x: Any) -> Any:
    """Elementwise log of the absolute value of the gamma function."""
    return lgamma_p.bind(x)


def digamma(x: Any) -> Any:
    """Elementwise digamma function (derivative of lgamma)."""
    return digamma_p.bind(x)


def polygamma(m: Any, x: Any) -> Any:
    """Elementwise `m`-th derivative of digamma (`m` an integer-valued float)."""
    return polygamma_p.bind(m, x)


def zeta(x: Any, q: Any) -> Any:
    """Elementwise Hurwitz zeta function `sum_k (q + k) ** -x`."""
    return zeta_p.bind(x, q)


__all__ = [
    "digamma",
    "erf",
    "erf_inv",
    "erfc",
    "lgamma",
    "polygamma",
    "zeta",
    "digamma_p",
    "erf_inv_p",
    "erf_p",
    "erfc_p",
    "lgamma_p",
    "polygamma_p",
    "zeta_p",
]
