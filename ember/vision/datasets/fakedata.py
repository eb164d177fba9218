"""FakeData: random images, a stand-in for a real dataset where none is at hand."""
from ... import _dtype
from ..._generator import Generator
from ...ops.random import randint, randn
from .. import _image
from ..transforms import functional
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """Random normal images with random labels; sample i is the same on every call.

    Images are made from a normal tensor of image_size the way torchvision does (ToPILImage:
    x * 255 cast to uint8): a PIL image when Pillow is installed, otherwise a uint8 numpy
    array, HxW for one channel, HxWxC otherwise. Sample i draws from its own generator seeded
    with i + random_offset, so the global random state is untouched.

    Args:
        size: the number of samples.
        image_size: (C, H, W) of each image.
        num_classes: labels are drawn from range(num_classes).
        transform: a callable applied to the image.
        target_transform: a callable applied to the target.
        random_offset: added to the index to seed each sample.

    Example:
        >>> data = FakeData(size=8, image_size=(3, 32, 32), transform=transforms.ToTensor())
        >>> image, label = data[0]; image.shape
        ember.Size([3, 32, 32])
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        generator = Generator().manual_seed(index + self.random_offset)
        image = randn(*self.image_size, generator=generator)
        target = randint(0, self.num_classes, size=(1,), dtype=_dtype.long,
                         generator=generator)[0].item()
        if _image.pil_image_module() is not None:
            image = functional.to_pil_image(image)
        else:
            image = functional._to_numpy_image(image.mul(255).byte())
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self):
        return self.size
