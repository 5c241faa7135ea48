using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// Row kernels for the elementwise drivers. Each works in chunks: an operand that is contiguous and already of
/// the compute type is used in place, anything else (strided, broadcast, half precision) goes through a small stack
/// buffer, so one span kernel serves every layout and storage type.
/// </summary>
internal static unsafe class Rows
{
    public const int Chunk = 256;

    /// <summary>Bytes per call of an in-place span kernel (below <see cref="StreamingRow"/>).</summary>
    public const int InPlacePiece = 64 << 10;

    /// <summary>Bytes from which TensorPrimitives streams a span kernel's stores itself.</summary>
    public const int StreamingRow = 256 << 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<TC> Read<TS, TC>(byte* p, long stride, int m, TC* buf)
        where TS : unmanaged where TC : unmanaged
    {
        if (typeof(TS) == typeof(TC) && stride == sizeof(TS)) return new ReadOnlySpan<TC>(p, m);
        if (stride == 0)
        {
            new Span<TC>(buf, m).Fill(Cvt.To<TS, TC>(*(TS*)p));
            return new ReadOnlySpan<TC>(buf, m);
        }
        for (int i = 0; i < m; i++) buf[i] = Cvt.To<TS, TC>(*(TS*)(p + i * stride));
        return new ReadOnlySpan<TC>(buf, m);
    }

