"""Models shared by the debugging-tool tests: the classic CIFAR CNN and a residual stack."""
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


class CifarNet(nn.Module):
    """Conv(3,32,3) ReLU Pool Conv(32,64,3) ReLU Pool Flatten Linear(flat,128) ReLU Linear."""

    def __init__(self, flat=64 * 6 * 6):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc1 = nn.Linear(flat, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(x)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + self.fc(x).tanh()


class Residual(nn.Module):
    """inp -> n identical Blocks -> head: a graph with a repeated structure."""

    def __init__(self, n=4, width=16):
        super().__init__()
        self.inp = nn.Linear(8, width)
        self.blocks = nn.Sequential(*[Block(width) for _ in range(n)])
        self.head = nn.Linear(width, 2)

    def forward(self, x):
        return self.head(self.blocks(self.inp(x)))


@pytest.fixture
def cifar_batch():
    return ember.randn(2, 3, 32, 32), ember.tensor([3, 7])
