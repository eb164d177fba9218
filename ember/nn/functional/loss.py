"""Loss functions: cross_entropy, nll_loss, mse_loss, ... ctc_loss."""

__all__ = []
