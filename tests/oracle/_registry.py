"""Registry and input helpers for the oracle corpus (see programs.py)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Program:
    name: str
    build: Callable
    x64: bool = False
    jaxpr_text: bool = False
    raw_args: bool = False
    rtol: float | None = None
    atol: float | None = None


PROGRAMS: dict[str, Program] = {}


def program(x64=False, jaxpr_text=False, raw_args=False, rtol=None, atol=None, name=None):
    """Registers a builder under its name without the `prog_` prefix."""

    def deco(build):
        key = name or build.__name__.removeprefix("prog_")
        assert key not in PROGRAMS, key
        PROGRAMS[key] = Program(key, build, x64, jaxpr_text, raw_args, rtol, atol)
        return build

    return deco


def ignoring(category: type[Warning], fn: Callable) -> Callable:
    """`fn` with warnings of `category` ignored (tests turn warnings into errors; programs
    whose expected warning both libraries give, such as the FutureWarning of a float update
    of an integer array, use this; the warning itself is tested elsewhere)."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category)
            return fn(*args, **kwargs)

    return wrapped


# ----------------------------------------------------------------------------------------------
# Inputs: deterministic, built the same way for both libraries.


def randf(*shape, seed=0, lo=-2.0, hi=2.0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(dtype)


def randi(*shape, seed=0, lo=-5, hi=6, dtype=np.int32):
    return np.random.default_rng(seed).integers(lo, hi, shape).astype(dtype)


def randb(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 2, shape).astype(bool)
