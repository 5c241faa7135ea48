using System.Collections;
using System.Text;
using Flint.Board.Proto.Projector;

namespace Flint.Board;

public sealed partial class SummaryWriter
{
    private ProjectorConfig? projectorConfig;

    /// <summary>
    /// Saves an embedding for TensorBoard's projector (<c>add_embedding</c>): in
    /// <c>&lt;logdir&gt;/&lt;step as 5 digits&gt;/&lt;tag&gt;/</c> the points as <c>tensors.tsv</c>, their labels as
    /// <c>metadata.tsv</c> and their thumbnails as <c>sprite.png</c>; then rewrites
    /// <c>&lt;logdir&gt;/projector_config.pbtxt</c> listing every embedding this writer saved.
    /// </summary>
    /// <param name="mat">The points, one per row: a 2-D tensor.</param>
    /// <param name="metadata">One label per point, written with Python's <c>str</c> (strings as they are).</param>
    /// <param name="labelImg">One image per point, <c>N × C × H × W</c> with C 1 or 3, values in [0, 1].</param>
    /// <param name="globalStep">The step (default 0), which names the folder.</param>
    /// <param name="tag">The embedding's name.</param>
    public void AddEmbedding(Tensor mat, IEnumerable? metadata = null, Tensor? labelImg = null, long? globalStep = null,
        string tag = "default") =>
        AddEmbedding(mat, metadata is null ? null : ToRows(metadata, multiColumn: false), null, labelImg, globalStep, tag);

    /// <summary>
    /// Saves an embedding whose points carry several labels each (<c>add_embedding</c> with
    /// <c>metadata_header</c>): <c>metadata.tsv</c> starts with the header row, then one tab-separated row per point.
    /// </summary>
    /// <param name="mat">The points, one per row: a 2-D tensor.</param>
    /// <param name="metadata">One row of labels per point, as many columns as <paramref name="metadataHeader"/>.</param>
    /// <param name="metadataHeader">The column names.</param>
    /// <param name="labelImg">One image per point, <c>N × C × H × W</c> with C 1 or 3, values in [0, 1].</param>
    /// <param name="globalStep">The step (default 0), which names the folder.</param>
    /// <param name="tag">The embedding's name.</param>
    public void AddEmbedding(Tensor mat, IEnumerable<IEnumerable> metadata, IReadOnlyList<string> metadataHeader,
        Tensor? labelImg = null, long? globalStep = null, string tag = "default") =>
        AddEmbedding(mat, ToRows(metadata, multiColumn: true), metadataHeader, labelImg, globalStep, tag);

    private static List<string[]> ToRows(IEnumerable metadata, bool multiColumn)
    {
        var rows = new List<string[]>();
        foreach (var item in metadata)
        {
            if (!multiColumn) rows.Add([PythonFormat.Str(item)]);
            else if (item is IEnumerable cells and not string)
                rows.Add([.. cells.Cast<object?>().Select(PythonFormat.Str)]);
            else rows.Add([PythonFormat.Str(item)]);
        }
        return rows;
    }

    private void AddEmbedding(Tensor mat, List<string[]>? metadata, IReadOnlyList<string>? metadataHeader, Tensor? labelImg,
        long? globalStep, string tag)
    {
        if (mat.Dim() != 2)
            throw new ArgumentException($"mat should be 2D, where mat.size(0) is the number of data points, got shape {Images.PyTuple(mat.Shape.ToArray())}");
        long n = mat.Size(0);
        if (metadata is not null && metadata.Count != n)
            throw new ArgumentException($"#labels should equal with #data points: {metadata.Count} labels for {n} points");
        if (labelImg is not null && (labelImg.Dim() != 4 || labelImg.Size(0) != n))
            throw new ArgumentException(
                $"#images should equal with #data points: label_img must be N x C x H x W with N = {n}, got shape {Images.PyTuple(labelImg.Shape.ToArray())}");
        if (metadata is not null && metadataHeader is not null && metadata.Count > 0 && metadataHeader.Count != metadata[0].Length)
            throw new ArgumentException("len of header must be equal to the number of columns in metadata");

        long step = globalStep ?? 0;
        var subdir = PythonFormat.ZFill(step.ToString(System.Globalization.CultureInfo.InvariantCulture), 5) + "/" + EncodeTag(tag);
        var logdir = GetFileWriter().GetLogdir();
        var savePath = Path.Combine(logdir, subdir);
        if (File.Exists(savePath))
            throw new IOException($"Path: `{savePath}` exists, but is a file. Cannot proceed.");
        if (Directory.Exists(savePath))
            Console.WriteLine("warning: Embedding dir exists, did you set global_step for add_embedding()?");
        else
            Directory.CreateDirectory(savePath);

        if (metadata is not null) Embedding.WriteMetadata(Path.Combine(savePath, "metadata.tsv"), metadata, metadataHeader);
        if (labelImg is not null) Embedding.WriteSprite(Path.Combine(savePath, "sprite.png"), labelImg);
        Embedding.WriteTensors(Path.Combine(savePath, "tensors.tsv"), mat);

        var info = new EmbeddingInfo
        {
            TensorName = tag + ":" + PythonFormat.ZFill(step.ToString(System.Globalization.CultureInfo.InvariantCulture), 5),
            TensorPath = subdir + "/tensors.tsv",
        };
        if (metadata is not null) info.MetadataPath = subdir + "/metadata.tsv";
        if (labelImg is not null)
            info.Sprite = new SpriteMetadata { ImagePath = subdir + "/sprite.png", SingleImageDim = { (uint)labelImg.Size(3), (uint)labelImg.Size(2) } };
        lock (gate)
        {
            projectorConfig ??= new ProjectorConfig();
            projectorConfig.Embeddings.Add(info);
            File.WriteAllBytes(Path.Combine(logdir, "projector_config.pbtxt"), Encoding.UTF8.GetBytes(Embedding.ToText(projectorConfig)));
        }
    }

