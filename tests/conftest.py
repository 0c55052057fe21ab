"""Test configuration: warnings are errors, x64 restored after each test."""

import warnings

import numpy as np
import pytest

from jaxlite._src.config import config


@pytest.fixture(autouse=True)
def _restore_config():
    x64 = config.x64_enabled
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # NumPy reports overflow/invalid through RuntimeWarning in eager code; JAX is silent,
        # and inf/nan results are part of what the tests check.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="numpy")
        with np.errstate(all="ignore"):
            yield
    config.update("jax_enable_x64", x64)


@pytest.fixture
def x64():
    """Runs a test with 64-bit types enabled."""
    config.update("jax_enable_x64", True)
    yield
    config.update("jax_enable_x64", False)
