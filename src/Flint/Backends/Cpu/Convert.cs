using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Element conversions between storage types with C++ cast semantics (as PyTorch's <c>static_cast</c>): floats
/// truncate toward zero into integers, integers wrap, anything non-zero is true. The typeof chains fold away when
/// the JIT specialises for value types.
/// </summary>
internal static class Cvt
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFloat<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref v);
        if (typeof(T) == typeof(double)) return Unsafe.As<T, double>(ref v);
        if (typeof(T) == typeof(Half)) return (double)Unsafe.As<T, Half>(ref v);
        if (typeof(T) == typeof(BFloat16)) return (float)Unsafe.As<T, BFloat16>(ref v);
        return ToLong(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToLong<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return Unsafe.As<T, long>(ref v);
        if (typeof(T) == typeof(int)) return Unsafe.As<T, int>(ref v);
        if (typeof(T) == typeof(short)) return Unsafe.As<T, short>(ref v);
        if (typeof(T) == typeof(sbyte)) return Unsafe.As<T, sbyte>(ref v);
        if (typeof(T) == typeof(byte)) return Unsafe.As<T, byte>(ref v);
        if (typeof(T) == typeof(bool)) return Unsafe.As<T, bool>(ref v) ? 1 : 0;
        return DoubleToLong(ToDouble(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long DoubleToLong(double d) => double.IsNaN(d) ? long.MinValue : (long)d;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref v);
        if (typeof(T) == typeof(Half)) return (float)Unsafe.As<T, Half>(ref v);
        if (typeof(T) == typeof(BFloat16)) return (float)Unsafe.As<T, BFloat16>(ref v);
        if (typeof(T) == typeof(double)) return (float)Unsafe.As<T, double>(ref v);
        return ToLong(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double d) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { var f = (float)d; return Unsafe.As<float, T>(ref f); }
        if (typeof(T) == typeof(double)) return Unsafe.As<double, T>(ref d);
        if (typeof(T) == typeof(Half)) { var h = (Half)d; return Unsafe.As<Half, T>(ref h); }
        if (typeof(T) == typeof(BFloat16)) { var b = (BFloat16)(float)d; return Unsafe.As<BFloat16, T>(ref b); }
        if (typeof(T) == typeof(bool)) { var b = d != 0; return Unsafe.As<bool, T>(ref b); }
        return FromLong<T>(DoubleToLong(d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromFloat<T>(float f) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<float, T>(ref f);
        if (typeof(T) == typeof(Half)) { var h = (Half)f; return Unsafe.As<Half, T>(ref h); }
        if (typeof(T) == typeof(BFloat16)) { var b = (BFloat16)f; return Unsafe.As<BFloat16, T>(ref b); }
        return FromDouble<T>(f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromLong<T>(long l) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return Unsafe.As<long, T>(ref l);
        if (typeof(T) == typeof(int)) { var x = (int)l; return Unsafe.As<int, T>(ref x); }
        if (typeof(T) == typeof(short)) { var x = (short)l; return Unsafe.As<short, T>(ref x); }
        if (typeof(T) == typeof(sbyte)) { var x = (sbyte)l; return Unsafe.As<sbyte, T>(ref x); }
        if (typeof(T) == typeof(byte)) { var x = (byte)l; return Unsafe.As<byte, T>(ref x); }
        if (typeof(T) == typeof(bool)) { var x = l != 0; return Unsafe.As<bool, T>(ref x); }
        return FromDouble<T>(l);
    }

    /// <summary>Converts between any two storage types.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD To<TS, TD>(TS v) where TS : unmanaged where TD : unmanaged
    {
        if (typeof(TS) == typeof(TD)) return Unsafe.As<TS, TD>(ref v);
        if (typeof(TD) == typeof(bool)) return FromLong<TD>(IsFloat<TS>() ? (ToDouble(v) != 0 ? 1 : 0) : (ToLong(v) != 0 ? 1 : 0));
        if (typeof(TS) == typeof(float) || typeof(TS) == typeof(Half) || typeof(TS) == typeof(BFloat16))
            return FromFloat<TD>(ToFloat(v));
        if (IsFloat<TS>() || IsFloat<TD>()) return FromDouble<TD>(ToDouble(v));
        return FromLong<TD>(ToLong(v));
    }

    /// <summary>A scalar as a value of storage type T.</summary>
    public static T FromScalar<T>(Scalar s) where T : unmanaged =>
        IsFloat<T>() ? FromDouble<T>(s.ToDouble()) : typeof(T) == typeof(bool) ? FromLong<T>(s.ToBool() ? 1 : 0) : FromLong<T>(s.ToLong());
}
