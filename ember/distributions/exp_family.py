"""ExponentialFamily: the base of distributions p(x; θ) = exp(<t(x), θ> - F(θ) + k(x))."""
from ..autograd import grad
from ..autograd.grad_mode import enable_grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """A distribution in an exponential family, p(x; θ) = exp(<t(x), θ> - F(θ) + k(x)), with
    natural parameters θ, sufficient statistic t, log normalizer F and carrier measure k.

    A subclass gives `_natural_params` (a tuple of tensors), `_log_normalizer(*θ)` and
    `_mean_carrier_measure` (E[k(x)]); `entropy` then follows from the Bregman divergence of F:
    H = F(θ) - <θ, ∇F(θ)> - E[k(x)], with ∇F from autograd.  Like torch's, it is not
    differentiable in the distribution's parameters, which are detached to take ∇F.

    Differs from PyTorch: works under no_grad too (torch's raises there).
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        natural_params = [p.detach().requires_grad_() for p in self._natural_params]
        with enable_grad():  # ∇F is needed even under no_grad
            log_normalizer = self._log_normalizer(*natural_params)
            gradients = grad(log_normalizer.sum(), natural_params, create_graph=True)
        result = result + log_normalizer
        for param, gradient in zip(natural_params, gradients):
            result = result - (param * gradient).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
