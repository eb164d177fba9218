"""A Transformer encoder learns to sort: 8 digits in, the same digits in order out.

    python3 examples/transformer_task.py
    python3 examples/transformer_task.py --framework torch

Each training batch is fresh: random sequences of 8 digits (0-9), the target the same digits
sorted. The model embeds tokens and positions, runs a 2-layer nn.TransformerEncoder (d_model
64, 4 heads) and reads a digit out at each position; no causal mask, since each output needs
the whole input. Output i is the i-th smallest digit, which attention can find by counting
digits, so a small model solves it. It is scored on 2,000 held-out sequences: the share of
digits put in the right place (>= 99% after the default run) and of sequences sorted exactly.
"""
import _common

LENGTH = 8
DIGITS = 10
STEPS_PER_EPOCH = 100


def add_arguments(parser):
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=10, add_arguments=add_arguments,
                                 epochs_help=f"rounds of {STEPS_PER_EPOCH} training steps")
nn = torch.nn
device = "cuda" if torch.cuda.is_available() else "cpu"


def make_batch(size, generator=None):
    """Random digit sequences (size, LENGTH) and the same sequences sorted."""
    x = torch.randint(0, DIGITS, (size, LENGTH), generator=generator)
    return x.to(device), x.sort(dim=1).values.to(device)


class Sorter(nn.Module):
    """Token and position embeddings -> Transformer encoder -> a digit at each position."""

    def __init__(self, d_model=64, nhead=4, num_layers=2, dim_feedforward=128):
        super().__init__()
        self.token = nn.Embedding(DIGITS, d_model)
        self.position = nn.Embedding(LENGTH, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.head = nn.Linear(d_model, DIGITS)

    def forward(self, x):
        positions = torch.arange(x.shape[1], device=x.device)
        h = self.token(x) + self.position(positions)  # (N, L, d_model)
        return self.head(self.encoder(h))             # (N, L, DIGITS)


model = Sorter().to(device)
steps = 30 if args.quick else args.epochs * STEPS_PER_EPOCH
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps)
criterion = nn.CrossEntropyLoss()
test_x, test_y = make_batch(2000, torch.Generator().manual_seed(12345))


def evaluate():
    """(digit accuracy, sequence accuracy) on the held-out sequences."""
    model.eval()
    with torch.no_grad():
        correct = model(test_x).argmax(dim=-1) == test_y  # (2000, LENGTH)
    return correct.float().mean().item(), correct.all(dim=1).float().mean().item()


losses = []
model.train()
for step in _common.progress(range(1, steps + 1), "steps"):
    x, y = make_batch(args.batch_size)
    loss = criterion(model(x).reshape(-1, DIGITS), y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    losses.append(loss.item())
    if step % STEPS_PER_EPOCH == 0 or (args.quick and step % 10 == 0):
        digit_accuracy, sequence_accuracy = evaluate()
        model.train()
        print(f"step {step:5d}  loss {loss.item():.4f}  digits right {digit_accuracy:.2%}  "
              f"sequences sorted {sequence_accuracy:.2%}")

digit_accuracy, sequence_accuracy = evaluate()
example = test_x[:1]
with torch.no_grad():
    print(f"{example[0].tolist()} -> {model(example).argmax(dim=-1)[0].tolist()}")
_common.report(args, first_loss=losses[0], final_loss=sum(losses[-10:]) / 10,
               digit_accuracy=digit_accuracy, sequence_accuracy=sequence_accuracy)
