"""PyTorch's run of scenario P5 (the seeds' LSTM time series), for the example and test to follow step by step.

The seed program as written does not run (its samples are 1-D, so the LSTM sees unbatched input with 3-D states,
and torch.Tensor(y) of an int makes an uninitialised tensor of that length); here, as in Flint's example, a sample
is x of shape [3, 1] and y of shape [1]. Its plain head (fc of the last output) cannot reach 14 from 1..10 (LSTM
states are bounded); the residual head (last value + fc) can. Both are recorded, from torch.manual_seed(0).
Run with Debian's torch: /usr/bin/python3 tests/parity/nn_rnn_scenarios.py
"""
import json
import os

import torch
from torch.utils.data import DataLoader, Dataset

from fixture import FIXTURES


class TimeSeries(Dataset):
    def __init__(self, data, sequence_length=3):
        self.data, self.sequence_length = data, sequence_length

    def __len__(self):
        return len(self.data) - self.sequence_length

    def __getitem__(self, idx):
        x = self.data[idx:idx + self.sequence_length]
        y = self.data[idx + self.sequence_length]
        return torch.tensor(x, dtype=torch.float32).view(-1, 1), torch.tensor([y], dtype=torch.float32)


class LSTMNet(torch.nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size, residual):
        super().__init__()
        self.hidden_size, self.num_layers, self.residual = hidden_size, num_layers, residual
        self.lstm = torch.nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        out = self.fc(out[:, -1, :])
        return x[:, -1, :] + out if self.residual else out


def run(residual, epochs=100):
    torch.manual_seed(0)
    dataloader = DataLoader(TimeSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), batch_size=1)
    net = LSTMNet(1, 2, 1, 1, residual)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    losses = []
    for epoch in range(epochs):
        for x, y in dataloader:
            optimizer.zero_grad()
            loss = criterion(net(x), y)
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    x_test, y_test = TimeSeries([11, 12, 13, 14])[0]
    net.eval()
    with torch.no_grad():
        prediction = net(x_test.unsqueeze(0)).item()
    return {"losses": losses, "prediction": prediction, "true": y_test.item()}


result = {"torch": torch.__version__, "p5": {"plain": run(False), "residual": run(True)}}
with open(os.path.join(FIXTURES, "nn_rnn_scenarios.json"), "w") as f:
    json.dump(result, f)
print("p5 plain", result["p5"]["plain"]["prediction"], "residual", result["p5"]["residual"]["prediction"])
