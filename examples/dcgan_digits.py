"""A small DCGAN on scikit-learn's 8x8 digits, upscaled to 16x16; samples saved as a PNG.

    python3 examples/dcgan_digits.py
    python3 examples/dcgan_digits.py --framework torch

The generator maps 32 normal numbers through transposed convolutions, batch norm and ReLU to
a 16x16 image; the discriminator is strided convolutions with batch norm and LeakyReLU. Both
train with Adam (lr 2e-4, betas (0.5, 0.999)) as in the DCGAN paper. The samples go to
runs/examples/dcgan_digits_<framework>.png. To say how good they are, 1,000 samples are pooled
back to 8x8 and compared with the real digits: a sample counts as a clear digit when at least
9 of its 10 nearest real digits agree on a label. The result line gives the share of clear
digits and how many of the 10 digits they cover (a collapsed generator covers few).
"""
import numpy as np
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

import _common

LATENT = 32


def add_arguments(parser):
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=40, add_arguments=add_arguments)
nn = torch.nn
F = torch.nn.functional
device = "cuda" if torch.cuda.is_available() else "cpu"

digits = load_digits()
images = torch.tensor(digits.images.reshape(-1, 1, 8, 8) / 16.0, dtype=torch.float32)
if args.quick:
    images = images[:256]
# (N, 1, 16, 16) in [-1, 1], the range of the generator's tanh
images = F.interpolate(images, size=16, mode="bilinear", align_corners=False) * 2 - 1
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images),
                                     batch_size=args.batch_size, shuffle=True, drop_last=True)
print(f"data: scikit-learn digits, {len(images)} images at 16x16")

generator = nn.Sequential(
    nn.ConvTranspose2d(LATENT, 128, 4, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU(),  # 4x4
    nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),      # 8x8
    nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),                                         # 16x16
).to(device)
discriminator = nn.Sequential(
    nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),                                          # 8x8
    nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),      # 4x4
    nn.Conv2d(128, 1, 4, 1, 0), nn.Flatten(),                                   # (N, 1) logits
).to(device)


def init_weights(module):
    """DCGAN's initialisation: N(0, 0.02) weights; batch norm scales N(1, 0.02), shifts 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


generator.apply(init_weights)
discriminator.apply(init_weights)
optimizer_g = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.5, 0.999))
optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=args.lr, betas=(0.5, 0.999))
criterion = nn.BCEWithLogitsLoss()
fixed_noise = torch.randn(64, LATENT, 1, 1, device=device)

epochs = 2 if args.quick else args.epochs
for epoch in range(1, epochs + 1):
    generator.train()
    loss_d_sum = loss_g_sum = 0.0
    for (real,) in _common.progress(loader, f"epoch {epoch}"):
        real = real.to(device)
        ones = torch.ones(len(real), 1, device=device)
        zeros = torch.zeros(len(real), 1, device=device)
        fake = generator(torch.randn(len(real), LATENT, 1, 1, device=device))

        # The discriminator learns to tell real from fake; detach() keeps the generator out.
        loss_d = (criterion(discriminator(real), ones)
                  + criterion(discriminator(fake.detach()), zeros))
        optimizer_d.zero_grad()
        loss_d.backward()
        optimizer_d.step()

        # The generator learns to make the discriminator call its images real.
        loss_g = criterion(discriminator(fake), ones)
        optimizer_g.zero_grad()
        loss_g.backward()
        optimizer_g.step()
        loss_d_sum += loss_d.item()
        loss_g_sum += loss_g.item()
    print(f"epoch {epoch:2d}  loss D {loss_d_sum / len(loader):.4f}  "
          f"loss G {loss_g_sum / len(loader):.4f}")

generator.eval()
with torch.no_grad():
    grid = generator(fixed_noise).cpu().numpy()                       # (64, 1, 16, 16)
    samples = generator(torch.randn(1000, LATENT, 1, 1, device=device))
    samples = F.avg_pool2d(samples, 2).cpu().numpy().reshape(1000, 64)  # back to 8x8

pixels = ((grid[:, 0] + 1) * 127.5).clip(0, 255).astype(np.uint8)
tiles = np.pad(pixels, ((0, 0), (1, 1), (1, 1)), constant_values=96)     # grey borders
rows = tiles.reshape(8, 8, 18, 18).transpose(0, 2, 1, 3).reshape(144, 144)  # an 8x8 grid
path = _common.output_path(f"dcgan_digits_{args.framework}.png")
Image.fromarray(rows).resize((576, 576), Image.NEAREST).save(path)
print(f"samples saved to {path}")

neighbours = KNeighborsClassifier(n_neighbors=10).fit(digits.data / 16, digits.target)
votes = neighbours.predict_proba((samples + 1) / 2)  # [-1, 1] back to [0, 1]
clear = votes.max(axis=1) >= 0.9
covered = len(set(votes.argmax(axis=1)[clear].tolist()))
print(f"{clear.mean():.1%} of the samples are clear digits, covering {covered} of the 10")
_common.report(args, loss_d=loss_d_sum / len(loader), loss_g=loss_g_sum / len(loader),
               clear=float(clear.mean()), digits=covered, png=path)
