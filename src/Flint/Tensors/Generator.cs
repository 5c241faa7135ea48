using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Flint;

/// <summary>
/// A pseudo-random number generator (<c>torch.Generator</c>): PyTorch's CPU generator, a 32-bit Mersenne Twister
/// (mt19937) plus the cached second sample of the Box-Muller transform. For the same seed it yields the same
/// stream as PyTorch's CPU generator, and <see cref="GetState"/> / <see cref="SetState"/> use PyTorch's byte
/// layout, so states move between the two. Every draw takes the generator's lock, so one generator may be shared
/// by threads (each fill is atomic, as under PyTorch's generator mutex).
/// </summary>
public sealed class Generator
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    /// <summary>The seed of a new <c>torch.Generator()</c> (PyTorch's <c>default_rng_seed_val</c>).</summary>
    public const ulong DefaultSeed = 67280421310721;

    /// <summary>Size in bytes of the state tensor PyTorch writes (<c>CPUGeneratorImplState</c>).</summary>
    internal const int StateSize = 5056;

    /// <summary>Size in bytes of PyTorch's older state layout (<c>CPUGeneratorImplStateLegacy</c>), still accepted.</summary>
    internal const int LegacyStateSize = 5048;

    private static readonly Lazy<Generator> DefaultInstance = new(() => new Generator(NonDeterministicSeed()));

    // The lock every draw holds (PyTorch's generator->mutex_).
    internal readonly Lock Sync = new();

    private readonly uint[] state = new uint[N];
    private ulong seed;
    private int left;
    private uint next;
    private bool seeded;
    private double? nextDoubleNormal;
    private float? nextFloatNormal;

    /// <summary>A CPU generator seeded with <see cref="DefaultSeed"/> (<c>torch.Generator()</c>).</summary>
    public Generator() : this(DefaultSeed) { }

    private Generator(ulong seed) => Reseed(seed);

    /// <summary>
    /// The generator the random functions use when none is given (<c>torch.default_generator</c>); seeded from the
    /// operating system's entropy at start-up, as in PyTorch.
    /// </summary>
    public static Generator Default => DefaultInstance.Value;

    /// <summary>The device whose tensors this generator fills (<c>generator.device</c>): always the CPU.</summary>
    public Device Device => Device.CPU;

    /// <summary>
    /// Seeds the generator (<c>generator.manual_seed(seed)</c>) and returns it. A negative seed is taken as its
    /// two's-complement 64-bit pattern, as PyTorch does; the Mersenne Twister uses its low 32 bits.
    /// </summary>
    public Generator ManualSeed(long seed)
    {
        lock (Sync) Reseed(unchecked((ulong)seed));
        return this;
    }

    /// <summary>Seeds the generator from the operating system's entropy and returns the seed (<c>generator.seed()</c>).</summary>
    public ulong Seed()
    {
        var s = NonDeterministicSeed();
        lock (Sync) Reseed(s);
        return s;
    }

    /// <summary>The seed last set (<c>generator.initial_seed()</c>).</summary>
    public ulong InitialSeed()
    {
        lock (Sync) return seed;
    }

    /// <summary>
    /// The generator's state as a uint8 tensor of 5056 bytes in PyTorch's <c>CPUGeneratorImplState</c> layout
    /// (<c>generator.get_state()</c>).
    /// </summary>
    public Tensor GetState()
    {
        var bytes = new byte[StateSize];
        var span = bytes.AsSpan();
        lock (Sync)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, seed);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], left);
            BinaryPrimitives.WriteInt32LittleEndian(span[12..], seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], next);
            for (int i = 0; i < N; i++) BinaryPrimitives.WriteUInt64LittleEndian(span[(24 + 8 * i)..], state[i]);
            // normal_x (5016) and normal_rho (5032) stay zero, as PyTorch writes them.
            if (nextDoubleNormal is { } d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[5024..], d);
                BinaryPrimitives.WriteInt32LittleEndian(span[5040..], 1);
            }
            if (nextFloatNormal is { } f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[5048..], f);
                span[5052] = 1;
            }
        }
        return Torch.FromArray(bytes);
    }

    /// <summary>
    /// Restores a state from <see cref="GetState"/> or from PyTorch's <c>get_state()</c> (5056 bytes, or the legacy
    /// 5048-byte layout) and returns the generator (<c>generator.set_state(state)</c>).
    /// </summary>
    public Generator SetState(Tensor newState)
    {
        ArgumentNullException.ThrowIfNull(newState);
        if (newState.DType != DType.UInt8 || !newState.Device.IsCpu)
            throw new ArgumentException("RNG state must be a torch.ByteTensor");
        var size = newState.Numel();
        if (size != StateSize && size != LegacyStateSize)
            throw new ArgumentException(
                $"Expected either a CPUGeneratorImplStateLegacy of size {LegacyStateSize} or a CPUGeneratorImplState of size {StateSize} but found the input RNG state size to be {size}");
        var b = newState.ToArray<byte>().AsSpan();
        var newSeed = BinaryPrimitives.ReadUInt64LittleEndian(b);
        var newLeft = BinaryPrimitives.ReadInt32LittleEndian(b[8..]);
        var newSeeded = BinaryPrimitives.ReadInt32LittleEndian(b[12..]) != 0;
        var newNext = (uint)BinaryPrimitives.ReadUInt64LittleEndian(b[16..]);
        double? doubleNormal = null;
        float? floatNormal = null;
        bool normalValid = BinaryPrimitives.ReadInt32LittleEndian(b[5040..]) != 0;
        if (size == LegacyStateSize)
        {
            // The legacy layout kept the Box-Muller inputs: the cached sample is rho * sin(2 pi x).
            if (normalValid)
                doubleNormal = BinaryPrimitives.ReadDoubleLittleEndian(b[5032..]) *
                               Math.Sin(2.0 * Math.PI * BinaryPrimitives.ReadDoubleLittleEndian(b[5016..]));
        }
        else
        {
            if (b[5052] != 0) floatNormal = BinaryPrimitives.ReadSingleLittleEndian(b[5048..]);
            if (normalValid) doubleNormal = BinaryPrimitives.ReadDoubleLittleEndian(b[5024..]);
        }
        if (!(newSeeded && newLeft > 0 && newLeft <= N && newNext <= N))
            throw new ArgumentException("Invalid mt19937 state");
        lock (Sync)
        {
            for (int i = 0; i < N; i++) state[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(b[(24 + 8 * i)..]);
            seed = newSeed;
            left = newLeft;
            seeded = newSeeded;
            next = newNext;
            nextDoubleNormal = doubleNormal;
            nextFloatNormal = floatNormal;
        }
        return this;
    }

    /// <summary>PyTorch's <c>getNonDeterministicRandom()</c>: 64 bits of OS entropy.</summary>
    private static ulong NonDeterministicSeed()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private void Reseed(ulong s)
    {
        seed = s;
        seeded = true;
        state[0] = (uint)s;
        for (uint j = 1; j < N; j++)
            state[j] = 1812433253u * (state[j - 1] ^ (state[j - 1] >> 30)) + j;
        left = 1;
        next = 0;
        nextDoubleNormal = null;
        nextFloatNormal = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Twist(uint u, uint v) => (((u & UpperMask) | (v & LowerMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0);

    // The twist, eight words at a time where vectors serve: word i takes words i and i + 1 (not yet twisted) and word
    // i + M (old) or i + M - N (twisted at least N - M = 227 words before), so no vector reads a word that it writes.
    // The scalar loop cost about 4 cycles a word and took a fifth of a transformer layer's training step (dropout).
    private void NextState()
    {
        var p = state;
        left = N;
        next = 0;
        int i = TwistVectors(p, 0, N - M, M);
        for (; i < N - M; i++) p[i] = p[i + M] ^ Twist(p[i], p[i + 1]);
        i = TwistVectors(p, N - M, N - 1, M - N);
        for (; i < N - 1; i++) p[i] = p[i + M - N] ^ Twist(p[i], p[i + 1]);
        p[N - 1] = p[M - 1] ^ Twist(p[N - 1], p[0]);
    }

    // Words [from, to) in whole vectors, word i from words i, i + 1 and i + far; returns where the vectors stopped.
    private static int TwistVectors(uint[] p, int from, int to, int far)
    {
        int i = from;
        if (!Vector256.IsHardwareAccelerated) return i;
        var upper = Vector256.Create(UpperMask);
        var one = Vector256.Create(1u);
        var matrix = Vector256.Create(MatrixA);
        ref uint p0 = ref p[0];
        for (; i + Vector256<uint>.Count <= to; i += Vector256<uint>.Count)
        {
            var u = Vector256.LoadUnsafe(ref p0, (nuint)i);
            var v = Vector256.LoadUnsafe(ref p0, (nuint)(i + 1));
            var y = Vector256.ConditionalSelect(upper, u, v);
            // v's low bit as all ones or zeros selects MatrixA.
            var mag = (Vector256<uint>.Zero - (v & one)) & matrix;
            (Vector256.LoadUnsafe(ref p0, (nuint)(i + far)) ^ Vector256.ShiftRightLogical(y, 1) ^ mag).StoreUnsafe(ref p0, (nuint)i);
        }
        return i;
    }

    // ---- Raw draws and PyTorch's distribution transforms (at::*_distribution). Callers hold Sync. ----

    /// <summary>The next 32 bits (<c>generator->random()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint NextUInt32()
    {
        if (--left == 0) NextState();
        uint y = state[next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// The next <c>dst.Length</c> outputs of <see cref="NextUInt32"/>, in order, tempered a vector at a time: the bulk
    /// path of the uniform fills.
    /// </summary>
    internal void NextUInt32s(Span<uint> dst)
    {
        int i = 0;
        while (i < dst.Length)
        {
            if (left == 1)
            {
                NextState();
                left = N + 1; // the next draw consumes state[0] and leaves left == N, as NextUInt32 does
            }
            int k = Math.Min(left - 1, dst.Length - i);
            Temper(state.AsSpan((int)next, k), dst.Slice(i, k));
            next += (uint)k;
            left -= k;
            i += k;
        }
    }

    private static void Temper(ReadOnlySpan<uint> src, Span<uint> dst)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var m1 = Vector256.Create(0x9d2c5680u);
            var m2 = Vector256.Create(0xefc60000u);
            for (; j <= src.Length - Vector256<uint>.Count; j += Vector256<uint>.Count)
            {
                var y = Vector256.Create(src.Slice(j, Vector256<uint>.Count));
                y ^= Vector256.ShiftRightLogical(y, 11);
                y ^= Vector256.ShiftLeft(y, 7) & m1;
                y ^= Vector256.ShiftLeft(y, 15) & m2;
                y ^= Vector256.ShiftRightLogical(y, 18);
                y.CopyTo(dst.Slice(j, Vector256<uint>.Count));
            }
        }
        for (; j < src.Length; j++)
        {
            uint y = src[j];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            y ^= y >> 18;
            dst[j] = y;
        }
    }

    /// <summary>The next 64 bits, high word first (<c>generator->random64()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    /// <summary>A double in [0, 1) from 53 random bits (<c>uniform_real_distribution&lt;double&gt;(0, 1)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double NextDouble() => (NextUInt64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));

    /// <summary>A float in [0, 1) from 24 random bits (<c>uniform_real_distribution&lt;float&gt;(0, 1)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal float NextSingle() => (NextUInt32() & ((1u << 24) - 1)) * (1.0f / (1u << 24));

    /// <summary>
    /// A standard normal sample by Box-Muller in double (<c>normal_distribution&lt;double&gt;</c>): draws two uniforms,
    /// returns r cos(theta) and keeps r sin(theta) for the next call.
    /// </summary>
    internal double NextNormal()
    {
        if (nextDoubleNormal is { } cached)
        {
            nextDoubleNormal = null;
            return cached;
        }
        double u1 = NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }
}
