"""Probability distributions with torch.distributions' API: sampling (with the
reparameterization trick where it exists), log densities, entropies, moments and KL
divergences, all differentiable through ember's autograd.

Example:
    >>> from ember.distributions import Categorical
    >>> m = Categorical(logits=ember.zeros(4))
    >>> action = m.sample()                 # REINFORCE: loss = -m.log_prob(action) * reward
    >>> m.log_prob(action)
    tensor(-1.3863)
"""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .cauchy import Cauchy
from .categorical import Categorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical
from .student_t import Chi2, StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import (AffineTransform, ExpTransform, PowerTransform, SigmoidTransform,
                         SoftplusTransform, TanhTransform, Transform)
from .uniform import Uniform
from .weibull import Weibull

__all__ = [
    "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2",
    "Dirichlet", "Distribution", "ExpTransform", "Exponential", "Gamma", "Geometric", "Gumbel",
    "HalfNormal", "Independent", "Laplace", "LogNormal", "MixtureSameFamily", "Multinomial",
    "MultivariateNormal", "NegativeBinomial", "Normal", "OneHotCategorical",
    "OneHotCategoricalStraightThrough", "Poisson", "PowerTransform", "RelaxedBernoulli",
    "RelaxedOneHotCategorical", "SigmoidTransform", "SoftplusTransform", "StudentT",
    "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "Weibull",
    "constraints", "kl_divergence", "register_kl", "transforms",
]
