"""Scenario M1 (the LeNet `Net` of PyTorch's "Neural Networks" tutorial) from PyTorch: built after
torch.manual_seed(0), its output for a fixed input, the gradients after backward of a squared-error loss, and its output
after one hand-written SGD step. The C# test builds the same Net with the same seed and must reproduce every number.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture import Fixture

f = Fixture("nn_conv_scenario")


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]
        n = 1
        for s in size:
            n *= s
        return n


def lenet(x, target):
    torch.manual_seed(0)
    net = Net()
    out = net(x)
    loss = ((out - target) ** 2).mean()
    net.zero_grad()
    loss.backward()
    grads = [net.conv1.weight.grad.clone(), net.conv1.bias.grad.clone(), net.conv2.weight.grad.clone(),
             net.conv2.bias.grad.clone(), net.fc3.bias.grad.clone()]
    with torch.no_grad():
        for p in net.parameters():
            p -= 0.01 * p.grad
    return [out, loss] + grads + [net(x)]


torch.manual_seed(1)
x = torch.randn(2, 1, 32, 32)
target = torch.randn(2, 10)
torch.manual_seed(0)
f.op("lenet", "lenet", [x, target], lenet, kwargs={"repr": repr(Net())}, grad=False, tol=1e-5)
f.save()
