"""The shortest tour of ember: a two-layer network built from bare tensors, trained with backward().

    python examples/demo.py

It fits a noisy spiral (3 classes of 2-D points) with softmax regression on a tanh hidden
layer, updating the weights by hand under no_grad, and prints the loss as it falls.
"""
import math

import ember as torch


def spiral(points_per_class=200, classes=3, generator=None):
    """The classic 2-D spiral data set: (inputs (N, 2), labels (N,))."""
    radius = torch.linspace(0.0, 1.0, points_per_class).repeat(classes)
    labels = torch.arange(classes).repeat_interleave(points_per_class)
    angle = labels * (2 * math.pi / classes) + radius * 4.0
    angle = angle + torch.randn(angle.shape, generator=generator) * 0.2
    inputs = torch.stack([radius * angle.sin(), radius * angle.cos()], dim=1)
    return inputs, labels


def main(steps=300, hidden=64, lr=1.0):
    generator = torch.Generator().manual_seed(0)
    inputs, labels = spiral(generator=generator)
    w1 = (torch.randn(2, hidden, generator=generator) * 0.5).requires_grad_()
    b1 = torch.zeros(hidden, requires_grad=True)
    w2 = (torch.randn(hidden, 3, generator=generator) * 0.1).requires_grad_()
    b2 = torch.zeros(3, requires_grad=True)
    parameters = [w1, b1, w2, b2]
    for step in range(steps + 1):
        logits = (inputs @ w1 + b1).tanh() @ w2 + b2
        log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
        loss = -log_probs[torch.arange(len(labels)), labels].mean()
        loss.backward()
        with torch.no_grad():
            for p in parameters:
                p -= lr * p.grad
                p.grad = None
        if step % 50 == 0:
            accuracy = (logits.argmax(dim=1) == labels).float().mean()
            print(f"step {step:4d}  loss {loss.item():.4f}  accuracy {accuracy.item():.3f}")


if __name__ == "__main__":
    main()
