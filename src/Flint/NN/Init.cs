namespace Flint.NN;

/// <summary>
/// Weight initialisers (<c>torch.nn.init</c>). Each fills its tensor in place without recording autograd history and
/// returns it; the random ones draw from the generator given (or the default generator) in PyTorch's order,
/// so the same seed gives PyTorch's values.
/// </summary>
public static class Init
{
    private static readonly string[] LinearFns =
        ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];

    /// <summary>
    /// The recommended gain for a nonlinearity (<c>nn.init.calculate_gain(nonlinearity, param)</c>): 1 for linear,
    /// convolutions and sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky_relu (slope
    /// <paramref name="param"/>, default 0.01) and 3/4 for selu.
    /// </summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        if (Array.IndexOf(LinearFns, nonlinearity) >= 0 || nonlinearity == "sigmoid") return 1;
        return nonlinearity switch
        {
            "tanh" => 5.0 / 3,
            "relu" => Math.Sqrt(2.0),
            "leaky_relu" => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
            "selu" => 3.0 / 4,
            _ => throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}"),
        };
    }

    /// <summary>
    /// Fan-in and fan-out of a weight (<c>nn.init._calculate_fan_in_and_fan_out</c>): size(1) and size(0), each times
    /// the product of the remaining (receptive-field) sizes.
    /// </summary>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        if (tensor.Dim() < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        long receptive = 1;
        for (int d = 2; d < tensor.Dim(); d++) receptive *= tensor.Size(d);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    private static long CalculateCorrectFan(Tensor tensor, string mode)
    {
        var m = mode.ToLowerInvariant();
        if (m != "fan_in" && m != "fan_out")
            throw new ArgumentException($"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']");
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return m == "fan_in" ? fanIn : fanOut;
    }

    /// <summary>Fills with samples of U(a, b) (<c>nn.init.uniform_(tensor, a, b, generator)</c>).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        using (Torch.NoGrad()) return tensor.Uniform_(a, b, generator);
    }

    /// <summary>Fills with samples of N(mean, std²) (<c>nn.init.normal_(tensor, mean, std, generator)</c>).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using (Torch.NoGrad()) return tensor.Normal_(mean, std, generator);
    }

    /// <summary>
    /// Fills with samples of N(mean, std²) truncated to [a, b] (<c>nn.init.trunc_normal_</c>), by PyTorch's inverse-CDF
    /// method: uniform over [2Φ(a')−1, 2Φ(b')−1], erfinv, scale by std·√2, shift by mean, clamp to [a, b].
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        static double NormCdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
        using (Torch.NoGrad())
        {
            var l = NormCdf((a - mean) / std);
            var u = NormCdf((b - mean) / std);
            tensor.Uniform_(2 * l - 1, 2 * u - 1, generator);
            tensor.Erfinv_();
            tensor.Mul_(std * Math.Sqrt(2));
            tensor.Add_(mean);
            tensor.Clamp_(a, b);
            return tensor;
        }
    }

    /// <summary>Fills with <paramref name="val"/> (<c>nn.init.constant_(tensor, val)</c>).</summary>
    public static Tensor Constant_(Tensor tensor, double val)
    {
        using (Torch.NoGrad()) return tensor.Fill_(val);
    }

    /// <summary>Fills with ones (<c>nn.init.ones_</c>).</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>Fills with zeros (<c>nn.init.zeros_</c>).</summary>
    public static Tensor Zeros_(Tensor tensor)
    {
        using (Torch.NoGrad()) return tensor.Zero_();
    }

    /// <summary>Fills a 2-D tensor with the identity matrix (<c>nn.init.eye_</c>).</summary>
    public static Tensor Eye_(Tensor tensor)
    {
        if (tensor.Dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
        using (Torch.NoGrad())
        {
            tensor.Zero_();
            tensor.Diagonal().Fill_(1);
        }
        return tensor;
    }

    /// <summary>
    /// Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution is the identity on the first
    /// channels of each of <paramref name="groups"/> groups (<c>nn.init.dirac_(tensor, groups)</c>).
    /// </summary>
    public static Tensor Dirac_(Tensor tensor, long groups = 1)
    {
        var dims = tensor.Dim();
        if (dims is < 3 or > 5) throw new ArgumentException("Only tensors with 3, 4, or 5 dimensions are supported");
        if (tensor.Size(0) % groups != 0) throw new ArgumentException("dim 0 must be divisible by groups");
        var outPerGroup = tensor.Size(0) / groups;
        var minDim = Math.Min(outPerGroup, tensor.Size(1));
        using (Torch.NoGrad())
        {
            tensor.Zero_();
            for (long g = 0; g < groups; g++)
                for (long d = 0; d < minDim; d++)
                {
                    var index = new TensorIndex[dims];
                    index[0] = g * outPerGroup + d;
                    index[1] = d;
                    for (int k = 2; k < dims; k++) index[k] = tensor.Size(k) / 2;
                    tensor[index].Fill_(1);
                }
        }
        return tensor;
    }

    /// <summary>
    /// Fills with U(−a, a), a = gain·√(6/(fan_in+fan_out)) (Glorot; <c>nn.init.xavier_uniform_(tensor, gain)</c>).
    /// </summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        var a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Fills with N(0, std²), std = gain·√(2/(fan_in+fan_out)) (<c>nn.init.xavier_normal_(tensor, gain)</c>).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// Fills with U(−bound, bound), bound = gain·√(3/fan) (He; <c>nn.init.kaiming_uniform_(tensor, a, mode,
    /// nonlinearity)</c>); <paramref name="a"/> is the leaky_relu slope, <paramref name="mode"/> "fan_in" or "fan_out".
    /// A tensor with no elements is left as it is.
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu",
        Generator? generator = null)
    {
        if (tensor.Numel() == 0) return tensor;
        var fan = CalculateCorrectFan(tensor, mode);
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
        var bound = Math.Sqrt(3.0) * std;
        using (Torch.NoGrad()) return tensor.Uniform_(-bound, bound, generator);
    }

    /// <summary>
    /// Fills with N(0, std²), std = gain/√fan (He; <c>nn.init.kaiming_normal_(tensor, a, mode, nonlinearity)</c>).
    /// A tensor with no elements is left as it is.
    /// </summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu",
        Generator? generator = null)
    {
        if (tensor.Numel() == 0) return tensor;
        var fan = CalculateCorrectFan(tensor, mode);
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
        using (Torch.NoGrad()) return tensor.Normal_(0, std, generator);
    }

    /// <summary>
    /// Fills with a (semi-)orthogonal matrix times <paramref name="gain"/> (<c>nn.init.orthogonal_(tensor, gain)</c>):
    /// the Q of the QR factorisation of a standard normal [rows, numel/rows] matrix (transposed when wider than tall),
    /// its columns signed so that R has a positive diagonal, as PyTorch does.
    /// </summary>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        if (tensor.Dim() < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor.Numel() == 0) return tensor;
        var rows = tensor.Size(0);
        var cols = tensor.Numel() / rows;
        using (Torch.NoGrad())
        {
            var flat = Torch.Empty([rows, cols], dtype: tensor.DType, device: tensor.Device).Normal_(0, 1, generator);
            var tall = rows < cols ? flat.T() : flat;
            var q = Torch.FromArray(HouseholderQ(tall.Double().Contiguous().ToArray<double>(), (int)tall.Size(0), (int)tall.Size(1)),
                tall.Size(0), tall.Size(1));
            if (rows < cols) q = q.T();
            tensor.View(q.Shape).Copy_(q);
            tensor.Mul_(gain);
        }
        return tensor;
    }

    /// <summary>
    /// The m×n Q of the Householder QR factorisation of the row-major m×n matrix <paramref name="a"/> (m ≥ n), with
    /// each column multiplied by the sign of R's diagonal entry (zero where that entry is zero), as orthogonal_ does.
    /// </summary>
    private static double[] HouseholderQ(double[] a, int m, int n)
    {
        var vs = new double[n][];
        var rDiag = new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.Sqrt(norm);
            var v = new double[m - k];
            vs[k] = v;
            if (norm == 0) continue;
            var alpha = a[k * n + k] > 0 ? -norm : norm;
            rDiag[k] = alpha;
            for (int i = k; i < m; i++) v[i - k] = a[i * n + k];
            v[0] -= alpha;
            double vn = 0;
            foreach (var x in v) vn += x * x;
            vn = Math.Sqrt(vn);
            for (int i = 0; i < v.Length; i++) v[i] /= vn;
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
                for (int i = k; i < m; i++) a[i * n + j] -= 2 * dot * v[i - k];
            }
        }
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
                for (int i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i - k];
            }
        }
        for (int j = 0; j < n; j++)
        {
            var s = Math.Sign(rDiag[j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= s;
        }
        return q;
    }

    /// <summary>
    /// Fills a 2-D tensor with N(0, std²) and then zeroes ⌈sparsity·rows⌉ random rows of each column
    /// (<c>nn.init.sparse_(tensor, sparsity, std)</c>), drawing one permutation per column as PyTorch does.
    /// </summary>
    public static Tensor Sparse_(Tensor tensor, double sparsity, double std = 0.01, Generator? generator = null)
    {
        if (tensor.Dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
        long rows = tensor.Size(0), cols = tensor.Size(1);
        var numZeros = (long)Math.Ceiling(sparsity * rows);
        using (Torch.NoGrad())
        {
            tensor.Normal_(0, std, generator);
            var zero = Torch.Zeros([], dtype: tensor.DType, device: tensor.Device);
            for (long c = 0; c < cols; c++)
            {
                var zeroRows = Torch.Randperm(rows, generator, device: tensor.Device).Slice(0, 0, numZeros);
                tensor.IndexPut_([zeroRows, Torch.Tensor(c)], zero);
            }
        }
        return tensor;
    }

    // The error function in double precision, for trunc_normal_'s bounds (PyTorch uses Python's math.erf).
    private static double Erf(double x)
    {
        using (Torch.NoGrad()) return Torch.Tensor(x, DType.Float64).Erf().Item<double>();
    }
}
