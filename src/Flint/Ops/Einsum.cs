using Flint.Autograd;

namespace Flint;

public static partial class Torch
{
    /// <summary>
    /// Einstein summation (<c>torch.einsum(equation, *operands)</c>): subscripts in [a-zA-Z], "..." for broadcast
    /// dims, an optional "-&gt;" output (otherwise "..." then the labels seen once, in alphabetical order); repeated
    /// subscripts in one operand take diagonals. Operands are aligned by permutes and contracted left to right with
    /// bmm, as PyTorch does, so gradients follow from those ops.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => EinsumEquation.Run(equation, operands);
}

/// <summary>ATen's einsum: parse the equation, align every operand to (output dims, contracted dims), then contract.</summary>
internal static class EinsumEquation
{
    private const int Letters = 26;
    private const int TotalLabels = 2 * Letters;
    private const int Ellipsis = TotalLabels;

    private static int ToSubscript(char c) => char.IsUpper(c) ? c - 'A' : c - 'a' + Letters;

    private static char ToLabel(int s) => s < Letters ? (char)('A' + s) : (char)('a' + s - Letters);

    public static Tensor Run(string equation, Tensor[] operands)
    {
        if (operands.Length == 0) throw new ArgumentException("einsum(): must provide at least one operand");
        int numOps = operands.Length;
        int arrow = equation.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow < 0 ? equation : equation[..arrow];

        // 1. Labels of each operand (Ellipsis marks "...").
        var opLabels = new List<int>[numOps];
        for (int i = 0; i < numOps; i++) opLabels[i] = [];
        bool ellInInput = false;
        int curOp = 0;
        for (int i = 0; i < lhs.Length; i++)
        {
            char c = lhs[i];
            switch (c)
            {
                case ' ':
                    break;
                case '.':
                    if (ellInInput)
                        throw new ArgumentException($"einsum(): found '.' for operand {curOp} for which an ellipsis was already found");
                    if (!(i + 2 < lhs.Length && lhs[++i] == '.' && lhs[++i] == '.'))
                        throw new ArgumentException($"einsum(): found '.' for operand {curOp} that is not part of any ellipsis");
                    opLabels[curOp].Add(Ellipsis);
                    ellInInput = true;
                    break;
                case ',':
                    curOp++;
                    if (curOp >= numOps)
                        throw new ArgumentException("einsum(): fewer operands were provided than specified in the equation");
                    ellInInput = false;
                    break;
                default:
                    if (!char.IsAsciiLetter(c))
                        throw new ArgumentException(
                            $"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]");
                    opLabels[curOp].Add(ToSubscript(c));
                    break;
            }
        }
        if (curOp != numOps - 1)
            throw new ArgumentException("einsum(): more operands were provided than specified in the equation");

        // 2. Label counts and the number of dims the ellipsis covers.
        var labelCount = new long[TotalLabels];
        int ellNumDim = 0;
        for (int i = 0; i < numOps; i++)
        {
            int ndims = operands[i].Dim();
            int nlabels = opLabels[i].Count;
            bool hasEllipsis = false;
            foreach (var label in opLabels[i])
            {
                if (label == Ellipsis)
                {
                    nlabels--;
                    hasEllipsis = true;
                    ellNumDim = Math.Max(ellNumDim, ndims - nlabels);
                }
                else labelCount[label]++;
            }
            if (hasEllipsis ? nlabels > ndims : nlabels != ndims)
                throw new ArgumentException(
                    $"einsum(): the number of subscripts in the equation ({nlabels}) " +
                    (hasEllipsis ? "is more than the number of dimensions (" : "does not match the number of dimensions (") +
                    $"{ndims}) for operand {i}" + (hasEllipsis ? "" : " and no ellipsis was given"));
        }

        // 3. Where each label goes in the aligned shape: output dims first, then contracted dims.
        var labelPerm = new int[TotalLabels];
        Array.Fill(labelPerm, -1);
        int permIndex = 0, ellIndex = 0;
        bool ellInOutput = false;
        if (arrow < 0)
        {
            // Implicit output: the ellipsis, then the labels seen exactly once, in alphabetical order.
            permIndex = ellNumDim;
            ellInOutput = true;
            for (int label = 0; label < TotalLabels; label++)
                if (labelCount[label] == 1) labelPerm[label] = permIndex++;
        }
        else
        {
            var rhs = equation[(arrow + 2)..];
            for (int i = 0; i < rhs.Length; i++)
            {
                char c = rhs[i];
                switch (c)
                {
                    case ' ':
                        break;
                    case '.':
                        if (ellInOutput)
                            throw new ArgumentException("einsum(): found '.' for output but an ellipsis (...) was already found");
                        if (!(i + 2 < rhs.Length && rhs[++i] == '.' && rhs[++i] == '.'))
                            throw new ArgumentException("einsum(): found '.' for output that is not part of any ellipsis (...)");
                        ellIndex = permIndex;
                        permIndex += ellNumDim;
                        ellInOutput = true;
                        break;
                    default:
                        if (!char.IsAsciiLetter(c))
                            throw new ArgumentException(
                                $"einsum(): invalid subscript given at index {lhs.Length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]");
                        int index = ToSubscript(c);
                        if (labelCount[index] == 0 || labelPerm[index] != -1)
                            throw new ArgumentException($"einsum(): output subscript {c}" + (labelPerm[index] > -1
                                ? " appears more than once in the output"
                                : " does not appear in the equation for any input operand"));
                        labelPerm[index] = permIndex++;
                        break;
                }
            }
        }
        int outNumDim = permIndex;
        if (!ellInOutput)
        {
            ellIndex = permIndex;
            permIndex += ellNumDim;
        }
        for (int label = 0; label < TotalLabels; label++)
            if (labelCount[label] > 0 && labelPerm[label] == -1) labelPerm[label] = permIndex++;

        // 4. Check sizes, take diagonals of repeated labels, unsqueeze missing dims and permute to the aligned shape.
        var labelSize = new long[TotalLabels];
        Array.Fill(labelSize, 1L);
        var ellSizes = new long[ellNumDim];
        Array.Fill(ellSizes, 1L);
        var dimCounts = new int[permIndex];
        var ops = new List<Tensor>(numOps);
        for (int i = 0; i < numOps; i++)
        {
            var op = operands[i];
            var permutation = new long[permIndex];
            Array.Fill(permutation, -1L);
            int dim = 0;
            foreach (var s in opLabels[i])
            {
                if (s == Ellipsis)
                {
                    int ndim = operands[i].Dim() - (opLabels[i].Count - 1);
                    for (int j = ellNumDim - ndim; j < ellNumDim; j++)
                    {
                        long size = op.shape[dim];
                        if (size != 1)
                        {
                            if (ellSizes[j] != 1 && ellSizes[j] != size)
                                throw new ArgumentException(
                                    $"einsum(): dimension {dim} covered by ellipsis in operand {i}has size {size} which does not " +
                                    $"broadcast with previously seen ellipsis with size {ellSizes[j]} for the respective dimension");
                            ellSizes[j] = size;
                            dimCounts[ellIndex + j]++;
                        }
                        permutation[ellIndex + j] = dim++;
                    }
                }
                else if (permutation[labelPerm[s]] == -1)
                {
                    long size = op.shape[dim];
                    if (size != 1)
                    {
                        if (labelSize[s] != 1 && labelSize[s] != size)
                            throw new ArgumentException(
                                $"einsum(): subscript {ToLabel(s)} has size {size} for operand {i} which does not broadcast with previously seen size {labelSize[s]}");
                        labelSize[s] = size;
                        dimCounts[labelPerm[s]]++;
                    }
                    permutation[labelPerm[s]] = dim++;
                }
                else
                {
                    int prev = (int)permutation[labelPerm[s]];
                    if (op.shape[dim] != op.shape[prev])
                        throw new ArgumentException(
                            $"einsum(): subscript {ToLabel(s)} is repeated for operand {i} but the sizes don't match, {op.shape[dim]} != {op.shape[prev]}");
                    op = Diagonal(op, prev, dim);
                }
            }
            for (int k = 0; k < permutation.Length; k++)
            {
                if (permutation[k] != -1) continue;
                op = op.Unsqueeze(dim);
                permutation[k] = dim++;
            }
            ops.Add(op.Permute(permutation));
        }

        // 5. Contract left to right, summing each contracted dim as soon as no later operand has it.
        while (ops.Count > 1)
        {
            var a = ops[0];
            var b = ops[1];
            ops.RemoveRange(0, 2);
            var sumDims = new List<long>();
            var aSum = new List<long>();
            var bSum = new List<long>();
            for (int d = outNumDim; d < permIndex; d++)
            {
                if (a.shape[d] != 1 && b.shape[d] != 1)
                {
                    if (--dimCounts[d] == 1)
                    {
                        sumDims.Add(d);
                        dimCounts[d] = 0;
                    }
                }
                else if (dimCounts[d] == 1)
                {
                    if (a.shape[d] != 1)
                    {
                        aSum.Add(d);
                        dimCounts[d] = 0;
                    }
                    else if (b.shape[d] != 1)
                    {
                        bSum.Add(d);
                        dimCounts[d] = 0;
                    }
                }
            }
            if (aSum.Count > 0) a = a.Sum(aSum.ToArray(), keepdim: true);
            if (bSum.Count > 0) b = b.Sum(bSum.ToArray(), keepdim: true);
            ops.Insert(0, SumProductPair(a, b, sumDims));
        }

        // 6. Drop (or sum out) the contracted dims.
        if (permIndex - outNumDim > 0)
        {
            if (numOps > 1) return ops[0].View(ops[0].shape[..outNumDim]);
            var dims = new long[permIndex - outNumDim];
            for (int k = 0; k < dims.Length; k++) dims[k] = outNumDim + k;
            return ops[0].Sum(dims);
        }
        return ops[0];
    }

