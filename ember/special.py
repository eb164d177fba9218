"""torch.special: the special functions under their scipy-style names.

Example:
    >>> ember.special.gammaln(ember.tensor([3.]))
    tensor([0.6931])
"""
from .ops.binary import xlogy
from .ops.bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, i0, i0e, i1, i1e,
                         modified_bessel_i0, modified_bessel_i1, modified_bessel_k0,
                         modified_bessel_k1, scaled_modified_bessel_k0,
                         scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.numeric import sinc
from .ops.reduce import logsumexp
from .ops.special import (chebyshev_polynomial_t, chebyshev_polynomial_u,
                          chebyshev_polynomial_v, chebyshev_polynomial_w, digamma, entr, erfcx,
                          gammainc, gammaincc, hermite_polynomial_h, hermite_polynomial_he,
                          laguerre_polynomial_l, legendre_polynomial_p, log_ndtr, logit, ndtr,
                          ndtri, polygamma, shifted_chebyshev_polynomial_t,
                          shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
                          shifted_chebyshev_polynomial_w, xlog1py, zeta)
from .ops.special import lgamma as gammaln
from .ops.special import mvlgamma as multigammaln
from .ops.unary import erf, erfc, erfinv, exp2, expm1, log1p, round
from .ops.unary import sigmoid as expit
from .nn.functional import log_softmax, softmax

psi = digamma

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
           "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
           "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
           "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
           "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc", "softmax",
           "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]
