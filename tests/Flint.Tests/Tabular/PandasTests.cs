using System.Text.Json;
using Flint.Tabular;

namespace Flint.Tests.Tabular;

/// <summary>Scenario D4 against pandas 1.5 and PyTorch (tests/parity/data_tabular.py → fixtures/data/tabular.json).</summary>
public class PandasTests : IDisposable
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "data", "tabular.json"))).RootElement.Clone();

    private readonly string file = Path.Combine(Directory.CreateTempSubdirectory("flint-tabular").FullName, "house_tiny.csv");

    public PandasTests() => File.WriteAllText(file, Fixture.GetProperty("csv").GetString());

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(file)!, true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void HouseTinyGivesTheSeedsTensors()
    {
        var data = Pandas.ReadCsv(file);
        var types = Fixture.GetProperty("read_dtypes");
        Assert.Equal("float64", types.GetProperty("NumRooms").GetString());
        Assert.Equal(typeof(double), data.Columns["NumRooms"].DataType);
        Assert.Equal("object", types.GetProperty("Alley").GetString());
        Assert.Equal(typeof(string), data.Columns["Alley"].DataType);
        Assert.Equal("int64", types.GetProperty("Price").GetString());
        Assert.Equal(typeof(long), data.Columns["Price"].DataType);
        var inputs = data.ILoc(.., 0..2);
        var outputs = data.ILoc(.., 2);
        inputs = inputs.FillNa(inputs.Mean());
        inputs = Pandas.GetDummies(inputs, dummyNa: true);
        Assert.Equal(Fixture.GetProperty("columns").EnumerateArray().Select(c => c.GetString()), inputs.Columns.Select(c => c.Name));
        var x = inputs.ToTensor();
        var y = outputs.ToTensor();
        Assert.Equal(Fixture.GetProperty("x_dtype").GetString(), x.DType.TorchName());
        Assert.Equal(Fixture.GetProperty("y_dtype").GetString(), y.DType.TorchName());
        Assert.Equal(Fixture.GetProperty("x").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())), x.ToArray<double>());
        Assert.Equal([4L, 3], x.Shape.ToArray());
        Assert.Equal(Fixture.GetProperty("y").EnumerateArray().Select(v => v.GetInt64()), y.ToArray<long>());
        // The numbers.
        Assert.Equal(new double[] { 3, 1, 0, 2, 0, 1, 4, 0, 1, 3, 0, 1 }, x.ToArray<double>());
        Assert.Equal([127500L, 106000, 178100, 140000], y.ToArray<long>());
    }

    [Fact]
    public void SelectionByNameAndErrors()
    {
        var data = Pandas.ReadCsv(file);
        Assert.Equal(["Price", "Alley"], data.Loc("Price", "Alley").Columns.Select(c => c.Name));
        Assert.Equal([2L, 1], data.ILoc(1..3, 0..1).ToTensor().Shape.ToArray());
        Assert.Equal([2.0, 4.0], data.ILoc(1..3, 0).ToTensor().ToArray<double>());
        Assert.Throws<KeyNotFoundException>(() => data.Loc("Nope"));
        Assert.Throws<ArgumentException>(() => data.ToTensor()); // a string column cannot become a tensor
        var dummies = Pandas.GetDummies(data.ILoc(.., 1..2));
        Assert.Equal(DType.UInt8, dummies.ToTensor().DType);
        Assert.Throws<FileNotFoundException>(() => Pandas.ReadCsv(file + ".missing"));
    }
}
