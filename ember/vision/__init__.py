"""ember.vision: datasets in their real file formats and image transforms, as torchvision.

    import ember.vision as torchvision
"""
from . import datasets, transforms

__all__ = ["datasets", "transforms"]
