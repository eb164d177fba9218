"""torch.special: the special functions under their scipy-style names.

Example:
    >>> ember.special.gammaln(ember.tensor([3.]))
    tensor([0.6931])
"""
from .ops.binary import xlogy
from .ops.special import digamma, gammainc, gammaincc, logit, polygamma
from .ops.special import lgamma as gammaln
from .ops.special import mvlgamma as multigammaln
from .ops.unary import erf, erfc, erfinv
from .ops.unary import sigmoid as expit
from .nn.functional import log_softmax, softmax

psi = digamma

__all__ = ["digamma", "erf", "erfc", "erfinv", "expit", "gammainc", "gammaincc", "gammaln",
           "log_softmax", "logit", "multigammaln", "polygamma", "psi", "softmax", "xlogy"]
