"""DataParallel on one device: the wrapped module runs unchanged."""
from ..modules.module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Wraps `module` as torch.nn.DataParallel does; its state_dict keys carry the `module.`
    prefix, as torch's.

    Args:
        module: the module to run.
        device_ids, output_device, dim: accepted for torch's signature.

    Differs from PyTorch: ember splits nothing across devices; the module runs on the
    whole batch where it lives. device_ids is [] as in torch without CUDA.

    Example:
        >>> model = ember.nn.DataParallel(ember.nn.Linear(3, 2))
        >>> list(model.state_dict())
        ['module.weight', 'module.bias']
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
