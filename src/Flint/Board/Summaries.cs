using System.Globalization;
using Flint.Board.Proto;
using Flint.Board.Proto.HParams;
using DataType = Flint.Board.Proto.DataType;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PbValue = Google.Protobuf.WellKnownTypes.Value;
using SummaryValue = Flint.Board.Proto.Summary.Types.Value;

namespace Flint.Board;

/// <summary>
/// The Summary protos PyTorch's <c>torch.utils.tensorboard.summary</c> builds, one method per function there.
/// </summary>
internal static class Summaries
{
    private static Summary One(SummaryValue v) => new() { Value = { v } };

    private static SummaryMetadata Plugin(string name, ByteString? content = null) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = name, Content = content ?? ByteString.Empty } };

    private static TensorShapeProto Shape(params long[] dims)
    {
        var s = new TensorShapeProto();
        foreach (var d in dims) s.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return s;
    }

    /// <summary>
    /// <c>scalar(name, value, new_style, double_precision)</c>: <c>simple_value</c> (a float32), or in the new style a
    /// scalar tensor (<c>float_val</c>, or <c>double_val</c> with double precision) under the <c>scalars</c> plugin.
    /// </summary>
    public static Summary Scalar(string name, double value, bool newStyle = false, bool doublePrecision = false)
    {
        if (!newStyle) return One(new SummaryValue { Tag = name, SimpleValue = (float)value });
        var tensor = doublePrecision
            ? new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { value } }
            : new TensorProto { Dtype = DataType.DtFloat, FloatVal = { (float)value } };
        return One(new SummaryValue { Tag = name, Tensor = tensor, Metadata = Plugin("scalars") });
    }

    /// <summary>The value of a tensor that must hold one element (<c>make_np(tensor).squeeze()</c> of 0 dimensions).</summary>
    public static double ScalarOf(Tensor t)
    {
        long n = t.Numel();
        if (n != 1)
        {
            int ndim = t.Shape.ToArray().Count(d => d != 1);
            throw new ArgumentException(
                $"Tensor should contain one element (0 dimensions). Was given size: {n} and {ndim} dimensions.");
        }
        return t.Detach().ToArray<double>()[0];
    }

    /// <summary><c>histogram_raw</c>: a HistogramProto from given statistics and buckets.</summary>
    public static Summary HistogramRaw(string name, double min, double max, double num, double sum, double sumSquares,
        IEnumerable<double> bucketLimits, IEnumerable<double> bucketCounts)
    {
        var h = new HistogramProto { Min = min, Max = max, Num = num, Sum = sum, SumSquares = sumSquares };
        h.BucketLimit.AddRange(bucketLimits);
        h.Bucket.AddRange(bucketCounts);
        return One(new SummaryValue { Tag = name, Histo = h });
    }

    /// <summary><c>histogram(name, values, bins, max_bins)</c> over the values as float64.</summary>
    public static Summary Histogram(string name, Tensor values, HistogramBins bins, int? maxBins) =>
        One(new SummaryValue { Tag = name, Histo = Board.Histogram.Make(values.Detach().ToArray<double>(), bins, maxBins) });

    /// <summary>
    /// <c>image(tag, tensor, dataformats)</c>: to HWC (batches tiled), times 255 unless the tensor is uint8, as
    /// bytes, PNG-encoded; <c>colorspace</c> is the channel count.
    /// </summary>
    public static Summary Image(string tag, Tensor tensor, string dataformats)
    {
        var img = Images.ToHwc(tensor, dataformats);
        var bytes = Images.ToBytes(img.Data, tensor.DType == DType.UInt8 ? 1f : 255f);
        var png = Images.EncodePng(bytes, img.H, img.W, img.C);
        return One(new SummaryValue
        {
            Tag = tag,
            Image = new Summary.Types.Image { Height = img.H, Width = img.W, Colorspace = img.C, EncodedImageString = ByteString.CopyFrom(png) },
        });
    }

    /// <summary><c>text(tag, text)</c>: tag <c>&lt;tag&gt;/text_summary</c>, plugin <c>text</c>, a DT_STRING tensor of shape [1].</summary>
    public static Summary Text(string tag, string text) => One(new SummaryValue
    {
        Tag = tag + "/text_summary",
        Metadata = Plugin("text", new TextPluginData { Version = 0 }.ToByteString()),
        Tensor = new TensorProto { Dtype = DataType.DtString, StringVal = { ByteString.CopyFromUtf8(text) }, TensorShape = Shape(1) },
    });

    /// <summary>The <c>pr_curves</c> summary of a <c>[6, thresholds]</c> table (tp, fp, tn, fn, precision, recall).</summary>
    private static Summary PrCurveTable(string tag, double[][] rows, int numThresholds)
    {
        var content = new PrCurvePluginData { Version = 0, NumThresholds = (uint)numThresholds }.ToByteString();
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(rows.Length, rows[0].Length) };
        foreach (var row in rows)
            foreach (var v in row) tensor.FloatVal.Add((float)v);
        return One(new SummaryValue { Tag = tag, Metadata = Plugin("pr_curves", content), Tensor = tensor });
    }

    /// <summary><c>pr_curve_raw</c>: the six given rows as they are; at most 127 thresholds are recorded.</summary>
    public static Summary PrCurveRaw(string tag, double[][] rows, int numThresholds)
    {
        for (int i = 1; i < rows.Length; i++)
            if (rows[i].Length != rows[0].Length) throw new ArgumentException("all input arrays must have the same shape");
        return PrCurveTable(tag, rows, Math.Min(numThresholds, 127));
    }

    /// <summary>
    /// <c>pr_curve(tag, labels, predictions, num_thresholds, weights)</c> through <c>compute_curve</c>: each
    /// prediction falls into bucket <c>floor(p * (num_thresholds - 1))</c> (in the predictions' precision), labels
    /// (and weights) are summed per bucket, then counts accumulate from the highest threshold down.
    /// </summary>
    public static Summary PrCurve(string tag, Tensor labels, Tensor predictions, int numThresholds, Tensor? weights)
    {
        numThresholds = Math.Min(numThresholds, 127);
        if (numThresholds < 2) throw new ArgumentException($"num_thresholds must be at least 2, got {numThresholds}");
        var lab = labels.Detach().ToArray<double>();
        var w = weights?.Detach().ToArray<double>();
        int m = numThresholds - 1;
        double[] buckets;
        if (predictions.DType is DType.Float32 or DType.Float16 or DType.BFloat16)
            buckets = Array.ConvertAll(predictions.Detach().ToArray<float>(), p => (double)Int32OfFloor(MathF.Floor(p * m)));
        else
            buckets = Array.ConvertAll(predictions.Detach().ToArray<double>(), p => (double)Int32OfFloor(Math.Floor(p * m)));
        if (buckets.Length != lab.Length || (w is not null && w.Length != lab.Length && w.Length != 1))
            throw new ArgumentException("weights should have the same shape as a.");
        var tpw = new double[lab.Length];
        var fpw = new double[lab.Length];
        for (int i = 0; i < lab.Length; i++)
        {
            double wi = w is null ? 1.0 : w.Length == 1 ? w[0] : w[i];
            tpw[i] = lab[i] * wi;
            fpw[i] = (1.0 - lab[i]) * wi;
        }
        var tpBuckets = Board.Histogram.Uniform(buckets, 0, m, numThresholds, tpw, out _);
        var fpBuckets = Board.Histogram.Uniform(buckets, 0, m, numThresholds, fpw, out _);
        int n = numThresholds;
        double[] tp = new double[n], fp = new double[n], tn = new double[n], fn = new double[n], precision = new double[n], recall = new double[n];
        double accTp = 0, accFp = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            accTp += tpBuckets[i];
            accFp += fpBuckets[i];
            tp[i] = accTp;
            fp[i] = accFp;
        }
        for (int i = 0; i < n; i++)
        {
            tn[i] = fp[0] - fp[i];
            fn[i] = tp[0] - tp[i];
            precision[i] = tp[i] / Math.Max(1e-7, tp[i] + fp[i]);
            recall[i] = tp[i] / Math.Max(1e-7, tp[i] + fn[i]);
        }
        return PrCurveTable(tag, [tp, fp, tn, fn, precision, recall], numThresholds);
    }

    /// <summary><c>np.int32(x)</c> of an integral float: x86's conversion, which gives int.MinValue outside int32 and for NaN.</summary>
    private static int Int32OfFloor(double x) =>
        double.IsNaN(x) || x >= 2147483648.0 || x < -2147483648.0 ? int.MinValue : (int)x;

    /// <summary>
    /// <c>custom_scalars(layout)</c>: a Layout proto (categories → charts; <c>"Margin"</c> charts take value, lower and
    /// upper tags, any other kind is a multiline chart) as the single string of a tensor tagged
    /// <c>custom_scalars__config__</c>.
    /// </summary>
    public static Summary CustomScalars(IEnumerable<KeyValuePair<string, Dictionary<string, (string Kind, string[] Tags)>>> layout)
    {
        var l = new Layout();
        foreach (var (category, charts) in layout)
        {
            var cat = new Category { Title = category };
            foreach (var (title, (kind, tags)) in charts)
            {
                if (kind == "Margin")
                {
                    if (tags.Length != 3)
                        throw new ArgumentException($"a Margin chart needs 3 tags (value, lower, upper), got {tags.Length}");
                    cat.Chart.Add(new Chart
                    {
                        Title = title,
                        Margin = new MarginChartContent { Series = { new MarginChartContent.Types.Series { Value = tags[0], Lower = tags[1], Upper = tags[2] } } },
                    });
                }
                else cat.Chart.Add(new Chart { Title = title, Multiline = new MultilineChartContent { Tag = { tags } } });
            }
            l.Category.Add(cat);
        }
        var tensor = new TensorProto { Dtype = DataType.DtString, StringVal = { l.ToByteString() }, TensorShape = new TensorShapeProto() };
        return One(new SummaryValue { Tag = "custom_scalars__config__", Tensor = tensor, Metadata = Plugin("custom_scalars") });
    }

    private enum PyKind { Other, Bool, Int, Float, Str }

    private static PyKind KindOf(object? v) => v switch
    {
        bool => PyKind.Bool,
        sbyte or byte or short or ushort or int or uint or long or ulong => PyKind.Int,
        float or double or Half => PyKind.Float,
        string => PyKind.Str,
        _ => PyKind.Other,
    };

    /// <summary>Python's <c>isinstance(d, type(v))</c> over the kinds a hyperparameter can have (a bool is an int).</summary>
    private static bool IsInstanceOfTypeOf(object? d, object? v) => (KindOf(d), KindOf(v)) switch
    {
        (PyKind.Bool, PyKind.Int) => true,
        var (a, b) => a == b && a != PyKind.Other,
    };

    private static double Number(object v) => v switch
    {
        bool b => b ? 1 : 0,
        Half h => (double)h,
        _ => Convert.ToDouble(v, CultureInfo.InvariantCulture),
    };

    private static Summary HParamsSummary(string tag, HParamsPluginData content) =>
        One(new SummaryValue { Tag = tag, Metadata = Plugin("hparams", content.ToByteString()) });

    /// <summary>
    /// <c>hparams(hparam_dict, metric_dict, hparam_domain_discrete)</c>: the experiment, session-start and
    /// session-end summaries of the <c>hparams</c> plugin. Numbers (and, as in PyTorch, where a bool is an int,
    /// booleans) are FLOAT64 hyperparameters, strings STRING ones, a tensor contributes its first element; null
    /// values are skipped.
    /// </summary>
    public static (Summary Experiment, Summary SessionStart, Summary SessionEnd) HParams(
        IEnumerable<KeyValuePair<string, object?>> hparamDict, IEnumerable<string> metricNames,
        IReadOnlyDictionary<string, object[]>? hparamDomainDiscrete)
    {
        var hparams = hparamDict.ToList();
        var domains = hparamDomainDiscrete ?? new Dictionary<string, object[]>();
        foreach (var (k, values) in domains)
        {
            int at = hparams.FindIndex(p => p.Key == k);
            if (at < 0 || values is null || !values.All(d => IsInstanceOfTypeOf(d, hparams[at].Value)))
                throw new ArgumentException(
                    $"parameter: hparam_domain_discrete[{k}] should be a list of same type as hparam_dict[{k}].");
        }
        var hps = new List<HParamInfo>();
        var ssi = new SessionStartInfo();
        foreach (var (k, v) in hparams)
        {
            if (v is null) continue;
            switch (KindOf(v))
            {
                case PyKind.Int or PyKind.Float or PyKind.Bool:
                {
                    ssi.Hparams[k] = PbValue.ForNumber(Number(v));
                    var info = new HParamInfo { Name = k, Type = Proto.HParams.DataType.Float64 };
                    if (domains.TryGetValue(k, out var d))
                        info.DomainDiscrete = ListValue(d.Select(x => PbValue.ForNumber(Number(x))));
                    hps.Add(info);
                    break;
                }
                case PyKind.Str:
                {
                    ssi.Hparams[k] = PbValue.ForString((string)v);
                    var info = new HParamInfo { Name = k, Type = Proto.HParams.DataType.String };
                    if (domains.TryGetValue(k, out var d))
                        info.DomainDiscrete = ListValue(d.Select(x => PbValue.ForString((string)x)));
                    hps.Add(info);
                    break;
                }
                default:
                    if (v is not Tensor t)
                        throw new ArgumentException("value should be one of int, float, str, bool, or torch.Tensor");
                    ssi.Hparams[k] = PbValue.ForNumber(t.Detach().Reshape(-1).ToArray<double>()[0]);
                    hps.Add(new HParamInfo { Name = k, Type = Proto.HParams.DataType.Float64 });
                    break;
            }
        }
        var start = HParamsSummary("_hparams_/session_start_info", new HParamsPluginData { SessionStartInfo = ssi, Version = 0 });
        var exp = new Proto.HParams.Experiment { HparamInfos = { hps } };
        foreach (var m in metricNames) exp.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = m } });
        var experiment = HParamsSummary("_hparams_/experiment", new HParamsPluginData { Experiment = exp, Version = 0 });
        var end = HParamsSummary("_hparams_/session_end_info",
            new HParamsPluginData { SessionEndInfo = new SessionEndInfo { Status = Status.Success }, Version = 0 });
        return (experiment, start, end);
    }

    private static ListValue ListValue(IEnumerable<PbValue> values)
    {
        var l = new ListValue();
        l.Values.AddRange(values);
        return l;
    }
}
