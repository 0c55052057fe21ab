"""Test configuration: warnings are errors, x64 restored after each test."""

import warnings

import pytest

from jaxlite._src.config import config


@pytest.fixture(autouse=True)
def _restore_config():
    x64 = config.x64_enabled
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # jaxlite silences NumPy's floating-point RuntimeWarnings raised inside it (JAX is
        # silent: inf/nan results are part of what the tests check); keep that filter.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"jaxlite\._src(\..*)?$")
        # Tests compute NumPy references that may overflow on purpose.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"(numpy|tests)(\..*)?")
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"test_.*")
        yield
    config.update("jax_enable_x64", x64)


@pytest.fixture
def x64():
    """Runs a test with 64-bit types enabled."""
    config.update("jax_enable_x64", True)
    yield
    config.update("jax_enable_x64", False)
