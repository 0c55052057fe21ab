"""jaxlite.nn: neural-network functions (`import jaxlite.nn as nn`)."""

# ruff: noqa: F401

from jaxlite._src.nn import celu as celu
from jaxlite._src.nn import elu as elu
from jaxlite._src.nn import gelu as gelu
from jaxlite._src.nn import glu as glu
from jaxlite._src.nn import hard_sigmoid as hard_sigmoid
from jaxlite._src.nn import hard_silu as hard_silu
from jaxlite._src.nn import hard_swish as hard_swish
from jaxlite._src.nn import hard_tanh as hard_tanh
from jaxlite._src.nn import leaky_relu as leaky_relu
from jaxlite._src.nn import log_sigmoid as log_sigmoid
from jaxlite._src.nn import log_softmax as log_softmax
from jaxlite._src.nn import logsumexp as logsumexp
from jaxlite._src.nn import normalize as normalize
from jaxlite._src.nn import one_hot as one_hot
from jaxlite._src.nn import relu as relu
from jaxlite._src.nn import relu6 as relu6
from jaxlite._src.nn import selu as selu
from jaxlite._src.nn import sigmoid as sigmoid
from jaxlite._src.nn import silu as silu
from jaxlite._src.nn import soft_sign as soft_sign
from jaxlite._src.nn import softmax as softmax
from jaxlite._src.nn import softplus as softplus
from jaxlite._src.nn import standardize as standardize
from jaxlite._src.nn import swish as swish