    /// <summary>
    /// Fills a <see cref="PagePhases.ChunkRegion"/> of <paramref name="regionBytes"/> with the number at
    /// <paramref name="p"/> wherever the chunks of a row of <paramref name="n"/> elements, the first at
    /// <paramref name="phase"/>, will read it: only that one chunk in a row of one chunk, else all of the region.
    /// </summary>
    public static void Broadcast<TS, TC>(byte* p, byte* region, int phase, long n, int regionBytes)
        where TS : unmanaged where TC : unmanaged
    {
        var value = Cvt.To<TS, TC>(*(TS*)p);
        if (n <= Chunk) new Span<TC>(PagePhases.At(region, phase), (int)n).Fill(value);
        else new Span<TC>(region, regionBytes / sizeof(TC)).Fill(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDirect<TS, TC>(long stride) where TS : unmanaged where TC : unmanaged =>
        typeof(TS) == typeof(TC) && stride == sizeof(TS);

    /// <summary>Copies m floats to a 64-byte aligned destination with non-temporal stores (the caller fences).</summary>
    public static void StreamOut(float* src, float* dst, int m)
    {
        int i = 0;
        for (; i <= m - 16; i += 16) Vector512.Load(src + i).StoreAlignedNonTemporal(dst + i);
        for (; i < m; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write<TC, TS>(TC* buf, byte* p, long stride, int m) where TS : unmanaged where TC : unmanaged
    {
        for (int i = 0; i < m; i++) *(TS*)(p + i * stride) = Cvt.To<TC, TS>(buf[i]);
    }
}

/// <summary>y = cast(x), for any pair of storage types; a plain memory copy when types and layout agree.</summary>
internal unsafe struct CopyRow<TS, TD> : IRowKernel where TS : unmanaged where TD : unmanaged
{
    public void Run(byte** p, long* s, long n)
    {
        byte* d = p[0], x = p[1];
        long sd = s[0], sx = s[1];
        if (typeof(TS) == typeof(TD) && sd == sizeof(TD) && sx == sizeof(TS))
        {
            long bytes = n * sizeof(TD);
            // A large copy of whole floats' worth of bytes streams its stores (memmove does not, here).
            if (bytes >= MathLoops.StreamingBytes && bytes % sizeof(float) == 0 && bytes / sizeof(float) <= int.MaxValue
                && (nint)d % sizeof(float) == 0 && (nint)x % sizeof(float) == 0 && (d + bytes <= x || x + bytes <= d))
                MathLoops.Lanes(new Copied(), new ReadOnlySpan<float>(x, (int)(bytes / sizeof(float))), new Span<float>(d, (int)(bytes / sizeof(float))), true);
            else Buffer.MemoryCopy(x, d, bytes, bytes);
            return;
        }
        for (long i = 0; i < n; i++) *(TD*)(d + i * sd) = Cvt.To<TS, TD>(*(TS*)(x + i * sx));
    }
}

/// <summary>y = value.</summary>
internal unsafe struct FillRow<T> : IRowKernel where T : unmanaged
{
    public T Value;

    public void Run(byte** p, long* s, long n)
    {
        byte* d = p[0];
        long sd = s[0];
        if (sd == sizeof(T))
        {
            for (long i = 0; i < n; i += int.MaxValue)
                new Span<T>(d + i * sd, (int)Math.Min(int.MaxValue, n - i)).Fill(Value);
            return;
        }
        for (long i = 0; i < n; i++) *(T*)(d + i * sd) = Value;
    }
}

/// <summary>y = op(x) computed in float (storage float, half or bfloat16).</summary>
internal unsafe struct UnaryFloatRow<TOp, TS> : IRowKernel where TOp : struct, IUnaryKernel where TS : unmanaged
{
    public TOp Op;

    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        // Contiguous float: whole spans, so that the kernel can stream a large output (in place: pieces, as BinaryRow).
        if (Rows.IsDirect<TS, float>(s[0]) && Rows.IsDirect<TS, float>(s[1]) && n <= int.MaxValue)
        {
            long piece = p[0] == p[1] ? Rows.InPlacePiece / sizeof(float) : n;
            for (long i = 0; i < n; i += piece)
            {
                int m = (int)Math.Min(piece, n - i);
                Op.Apply(new ReadOnlySpan<float>(p[1] + i * sizeof(float), m), new Span<float>(p[0] + i * sizeof(float), m));
            }
            return;
        }
        float* bx = stackalloc float[Rows.Chunk];
        float* by = stackalloc float[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var x = Rows.Read<TS, float>(p[1] + i * s[1], s[1], m, bx);
            bool direct = Rows.IsDirect<TS, float>(s[0]);
            var y = direct ? new Span<float>(p[0] + i * s[0], m) : new Span<float>(by, m);
            Op.Apply(x, y);
            if (!direct) Rows.Write<float, TS>(by, p[0] + i * s[0], s[0], m);
        }
    }
}

/// <summary>y = op(x) in double.</summary>
internal unsafe struct UnaryDoubleRow<TOp> : IRowKernel where TOp : struct, IUnaryKernel
{
    public TOp Op;

    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        double* bx = stackalloc double[Rows.Chunk];
        double* by = stackalloc double[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var x = Rows.Read<double, double>(p[1] + i * s[1], s[1], m, bx);
            bool direct = s[0] == sizeof(double);
            var y = direct ? new Span<double>(p[0] + i * s[0], m) : new Span<double>(by, m);
            Op.Apply(x, y);
            if (!direct) Rows.Write<double, double>(by, p[0] + i * s[0], s[0], m);
        }
    }
}

/// <summary>y = op(x) on an integer type.</summary>
internal unsafe struct UnaryIntegerRow<TOp, T> : IRowKernel where TOp : struct, IUnaryKernel where T : unmanaged, IBinaryInteger<T>
{
    public TOp Op;

    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        T* bx = stackalloc T[Rows.Chunk];
        T* by = stackalloc T[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var x = Rows.Read<T, T>(p[1] + i * s[1], s[1], m, bx);
            bool direct = s[0] == sizeof(T);
            var y = direct ? new Span<T>(p[0] + i * s[0], m) : new Span<T>(by, m);
            Op.ApplyInteger(x, y);
            if (!direct) Rows.Write<T, T>(by, p[0] + i * s[0], s[0], m);
        }
    }
}

/// <summary>c = op(a, b): storage type TS, computed in TC (float for half types, TS otherwise).</summary>
internal unsafe struct BinaryRow<TOp, TS, TC> : IRowKernel
    where TOp : struct, IBinaryKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
{
    public TOp Op;

    /// <summary>Stream a float output past the caches (see <see cref="MathLoops.StreamingBytes"/>).</summary>
    public bool Stream;

    // Stack buffers are written before they are read (as in the other rows): zeroing them took 10% of a
    // memory-bound row broadcast.
    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        bool direct = Rows.IsDirect<TS, TC>(s[0]), inPlace = p[0] == p[1] || p[0] == p[2];
        bool streamOut = Stream && direct && typeof(TC) == typeof(float) && Vector512.IsHardwareAccelerated && (nint)p[0] % 64 == 0;
        // Fast path: everything contiguous and of the compute type. Not for the short rows of a large output (an
        // operand broadcast along rows): TensorPrimitives streams only rows past 256 KB, and cached stores read each
        // output line first, a third more traffic (2.8 -> 4.5 ms on a 4096 x 4096 row broadcast).
        if (direct && Rows.IsDirect<TS, TC>(s[1]) && Rows.IsDirect<TS, TC>(s[2]) && n <= int.MaxValue
            && (!streamOut || inPlace || n * sizeof(TC) >= Rows.StreamingRow))
        {
            // In place, in pieces below TensorPrimitives' non-temporal threshold (256 KB): its streaming stores would
            // evict each line just read, so that the next op on the tensor reads it from memory again.
            long piece = inPlace ? Rows.InPlacePiece / sizeof(TC) : n;
            for (long i = 0; i < n; i += piece)
            {
                int m = (int)Math.Min(piece, n - i);
                Op.Apply(new ReadOnlySpan<TC>(p[1] + i * sizeof(TC), m), new ReadOnlySpan<TC>(p[2] + i * sizeof(TC), m), new Span<TC>(p[0] + i * sizeof(TC), m));
            }
            return;
        }
        // A float op with a lane form, each operand contiguous or one number: one pass from the operands to the output.
        if (typeof(TS) == typeof(float) && typeof(TC) == typeof(float) && TOp.HasFloatLanes && direct && n <= int.MaxValue
            && (s[1] == 0 || s[1] == sizeof(float)) && (s[2] == 0 || s[2] == sizeof(float)))
        {
            // In place the stores stay cached, as in the fast path above.
            if (Vector512.IsHardwareAccelerated) FloatLanes<FloatLanes512, Vector512<float>>(p, s, (int)n, streamOut && !inPlace);
            else FloatLanes<FloatLanes256, Vector256<float>>(p, s, (int)n, streamOut && !inPlace);
            return;
        }
        // The stack buffers move along with the operands, a chunk a chunk, at the 4 KB phases farthest from theirs
        // (PagePhases): at a fixed phase a buffer meets each contiguous operand's phase once every few chunks, and its
        // loads or stores there wait behind the other's (4K aliasing). Which phase the stack gave a thread depended on
        // the frame the JIT chose: add_scalar_16M, on this path before the lane form above, took 6.4 ms instead of 2.9
        // after profile-guided recompilation.
        int bytes = Rows.Chunk * sizeof(TC), region = PagePhases.ChunkRegion(bytes);
        byte* ra = stackalloc byte[region], rb = stackalloc byte[region], rc = stackalloc byte[region];
        Span<nint> moving = stackalloc nint[3];
        int streams = 0;
        if (direct) moving[streams++] = (nint)p[0];
        if (Rows.IsDirect<TS, TC>(s[1])) moving[streams++] = (nint)p[1];
        if (Rows.IsDirect<TS, TC>(s[2])) moving[streams++] = (nint)p[2];
        // Phases for the buffers in use only: the output's first, whose stores meet the operands' loads.
        bool useA = !Rows.IsDirect<TS, TC>(s[1]), useB = !Rows.IsDirect<TS, TC>(s[2]), useC = streamOut || !direct;
        Span<int> spread = stackalloc int[3];
        PagePhases.Spread(spread[..((useA ? 1 : 0) + (useB ? 1 : 0) + (useC ? 1 : 0))], moving[..streams]);
        int next = 0, atC = useC ? spread[next++] : 0, atA = useA ? spread[next++] : 0, atB = useB ? spread[next] : 0;
        // A broadcast number is written out once, over every position its chunks take.
        if (s[1] == 0) Rows.Broadcast<TS, TC>(p[1], ra, atA, n, region);
        if (s[2] == 0) Rows.Broadcast<TS, TC>(p[2], rb, atB, n, region);
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            long shift = i * sizeof(TC);
            TC* ba = (TC*)PagePhases.At(ra, atA + shift), bb = (TC*)PagePhases.At(rb, atB + shift), bc = (TC*)PagePhases.At(rc, atC + shift);
            var a = s[1] == 0 ? new ReadOnlySpan<TC>(ba, m) : Rows.Read<TS, TC>(p[1] + i * s[1], s[1], m, ba);
            var b = s[2] == 0 ? new ReadOnlySpan<TC>(bb, m) : Rows.Read<TS, TC>(p[2] + i * s[2], s[2], m, bb);
            var c = direct && !streamOut ? new Span<TC>(p[0] + i * s[0], m) : new Span<TC>(bc, m);
            Op.Apply(a, b, c);
            if (streamOut) Rows.StreamOut((float*)bc, (float*)(p[0] + i * s[0]), m);
            else if (!direct) Rows.Write<TC, TS>(bc, p[0] + i * s[0], s[0], m);
        }
        if (streamOut && Sse.IsSupported) Sse.StoreFence();
    }

    // c = op(a, b) over n floats, a broadcast number splatted once; the tail through the same vector formula, padded.
    [SkipLocalsInit]
    private readonly void FloatLanes<TL, TV>(byte** p, long* s, int n, bool stream) where TL : IFloatLanes<TV> where TV : struct
    {
        float* a = (float*)p[1], b = (float*)p[2], c = (float*)p[0];
        bool oneA = s[1] == 0, oneB = s[2] == 0;
        TV na = TL.Splat(*a), nb = TL.Splat(*b);
        int step = TL.Count, i = 0;
        for (; i <= n - step; i += step)
        {
            var v = Op.FloatLanes<TL, TV>(oneA ? na : TL.Load(in a[i], 0), oneB ? nb : TL.Load(in b[i], 0));
            if (stream) TL.StoreStreaming(v, ref c[i], 0);
            else TL.Store(v, ref c[i], 0);
        }
        if (stream && Sse.IsSupported) Sse.StoreFence();
        if (i == n) return;
        float* pad = stackalloc float[2 * step];
        for (int k = 0; k < step; k++)
        {
            pad[k] = i + k < n ? a[oneA ? 0 : i + k] : 0;
            pad[step + k] = i + k < n ? b[oneB ? 0 : i + k] : 0;
        }
        TL.Store(Op.FloatLanes<TL, TV>(TL.Load(in pad[0], 0), TL.Load(in pad[step], 0)), ref pad[0], 0);
        for (int k = 0; i + k < n; k++) c[i + k] = pad[k];
    }
}

/// <summary>c = op(a, b) as bool.</summary>
internal unsafe struct CompareRow<TOp, TS, TC> : IRowKernel
    where TOp : struct, ICompareKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
{
    public TOp Op;

    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        TC* ba = stackalloc TC[Rows.Chunk];
        TC* bb = stackalloc TC[Rows.Chunk];
        bool* bc = stackalloc bool[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var a = Rows.Read<TS, TC>(p[1] + i * s[1], s[1], m, ba);
            var b = Rows.Read<TS, TC>(p[2] + i * s[2], s[2], m, bb);
            bool direct = s[0] == 1;
            var c = direct ? new Span<bool>(p[0] + i, m) : new Span<bool>(bc, m);
            Op.Apply(a, b, c);
            if (!direct) Rows.Write<bool, bool>(bc, p[0] + i * s[0], s[0], m);
        }
    }
}
