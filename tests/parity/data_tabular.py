"""Scenario D4 with pandas and PyTorch: house_tiny.csv through read_csv, iloc, fillna(mean), get_dummies(dummy_na=True)
and torch.tensor(values). Run: /usr/bin/python3 tests/parity/data_tabular.py -> tests/fixtures/data/tabular.json
"""
import json
import os
import tempfile

import pandas as pd
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "data", "tabular.json")
CSV = "NumRooms,Alley,Price\nNA,Pave,127500\n2,NA,106000\n4,NA,178100\nNA,NA,140000\n"
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "house_tiny.csv")
    with open(path, "w") as f:
        f.write(CSV)
    data = pd.read_csv(path)
inputs, outputs = data.iloc[:, 0:2], data.iloc[:, 2]
inputs = inputs.fillna(inputs.mean(numeric_only=True))
inputs = pd.get_dummies(inputs, dummy_na=True)
x, y = torch.tensor(inputs.values), torch.tensor(outputs.values)
with open(OUT, "w") as f:
    json.dump({"csv": CSV, "read_dtypes": {k: str(v) for k, v in data.dtypes.items()}, "columns": list(inputs.columns),
               "x": x.tolist(), "x_dtype": str(x.dtype), "y": y.tolist(), "y_dtype": str(y.dtype)}, f, indent=1)
print(open(OUT).read())
