"""Small models trained end to end on generated data reach a stated loss, as torch's do."""
import numpy as np
import torch

import ember


def blobs(n=256, classes=4, features=8, seed=0):
    """Gaussian blobs, one per class: an easy, generated classification problem."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, features)) * 3
    labels = rng.integers(0, classes, n)
    inputs = centres[labels] + rng.standard_normal((n, features))
    return inputs.astype(np.float32), labels


def train(lib, model, inputs, labels, steps, lr):
    model = model(lib.nn)
    optimizer = lib.optim.Adam(model.parameters(), lr=lr)
    x, y = lib.tensor(inputs), lib.tensor(labels)
    loss_fn = lib.nn.CrossEntropyLoss()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses


def test_mlp_learns_blobs_like_torch():
    inputs, labels = blobs()

    def mlp(nn):
        return nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))

    ember.manual_seed(0)
    torch.manual_seed(0)
    _, ember_losses = train(ember, mlp, inputs, labels, 100, 0.01)
    _, torch_losses = train(torch, mlp, inputs, labels, 100, 0.01)
    assert ember_losses[-1] < 0.05, ember_losses[-1]
    assert abs(ember_losses[-1] - torch_losses[-1]) < 0.05


def test_cnn_learns_to_find_the_bright_quadrant():
    """Images with one bright quadrant; the label is which one."""
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, 64)
    images = rng.standard_normal((64, 1, 12, 12)).astype(np.float32) * 0.3
    for i, label in enumerate(labels):
        row, col = divmod(int(label), 2)
        images[i, 0, row * 6:(row + 1) * 6, col * 6:(col + 1) * 6] += 1.0

    def cnn(nn):
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Conv2d(8, 8, 3), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(32, 4))

    ember.manual_seed(0)
    model, losses = train(ember, cnn, images, labels, 40, 0.02)
    assert losses[-1] < 0.1 * losses[0] and losses[-1] < 0.15, losses[-1]
    model.eval()
    with ember.no_grad():
        accuracy = (model(ember.tensor(images)).argmax(1) == ember.tensor(labels)).float().mean()
    assert accuracy.item() > 0.95
