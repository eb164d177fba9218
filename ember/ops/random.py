"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial."""

__all__ = []
