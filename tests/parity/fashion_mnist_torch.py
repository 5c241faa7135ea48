"""The main job (dotnet run -c Release --project examples -- fashion-mnist) in PyTorch, for docs/BENCHMARKS.md.

Same model (LeNet for 28x28: conv 1->6 5x5 pad 2, max-pool 2, conv 6->16 5x5, max-pool 2, fc 400->120->84->10 with
ReLU), same data (Fashion-MNIST from /usr/share/datasets/fashion-mnist or --data-dir; the last 10% of the training
split, by a seeded permutation, held out for validation), same transform (ToTensor, Normalize(0.5, 0.5)), same
hyper-parameters (batch 64, Adam lr 2e-3 by default, or SGD with momentum 0.9), same loss (CrossEntropyLoss). Prints
the time of each epoch (training pass only, as Flint reports it) and the test accuracy.

Run with Debian's torch: /usr/bin/python3 tests/parity/fashion_mnist_torch.py [--epochs 5] [--threads 2]
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision import transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)

    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    # torchvision wants root/FashionMNIST/raw; read the IDX files directly into the same tensors instead.
    import gzip
    import numpy as np
    import os

    def idx(name):
        path = os.path.join(a.data_dir, name)
        opener = gzip.open if os.path.exists(path + ".gz") else open
        with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
            data = f.read()
        nd = data[3]
        dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
        return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims).copy())

    class Split(torch.utils.data.Dataset):
        def __init__(self, images, labels):
            self.images, self.labels = images, labels

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, i):
            from PIL import Image
            return tf(Image.fromarray(self.images[i].numpy(), mode="L")), int(self.labels[i])

    train_all = Split(idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte"))
    test = Split(idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte"))
    n_val = len(train_all) // 10
    train, val = torch.utils.data.random_split(train_all, [len(train_all) - n_val, n_val],
                                               generator=torch.Generator().manual_seed(a.seed))
    train_loader = torch.utils.data.DataLoader(train, batch_size=a.batch_size, shuffle=True, num_workers=a.workers)
    val_loader = torch.utils.data.DataLoader(val, batch_size=1000, num_workers=a.workers)
    test_loader = torch.utils.data.DataLoader(test, batch_size=1000, num_workers=a.workers)

    model = Net()
    opt = (torch.optim.Adam(model.parameters(), lr=a.lr) if a.optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9))
    criterion = nn.CrossEntropyLoss()

    def evaluate(loader):
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in loader:
                correct += (model(x).argmax(1) == y).sum().item()
                total += len(y)
        return correct / total

    print(f"torch {torch.__version__}, {a.threads} threads, {a.workers} workers, {len(train)} train / {n_val} val / {len(test)} test")
    for epoch in range(1, a.epochs + 1):
        model.train()
        start = time.perf_counter()
        running = seen = 0
        for x, y in train_loader:
            opt.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            opt.step()
            running += loss.item() * len(y)
            seen += len(y)
        took = time.perf_counter() - start
        print(f"epoch {epoch}: train loss {running / seen:.4f}, {took:.1f} s ({seen / took:.0f} samples/s), "
              f"val accuracy {evaluate(val_loader):.4f}", flush=True)
    print(f"test accuracy {evaluate(test_loader):.4f}")


if __name__ == "__main__":
    main()
