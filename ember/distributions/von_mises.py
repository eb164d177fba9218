"""VonMises(loc, concentration): the circular normal distribution on [-pi, pi)."""
import math

from .._tensor import Size
from ..autograd.grad_mode import no_grad
from ..ops.compare import where
from ..ops.creation import empty
from ..ops.random import rand
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]


def _eval_poly(y, coef):
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


# Abramowitz & Stegun 9.8.1-9.8.4: I0 and I1 for |x| < 3.75 and (scaled by e**-x sqrt(x)) above.
_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
                  -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2,
                  0.32411e-3]
_I1_COEF_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
                  0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2]


def _log_modified_bessel_fn(x, order=0):
    """log I_order(x) for x > 0 and order 0 or 1, by the polynomial approximations above
    (as torch, so values and gradients match it)."""
    y = (x / 3.75).pow(2)
    small = _eval_poly(y, _I0_COEF_SMALL if order == 0 else _I1_COEF_SMALL)
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _eval_poly(3.75 / x, _I0_COEF_LARGE if order == 0
                                           else _I1_COEF_LARGE).log()
    return where(x < 3.75, small, large)


class VonMises(Distribution):
    """The von Mises distribution: p(x) = e**(κ cos(x - loc)) / (2π I0(κ)), κ = concentration;
    variance = 1 - I1(κ) / I0(κ) (the circular variance).

    Sampling is Best & Fisher's (1979) rejection sampler in float64, so it has no rsample;
    it draws the uniforms as torch does, so a seed gives torch's samples.

    Example:
        >>> VonMises(ember.tensor(0.0), ember.tensor(1.0)).log_prob(ember.tensor(0.0))
        tensor(-1.0055)
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, Size(), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * (value - self.loc).cos()
        return (log_prob - math.log(2 * math.pi)
                - _log_modified_bessel_fn(self.concentration, order=0))

    @lazy_property
    def _loc(self):
        return self.loc.double()

    @lazy_property
    def _concentration(self):
        return self.concentration.double()

    @lazy_property
    def _proposal_r(self):
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa.pow(2)).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        proposal_r = (1 + rho.pow(2)) / (2 * rho)
        # For tiny κ the closed form loses every digit; its Taylor expansion does not.
        return where(kappa < 1e-5, 1 / kappa + kappa, proposal_r)

    def sample(self, sample_shape=Size()):
        """Best & Fisher's rejection sampler: draw (u1, u2, u3) uniforms per element until
        every element has accepted.  An element accepted again in a later round takes the
        newer draw (as torch, so a seed gives torch's samples)."""
        with no_grad():
            shape = self._extended_shape(sample_shape)
            loc, kappa, r = self._loc, self._concentration, self._proposal_r
            x = empty(shape, dtype=loc.dtype, device=loc.device)
            done = None
            while done is None or not bool(done.all()):
                u1, u2, u3 = rand((3,) + tuple(shape), dtype=loc.dtype,
                                  device=loc.device).unbind()
                z = (math.pi * u1).cos()
                f = (1 + r * z) / (r + z)
                c = kappa * (r - f)
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
                x = where(accept, (u3 - 0.5).sign() * f.acos(), x)
                done = accept if done is None else done | accept
            return ((x + math.pi + loc) % (2 * math.pi) - math.pi).to(self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(VonMises, _instance)
        batch_shape = Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        Distribution.__init__(new, batch_shape, Size(), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        """The circular mean."""
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """The circular variance 1 - I1(κ) / I0(κ)."""
        return 1 - (_log_modified_bessel_fn(self.concentration, order=1)
                    - _log_modified_bessel_fn(self.concentration, order=0)).exp()
