"""MNIST-1D: the four baselines of its paper (logistic regression, MLP, CNN, GRU), reproduced.

    python3 examples/mnist1d_baselines.py                    # all four models
    python3 examples/mnist1d_baselines.py --model cnn        # one of logreg, mlp, cnn, gru
    python3 examples/mnist1d_baselines.py --framework torch  # the same script on PyTorch

MNIST-1D (Greydanus, 2020) is a procedurally generated stand-in for MNIST: each digit is a
1-D template, padded, translated, scaled, sheared and noised into a 40-point signal. The
`mnist1d` package makes the dataset offline with its default arguments (4,000 training and
1,000 test signals, seed 42). The paper reports test accuracies of about 32% (logistic
regression), 68% (MLP), 94% (CNN) and 91% (GRU); the models and the training setup here are
the paper's: Adam at 1e-2, batches of 100, 6,000 steps (150 epochs), no weight decay.
"""
from mnist1d.data import get_dataset_args, make_dataset

import _common

PUBLISHED = {"logreg": 0.32, "mlp": 0.68, "cnn": 0.94, "gru": 0.91}


def add_arguments(parser):
    parser.add_argument("--model", choices=["all", *PUBLISHED], default="all")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--lr", type=float, default=1e-2)


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=150, add_arguments=add_arguments)
nn = torch.nn
device = "cuda" if torch.cuda.is_available() else "cpu"


class LogisticRegression(nn.Module):
    def __init__(self, input_size=40, output_size=10):
        super().__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        return self.linear(x)


class MLP(nn.Module):
    """Three linear layers with a residual connection around the middle one."""

    def __init__(self, input_size=40, output_size=10, hidden_size=100):
        super().__init__()
        self.linear1 = nn.Linear(input_size, hidden_size)
        self.linear2 = nn.Linear(hidden_size, hidden_size)
        self.linear3 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h = self.linear1(x).relu()
        h = h + self.linear2(h).relu()
        return self.linear3(h)


class CNN(nn.Module):
    """Three strided 1-D convolutions of 25 channels, then a linear layer."""

    def __init__(self, output_size=10, channels=25, linear_in=125):
        super().__init__()
        self.conv1 = nn.Conv1d(1, channels, 5, stride=2, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.linear = nn.Linear(linear_in, output_size)

    def forward(self, x):
        x = x.view(-1, 1, x.shape[-1])     # (N, 1, 40)
        h = self.conv1(x).relu()           # (N, 25, 19)
        h = self.conv2(h).relu()           # (N, 25, 10)
        h = self.conv3(h).relu()           # (N, 25, 5)
        return self.linear(h.view(h.shape[0], -1))


class GRU(nn.Module):
    """A bidirectional GRU of 6 units read one point at a time; a linear layer reads all of
    its outputs."""

    def __init__(self, output_size=10, hidden_size=6, time_steps=40):
        super().__init__()
        self.gru = nn.GRU(1, hidden_size, batch_first=True, bidirectional=True)
        self.linear = nn.Linear(2 * hidden_size * time_steps, output_size)

    def forward(self, x):
        h, _ = self.gru(x.view(*x.shape, 1))  # (N, 40, 12)
        return self.linear(h.reshape(h.shape[0], -1))


MODELS = {"logreg": LogisticRegression, "mlp": MLP, "cnn": CNN, "gru": GRU}

data = make_dataset(get_dataset_args())
x_train = torch.tensor(data["x"], dtype=torch.float32)
y_train = torch.tensor(data["y"])
x_test = torch.tensor(data["x_test"], dtype=torch.float32).to(device)
y_test = torch.tensor(data["y_test"]).to(device)
if args.quick:
    x_train, y_train = x_train[:500], y_train[:500]
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train),
                                           batch_size=args.batch_size, shuffle=True)
print(f"data: MNIST-1D, {len(x_train)} training and {len(x_test)} test signals")


def train(name):
    """Train one model from scratch; returns (first epoch's loss, last epoch's, test accuracy)."""
    torch.manual_seed(args.seed)
    model = MODELS[name]().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()
    epochs = 3 if args.quick else args.epochs
    epoch_losses = []
    for epoch in _common.progress(range(1, epochs + 1), name):
        model.train()
        total_loss = 0.0
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = criterion(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
        epoch_losses.append(total_loss / len(x_train))
        if epoch == 1 or epoch % 25 == 0 or epoch == epochs:
            model.eval()
            with torch.no_grad():
                accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
            print(f"{name:6s} epoch {epoch:3d}  train loss {epoch_losses[-1]:.4f}  "
                  f"test accuracy {accuracy:.2%}")
    return epoch_losses[0], epoch_losses[-1], accuracy


names = list(MODELS) if args.model == "all" else [args.model]
results = {name: train(name) for name in names}
print(f"\n{'model':8s}{'test accuracy':>15s}{'published':>11s}")
for name, (_, _, accuracy) in results.items():
    print(f"{name:8s}{accuracy:>15.1%}{PUBLISHED[name]:>11.0%}")
firsts, finals, accuracies = zip(*results.values())
_common.report(args, first_loss=sum(firsts) / len(firsts), final_loss=sum(finals) / len(finals),
               **dict(zip(results, accuracies)))
