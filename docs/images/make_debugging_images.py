"""Regenerate the pictures of docs/debugging.md: python docs/images/make_debugging_images.py

Writes cifar_cnn_graph.svg (Graphviz's layout when `dot` is installed, else ember's built-in
one) and cifar_cnn_graph.png (only with `dot`) next to this file.
"""
import os
import shutil

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import graph, render


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc1 = nn.Linear(64 * 6 * 6, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(x)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ember.manual_seed(0)
    images, labels = ember.randn(64, 3, 32, 32), ember.randint(0, 10, (64,))
    with graph.annotate():
        loss = F.cross_entropy(Net()(images), labels)
    described = graph.describe(loss)
    svg_path = os.path.join(here, "cifar_cnn_graph.svg")
    if shutil.which("dot"):
        described.render(svg_path, format="svg")
        described.render(os.path.join(here, "cifar_cnn_graph.png"), format="png")
    else:
        with open(svg_path, "w", encoding="utf-8") as file:
            file.write(render.builtin_svg(described))
    print(described.tree())


if __name__ == "__main__":
    main()
