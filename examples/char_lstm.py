"""A character-level LSTM language model on text that ships with Python, then a sample from it.

    python3 examples/char_lstm.py
    python3 examples/char_lstm.py --framework torch

The text is Python's own help on the language (pydoc_data.topics, the pages `help("if")` and
its kin print): about 460,000 characters of English about Python, in every installation. The
first --chars characters are cut into sequences of 64; nine in ten train the model, the last
tenth measures it. The model is an embedding, a one-layer LSTM of 128 units and a linear read-
out, trained with Adam and gradient clipping; it starts at ln(vocabulary) = 4.6 nats a
character and is scored on the held-out text (docs/examples.md states the level reached).
"""
import math

from pydoc_data.topics import topics

import _common


def add_arguments(parser):
    parser.add_argument("--chars", type=int, default=200_000, help="how much of the text to use")
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=5, add_arguments=add_arguments)
nn = torch.nn
device = "cuda" if torch.cuda.is_available() else "cpu"
if args.quick:
    args.chars, args.seq_len, args.batch_size, args.hidden = 8_000, 32, 16, 64

text = "".join(topics[name] for name in sorted(topics))[:args.chars]
vocabulary = sorted(set(text))
index_of = {char: i for i, char in enumerate(vocabulary)}
encoded = torch.tensor([index_of[char] for char in text])
# Sequences of seq_len + 1 characters: the model reads the first seq_len and predicts the last.
sequences = encoded[:len(encoded) // (args.seq_len + 1) * (args.seq_len + 1)]
sequences = sequences.view(-1, args.seq_len + 1)
split = len(sequences) * 9 // 10
train_loader = torch.utils.data.DataLoader(sequences[:split], batch_size=args.batch_size,
                                           shuffle=True, drop_last=True)
val_loader = torch.utils.data.DataLoader(sequences[split:], batch_size=256)
print(f"data: pydoc_data.topics, {len(text)} characters, {len(vocabulary)} distinct; "
      f"{split} training and {len(sequences) - split} held-out sequences of {args.seq_len}")


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> linear: logits for the next character at every position."""

    def __init__(self, vocabulary_size, hidden_size, embedding_size=64):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary_size, embedding_size)
        self.lstm = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocabulary_size)

    def forward(self, x, state=None):
        h, state = self.lstm(self.embedding(x), state)  # (N, L, hidden)
        return self.head(h), state                      # (N, L, vocabulary)


model = CharLSTM(len(vocabulary), args.hidden).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = nn.CrossEntropyLoss()


def loss_of(batch):
    """Mean cross-entropy (nats a character) of predicting each next character of a batch."""
    batch = batch.to(device)
    logits, _ = model(batch[:, :-1])
    return criterion(logits.reshape(-1, len(vocabulary)), batch[:, 1:].reshape(-1))


def evaluate():
    """Mean loss on the held-out sequences, without recording a graph."""
    model.eval()
    total = count = 0
    with torch.no_grad():
        for batch in val_loader:
            total += loss_of(batch).item() * len(batch)
            count += len(batch)
    return total / count


def sample(prompt, length=300, temperature=0.8):
    """Continue a prompt one character at a time, carrying the LSTM's state along."""
    model.eval()
    out = list(prompt)
    with torch.no_grad():
        x = torch.tensor([[index_of[char] for char in prompt]], device=device)
        logits, state = model(x)
        for _ in range(length):
            probs = (logits[0, -1] / temperature).softmax(dim=-1)
            next_index = torch.multinomial(probs, 1).item()
            out.append(vocabulary[next_index])
            logits, state = model(torch.tensor([[next_index]], device=device), state)
    return "".join(out)


first_val = evaluate()
print(f"held-out loss before training {first_val:.3f} (ln {len(vocabulary)} = "
      f"{math.log(len(vocabulary)):.3f})")
epochs = 1 if args.quick else args.epochs
for epoch in range(1, epochs + 1):
    model.train()
    for step, batch in enumerate(_common.progress(train_loader, f"epoch {epoch}"), 1):
        loss = loss_of(batch)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 20 == 0:
            print(f"epoch {epoch}  step {step:4d}  train loss {loss.item():.3f}")
    val_loss = evaluate()
    print(f"epoch {epoch}  held-out loss {val_loss:.3f} nats/char "
          f"({val_loss / math.log(2):.3f} bits/char)")

print("sample:\n" + sample("The ") + "\n")
_common.report(args, first_loss=first_val, final_loss=val_loss,
               bits_per_char=val_loss / math.log(2))