    /// <summary>
    /// (left * right).sum(sumDims, keepdim: true) for operands of equal rank (size-1 where absent) via one bmm:
    /// dims in both operands and the output become the batch, dims only in left the rows, only in right the columns.
    /// </summary>
    private static Tensor SumProductPair(Tensor left, Tensor right, List<long> sumDims)
    {
        if (sumDims.Count == 0) return left.Mul(right);
        int dim = left.Dim();
        var isSum = new bool[dim];
        foreach (var d in sumDims) isSum[d] = true;
        var lro = new List<long>();
        var lo = new List<long>();
        var ro = new List<long>();
        long lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
        for (int i = 0; i < dim; i++)
        {
            bool sl = left.shape[i] != 1, sr = right.shape[i] != 1;
            if (isSum[i])
            {
                if (sl && sr)
                {
                    if (left.shape[i] != right.shape[i]) throw new ArgumentException("non-broadcast dimensions must match");
                    sumSize *= left.shape[i];
                }
                else if (sl) left = left.Sum(i, keepdim: true);
                else if (sr) right = right.Sum(i, keepdim: true);
            }
            else if (sl && sr)
            {
                if (left.shape[i] != right.shape[i]) throw new ArgumentException("non-broadcast dimensions must match");
                lro.Add(i);
                lroSize *= left.shape[i];
            }
            else if (sl)
            {
                lo.Add(i);
                loSize *= left.shape[i];
            }
            else
            {
                ro.Add(i);
                roSize *= right.shape[i];
            }
        }
        var outSize = new List<long>();
        foreach (var d in lro) outSize.Add(left.shape[d]);
        foreach (var d in lo) outSize.Add(left.shape[d]);
        foreach (var _ in sumDims) outSize.Add(1);
        foreach (var d in ro) outSize.Add(right.shape[d]);
        long[] lperm = [.. lro, .. lo, .. sumDims, .. ro];
        long[] rperm = [.. lro, .. sumDims, .. ro, .. lo];
        var operm = new long[lperm.Length];
        for (int k = 0; k < lperm.Length; k++) operm[lperm[k]] = k;
        var l = left.Permute(lperm).Reshape(lroSize, loSize, sumSize);
        var r = right.Permute(rperm).Reshape(lroSize, sumSize, roSize);
        return l.Bmm(r).View(outSize.ToArray()).Permute(operm);
    }

    /// <summary>
    /// The diagonal of dims <paramref name="d1"/> &lt; <paramref name="d2"/> as a view that keeps it at d1 and drops d2
    /// (ATen's <c>x.diagonal(0, d1, d2).movedim(-1, d1)</c>).
    /// </summary>
    private static Tensor Diagonal(Tensor x, int d1, int d2)
    {
        var shape = Shapes.RemoveAt(x.shape, d2);
        var strides = Shapes.RemoveAt(x.strides, d2);
        strides[d1] = x.strides[d1] + x.strides[d2];
        var r = x.AliasWith(shape, strides, x.offset);
        if (Graph.Needs(x))
        {
            var inShape = x.shape;
            Graph.Record(r, "DiagonalBackward0", [x], [], n =>
            {
                var g = n.Grad;
                var z = Torch.Zeros(inShape, g.dtype, g.Device);
                Diagonal(z, d1, d2).Copy_(g);
                return [z];
            });
        }
        return r;
    }
}
