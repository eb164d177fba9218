"""The classic small CNN on CIFAR-10: DataLoader, augmentation, Adam, test accuracy.

    python3 examples/cifar10_cnn.py                      # a few minutes on 2 CPU cores
    python3 examples/cifar10_cnn.py --epochs 10          # longer training
    python3 examples/cifar10_cnn.py --framework torch     # the same script on PyTorch

Real CIFAR-10 is read from ./data (or --data) when its files are there: the binary version
(data/cifar-10-batches-bin/, from cifar-10-binary.tar.gz) or the python version
(data/cifar-10-batches-py/, from cifar-10-python.tar.gz), unpacked as torchvision lays them
out. Without them the script says so and trains on a stand-in instead: FakeData's random
images, each blended with a colour that its random label picks (random images alone hold
nothing to learn, so the loss would stay at ln 10). The stand-in exercises the whole pipeline;
its accuracy says nothing about CIFAR-10.
"""
import numpy as np
from PIL import Image

import _common


def add_arguments(parser):
    parser.add_argument("--data", default="./data", help="CIFAR-10's root folder")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--subset", type=int, default=None,
                        help="train on the first N images only (default: all of them)")


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=3, add_arguments=add_arguments)
vision = _common.load_vision(torch, args.seed)
nn = torch.nn
transforms = vision.transforms
device = "cuda" if torch.cuda.is_available() else "cpu"

# Per-channel mean and standard deviation of CIFAR-10's training images.
normalize = transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))
train_transform = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    normalize,
])
test_transform = transforms.Compose([transforms.ToTensor(), normalize])


class TintedFakeData(torch.utils.data.Dataset):
    """The stand-in: FakeData's random images, each blended half and half with the colour of
    its label."""

    # tab10's colours, one a class
    palette = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
                        (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
                        (188, 189, 34), (23, 190, 207)], dtype=np.float32)

    def __init__(self, size, transform, random_offset=0):
        self.images = vision.datasets.FakeData(size, (3, 32, 32), 10,
                                               random_offset=random_offset)
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image, label = self.images[index]
        tinted = (np.asarray(image, dtype=np.float32) + self.palette[label]) / 2
        return self.transform(Image.fromarray(tinted.astype(np.uint8))), label


try:
    train_set = vision.datasets.CIFAR10(args.data, train=True, transform=train_transform)
    test_set = vision.datasets.CIFAR10(args.data, train=False, transform=test_transform)
    data_name = "CIFAR-10"
    subset = args.subset
except RuntimeError as error:
    print(f"CIFAR-10 not found under {args.data} ({str(error).splitlines()[0]})")
    print("STAND-IN DATA: FakeData's random images tinted by their random labels' colours; "
          "its accuracy says nothing about CIFAR-10. The docstring says how to use the real "
          "CIFAR-10.")
    train_set = TintedFakeData(2048, train_transform)
    test_set = TintedFakeData(512, test_transform, random_offset=len(train_set))
    data_name = "FakeData stand-in"
    subset = args.subset
if args.quick:
    subset, args.batch_size = 256, 32
    test_set = torch.utils.data.Subset(test_set, range(256))
if subset is not None:
    train_set = torch.utils.data.Subset(train_set, range(min(subset, len(train_set))))
print(f"data: {data_name}, {len(train_set)} training and {len(test_set)} test images")

train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=256)


class Net(nn.Module):
    """Two conv-ReLU-pool stages, then a two-layer classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),   # (N, 32, 15, 15)
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),  # (N, 64, 6, 6)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * 6 * 6, 128), nn.ReLU(), nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


model = Net().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = nn.CrossEntropyLoss()


def evaluate(loader):
    """Accuracy of the model over a loader, without recording a graph."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in _common.progress(loader, "test"):
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += labels.numel()
    return correct / total


epochs = 1 if args.quick else args.epochs
losses = []
for epoch in range(1, epochs + 1):
    model.train()
    running_loss = 0.0
    for step, (images, labels) in enumerate(_common.progress(train_loader, f"epoch {epoch}")):
        images, labels = images.to(device), labels.to(device)
        loss = criterion(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        running_loss += loss.item()
        if args.quick:
            print(f"step {step + 1:3d}  loss {loss.item():.4f}")
    print(f"epoch {epoch}  train loss {running_loss / len(train_loader):.4f}")

accuracy = evaluate(test_loader)
print(f"test accuracy on {data_name}: {accuracy:.2%}")
_common.report(args, data=data_name.replace(" ", "_"), first_loss=losses[0],
               final_loss=sum(losses[-len(train_loader):]) / len(train_loader),
               test_accuracy=accuracy)
