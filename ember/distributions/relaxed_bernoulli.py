"""torch.distributions.relaxed_bernoulli, as a module name: RelaxedBernoulli lives in relaxed.py."""
from .relaxed import RelaxedBernoulli

__all__ = ["RelaxedBernoulli"]