    /// <summary>PyTorch's <c>_encode</c>: <c>%</c>, <c>/</c> and <c>\</c> of a tag as <c>%25</c>, <c>%2f</c>, <c>%5c</c>.</summary>
    private static string EncodeTag(string tag) => tag.Replace("%", "%25").Replace("/", "%2f").Replace("\\", "%5c");
}

/// <summary>The projector files PyTorch's <c>_embedding.py</c> writes.</summary>
internal static class Embedding
{
    /// <summary><c>make_tsv</c>: one label per line, or a header row and tab-separated rows; UTF-8, newline-terminated.</summary>
    public static void WriteMetadata(string path, List<string[]> rows, IReadOnlyList<string>? header)
    {
        var sb = new StringBuilder();
        if (header is not null) sb.Append(string.Join('\t', header)).Append('\n');
        foreach (var row in rows) sb.Append(string.Join('\t', row)).Append('\n');
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>
    /// <c>make_mat</c>: one row per point, values tab-separated as Python prints them (<c>repr</c> of the float64
    /// value for floating tensors, decimal integers, True/False).
    /// </summary>
    public static void WriteTensors(string path, Tensor mat)
    {
        long rows = mat.Size(0), cols = mat.Size(1);
        string[] cells;
        var m = mat.Detach();
        if (m.DType.IsFloatingPoint()) cells = Array.ConvertAll(m.ToArray<double>(), PythonFormat.Repr);
        else if (m.DType == DType.Bool) cells = Array.ConvertAll(m.ToArray<bool>(), b => b ? "True" : "False");
        else cells = Array.ConvertAll(m.ToArray<long>(), v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sb = new StringBuilder();
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < cols; c++)
            {
                if (c > 0) sb.Append('\t');
                sb.Append(cells[r * cols + c]);
            }
            sb.Append('\n');
        }
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>
    /// <c>make_sprite</c>: the images tiled <c>ceil(sqrt(N))</c> to a row, placed at the top of a square canvas as
    /// wide as the grid, times 255 clipped to [0, 255] and truncated to bytes, as an RGB PNG.
    /// </summary>
    public static void WriteSprite(string path, Tensor labelImg)
    {
        var s = labelImg.Shape.ToArray();
        int n = (int)s[0], c = (int)s[1], h = (int)s[2], w = (int)s[3];
        int nrow = (int)Math.Ceiling(Math.Sqrt(n));
        var grid = Images.MakeGrid(labelImg.Detach().ToArray<double>(), n, c, h, w, nrow, out int gh, out int gw);
        if (gh > gw)
            throw new ArgumentException(
                $"could not broadcast input array from shape ({gh},{gw},3) into shape ({gw},{gw},3): sprite images must be at least as wide as high");
        var rgb = new byte[gw * gw * 3];
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++)
                for (int ch = 0; ch < 3; ch++)
                {
                    double v = Math.Clamp(grid[(ch * gh + y) * gw + x] * 255, 0, 255);
                    rgb[(y * gw + x) * 3 + ch] = double.IsNaN(v) ? (byte)0 : (byte)v;
                }
        File.WriteAllBytes(path, Images.EncodePng(rgb, gw, gw, 3));
    }

    /// <summary>
    /// <c>text_format.MessageToString(ProjectorConfig)</c>: set fields in field-number order, two-space indents,
    /// strings C-escaped as protobuf's Python text format does.
    /// </summary>
    public static string ToText(ProjectorConfig config)
    {
        var sb = new StringBuilder();
        if (config.ModelCheckpointPath.Length > 0) Field(sb, 0, "model_checkpoint_path", config.ModelCheckpointPath);
        foreach (var e in config.Embeddings)
        {
            sb.Append("embeddings {\n");
            if (e.TensorName.Length > 0) Field(sb, 1, "tensor_name", e.TensorName);
            if (e.MetadataPath.Length > 0) Field(sb, 1, "metadata_path", e.MetadataPath);
            if (e.BookmarksPath.Length > 0) Field(sb, 1, "bookmarks_path", e.BookmarksPath);
            foreach (var d in e.TensorShape) sb.Append("  tensor_shape: ").Append(d).Append('\n');
            if (e.Sprite is { } sp)
            {
                sb.Append("  sprite {\n");
                if (sp.ImagePath.Length > 0) Field(sb, 2, "image_path", sp.ImagePath);
                foreach (var d in sp.SingleImageDim) sb.Append("    single_image_dim: ").Append(d).Append('\n');
                sb.Append("  }\n");
            }
            if (e.TensorPath.Length > 0) Field(sb, 1, "tensor_path", e.TensorPath);
            sb.Append("}\n");
        }
        if (config.ModelCheckpointDir.Length > 0) Field(sb, 0, "model_checkpoint_dir", config.ModelCheckpointDir);
        return sb.ToString();
    }

    private static void Field(StringBuilder sb, int depth, string name, string value)
    {
        sb.Append(' ', 2 * depth).Append(name).Append(": \"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            switch (b)
            {
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\'': sb.Append("\\'"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                default:
                    if (b < 32 || b >= 127) sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    else sb.Append((char)b);
                    break;
            }
        }
        sb.Append("\"\n");
    }
}
