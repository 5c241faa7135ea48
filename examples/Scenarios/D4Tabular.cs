using Flint.Tabular;

namespace Flint.Examples.Scenarios;

/// <summary>D4: house_tiny.csv through read_csv, iloc, fillna(mean), get_dummies(dummy_na=True) and into tensors.</summary>
public sealed class D4Tabular : IExample
{
    public string Name => "d4";
    public string Summary => "pandas-style preprocessing of house_tiny.csv: NA, iloc, fillna(mean), get_dummies(dummy_na), tensors";

    public int Run(string[] args, TextWriter o)
    {
        var dir = Path.Combine(Path.GetTempPath(), "flint-d4", "data");
        Directory.CreateDirectory(dir);
        var dataFile = Path.Combine(dir, "house_tiny.csv");
        using (var f = new StreamWriter(dataFile))
        {
            f.Write("NumRooms,Alley,Price\n"); // column names
            f.Write("NA,Pave,127500\n");       // each row is one sample
            f.Write("2,NA,106000\n");
            f.Write("4,NA,178100\n");
            f.Write("NA,NA,140000\n");
        }
        var data = Pandas.ReadCsv(dataFile);
        o.WriteLine(data);
        var inputs = data.ILoc(.., 0..2);
        var outputs = data.ILoc(.., 2);
        inputs = inputs.FillNa(inputs.Mean());
        o.WriteLine(inputs);
        inputs = Pandas.GetDummies(inputs, dummyNa: true);
        o.WriteLine(inputs);
        var x = inputs.ToTensor();
        var y = outputs.ToTensor();
        o.WriteLine($"({x},\n {y})");
        return 0;
    }
}
