"""A small CNN on scikit-learn's bundled 8x8 handwritten digits (no download): >= 97% test accuracy.

    python3 examples/digits_cnn.py
    python3 examples/digits_cnn.py --framework torch

The 1,797 images (8x8, grey levels 0..16) are split 80/20 into training and test sets with a
fixed seed; the network is two 3x3 convolutions with batch norm, a max-pool, dropout and two
linear layers, trained with Adam under a cosine learning-rate schedule.
"""
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import _common


def add_arguments(parser):
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=15, add_arguments=add_arguments)
nn = torch.nn
device = "cuda" if torch.cuda.is_available() else "cpu"

digits = load_digits()
images = digits.images.reshape(-1, 1, 8, 8).astype("float32") / 16.0  # (N, 1, 8, 8) in [0, 1]
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.2, random_state=0, stratify=digits.target)
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]
train_set = torch.utils.data.TensorDataset(torch.tensor(x_train), torch.tensor(y_train))
test_set = torch.utils.data.TensorDataset(torch.tensor(x_test), torch.tensor(y_test))
train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=256)
print(f"data: scikit-learn digits, {len(train_set)} training and {len(test_set)} test images")

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),    # (N, 32, 8, 8)
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),   # (N, 64, 8, 8)
    nn.MaxPool2d(2),                                                  # (N, 64, 4, 4)
    nn.Flatten(), nn.Dropout(0.25),
    nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
    nn.Linear(128, 10),
).to(device)
epochs = 2 if args.quick else args.epochs
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
criterion = nn.CrossEntropyLoss()


def evaluate(loader):
    """Accuracy of the model over a loader, without recording a graph."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            correct += (model(x).argmax(dim=1) == y).sum().item()
            total += y.numel()
    return correct / total


epoch_losses = []
for epoch in range(1, epochs + 1):
    model.train()
    total_loss = 0.0
    for x, y in _common.progress(train_loader, f"epoch {epoch}"):
        x, y = x.to(device), y.to(device)
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
    scheduler.step()
    epoch_losses.append(total_loss / len(train_set))
    print(f"epoch {epoch:2d}  train loss {epoch_losses[-1]:.4f}  "
          f"test accuracy {evaluate(test_loader):.2%}")

accuracy = evaluate(test_loader)
_common.report(args, first_loss=epoch_losses[0], final_loss=epoch_losses[-1],
               test_accuracy=accuracy)
