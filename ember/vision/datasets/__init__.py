"""ember.vision.datasets: datasets in their real file formats, as torchvision.datasets.

Samples are (image, target). Images are PIL images when Pillow is installed, as in
torchvision, and uint8 numpy arrays (HxW or HxWxC) otherwise.
"""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "KMNIST", "CIFAR10", "CIFAR100",
           "DatasetFolder", "ImageFolder", "FakeData"]
