"""torch.special: the special functions under their scipy-style names.

Example:
    >>> ember.special.gammaln(ember.tensor([3.]))
    tensor([0.6931])
"""
from .ops.binary import xlogy
from .ops.numeric import i0, sinc
from .ops.reduce import logsumexp
from .ops.special import (digamma, entr, gammainc, gammaincc, log_ndtr, logit, ndtr, ndtri,
                          polygamma, xlog1py)
from .ops.special import lgamma as gammaln
from .ops.special import mvlgamma as multigammaln
from .ops.unary import erf, erfc, erfinv, exp2, expm1, log1p, round
from .ops.unary import sigmoid as expit
from .nn.functional import log_softmax, softmax

psi = digamma

__all__ = ["digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammainc",
           "gammaincc", "gammaln", "i0", "log1p", "log_ndtr", "log_softmax", "logit",
           "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc",
           "softmax", "xlog1py", "xlogy"]
