namespace Flint.Backends.Cuda;

/// <summary>
/// The CUDA C every generated kernel starts with (compiled by NVRTC, so it includes no header): storage conversions
/// for float16 and bfloat16 (round to nearest even, as c10::Half and c10::BFloat16), C++ cast semantics for dtype
/// conversion, and namespace <c>fl</c> with the functions kernel expressions call. Inside <c>fl</c> each math function
/// has a float overload (calling the CUDA math library's <c>f</c> form) and a double one, so an expression such as
/// <c>exp(x)</c> is computed in the operand's own precision, as PyTorch's CUDA kernels do; helpers that also apply to
/// integers are templates. The helpers reproduce the CPU kernels' semantics (NaN propagation, PyTorch's floor
/// division and remainder, exact integer powers).
/// </summary>
internal static class CudaPrelude
{
    /// <summary>The most dims an elementwise or reduction kernel indexes (PyTorch's MAX_DIMS).</summary>
    public const int MaxDims = 25;

    /// <summary>The most operands (output included) an elementwise kernel has.</summary>
    public const int MaxOperands = 4;

    public static readonly string Source = $$"""
// ---- Flint CUDA prelude ----
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif
#define FL_LLONG_MIN (-9223372036854775807LL - 1)

struct Geometry { long long ndim; long long sizes[{{MaxDims}}]; long long strides[{{MaxOperands}}][{{MaxDims}}]; };
struct ReduceGeometry
{
    long long keptDims; long long keptSizes[{{MaxDims}}]; long long keptStrides[{{MaxDims}}];
    long long reducedDims; long long reducedSizes[{{MaxDims}}]; long long reducedStrides[{{MaxDims}}];
};

namespace fl {

// -- storage conversions (the PTX instructions on the GPU; the same rounding in software where the prelude is compiled
//    as host C++, which the tests do to run kernels on the CPU)
#ifdef __CUDA_ARCH__
__device__ __forceinline__ float h2f(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
__device__ __forceinline__ unsigned short f2h(float f) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }
#else
__device__ __forceinline__ float h2f(unsigned short h)
{
    unsigned int sign = ((unsigned int)h & 0x8000u) << 16, e = ((unsigned int)h >> 10) & 0x1fu, m = (unsigned int)h & 0x3ffu;
    if (e == 0x1fu) return __uint_as_float(sign | 0x7f800000u | (m << 13));
    if (e == 0u) return __uint_as_float(sign | __float_as_uint((float)m * 5.9604644775390625e-8f));
    return __uint_as_float(sign | ((e + 112u) << 23) | (m << 13));
}
__device__ __forceinline__ unsigned short f2h(float f)
{
    unsigned int u = __float_as_uint(f), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) return (unsigned short)(sign | (a > 0x7f800000u ? 0x7e00u : 0x7c00u));
    if (a >= 0x477ff000u) return (unsigned short)(sign | 0x7c00u);
    if (a < 0x38800000u) return (unsigned short)(sign | (unsigned int)nearbyintf(__uint_as_float(a) * 16777216.0f));
    unsigned int h = ((((a >> 23) - 112u) << 10) | ((a & 0x7fffffu) >> 13)), rest = a & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
    return (unsigned short)(sign | h);
}
#endif
__device__ __forceinline__ float bf2f(unsigned short b) { return __uint_as_float(((unsigned int)b) << 16); }
__device__ __forceinline__ unsigned short f2bf(float f)
{
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)0x7fc0u;
    return (unsigned short)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
// A float to an integer through int64 as Flint's CPU converts: toward zero, saturating, NaN giving INT64_MIN.
__device__ __forceinline__ long long f2ll(double d)
{
    if (d != d || d <= -9223372036854775808.0) return FL_LLONG_MIN;
    return d >= 9223372036854775808.0 ? 9223372036854775807LL : (long long)d;
}

// -- classification
__device__ __forceinline__ bool isnan(float x) { return x != x; }
__device__ __forceinline__ bool isnan(double x) { return x != x; }
template <typename T> __device__ __forceinline__ bool isnan(T) { return false; }
__device__ __forceinline__ bool isinf(float x) { return ::fabsf(x) == INFINITY; }
__device__ __forceinline__ bool isinf(double x) { return ::fabs(x) == (double)INFINITY; }
template <typename T> __device__ __forceinline__ bool isinf(T) { return false; }
__device__ __forceinline__ bool isfinite(float x) { return !isnan(x) && !isinf(x); }
__device__ __forceinline__ bool isfinite(double x) { return !isnan(x) && !isinf(x); }
template <typename T> __device__ __forceinline__ bool isfinite(T) { return true; }
__device__ __forceinline__ bool signbit(float x) { return (__float_as_uint(x) >> 31) != 0u; }
__device__ __forceinline__ bool signbit(double x) { return __double_as_longlong(x) < 0; }
template <typename T> __device__ __forceinline__ bool signbit(T x) { return x < 0; }

// -- math in the operand's precision
#define FL_UNARY(name, f32, f64) \
    __device__ __forceinline__ float name(float x) { return ::f32(x); } \
    __device__ __forceinline__ double name(double x) { return ::f64(x); }
FL_UNARY(exp, expf, exp)
FL_UNARY(exp2, exp2f, exp2)
FL_UNARY(expm1, expm1f, expm1)
FL_UNARY(log, logf, log)
FL_UNARY(log2, log2f, log2)
FL_UNARY(log10, log10f, log10)
FL_UNARY(log1p, log1pf, log1p)
FL_UNARY(sqrt, sqrtf, sqrt)
FL_UNARY(rsqrt, rsqrtf, rsqrt)
FL_UNARY(sin, sinf, sin)
FL_UNARY(cos, cosf, cos)
FL_UNARY(tan, tanf, tan)
FL_UNARY(asin, asinf, asin)
FL_UNARY(acos, acosf, acos)
FL_UNARY(atan, atanf, atan)
FL_UNARY(sinh, sinhf, sinh)
FL_UNARY(cosh, coshf, cosh)
FL_UNARY(tanh, tanhf, tanh)
FL_UNARY(asinh, asinhf, asinh)
FL_UNARY(acosh, acoshf, acosh)
FL_UNARY(atanh, atanhf, atanh)
FL_UNARY(erf, erff, erf)
FL_UNARY(erfc, erfcf, erfc)
FL_UNARY(erfinv, erfinvf, erfinv)
FL_UNARY(lgamma, lgammaf, lgamma)
#undef FL_UNARY

// Rounding and magnitude: integers are their own floor, ceil, trunc and round.
#define FL_ROUNDING(name, f32, f64) \
    __device__ __forceinline__ float name(float x) { return ::f32(x); } \
    __device__ __forceinline__ double name(double x) { return ::f64(x); } \
    template <typename T> __device__ __forceinline__ T name(T x) { return x; }
FL_ROUNDING(floor, floorf, floor)
FL_ROUNDING(ceil, ceilf, ceil)
FL_ROUNDING(trunc, truncf, trunc)
FL_ROUNDING(nearbyint, nearbyintf, nearbyint)
#undef FL_ROUNDING
__device__ __forceinline__ float fabs(float x) { return ::fabsf(x); }
__device__ __forceinline__ double fabs(double x) { return ::fabs(x); }
template <typename T> __device__ __forceinline__ T fabs(T x) { return x < 0 ? (T)(-x) : x; }
__device__ __forceinline__ float abs(float x) { return ::fabsf(x); }
__device__ __forceinline__ double abs(double x) { return ::fabs(x); }
template <typename T> __device__ __forceinline__ T abs(T x) { return x < 0 ? (T)(-x) : x; }
__device__ __forceinline__ float copysign(float a, float b) { return ::copysignf(a, b); }
__device__ __forceinline__ double copysign(double a, double b) { return ::copysign(a, b); }

#define FL_BINARY(name, f32, f64) \
    __device__ __forceinline__ float name(float a, float b) { return ::f32(a, b); } \
    __device__ __forceinline__ double name(double a, double b) { return ::f64(a, b); }
FL_BINARY(atan2, atan2f, atan2)
FL_BINARY(hypot, hypotf, hypot)
#undef FL_BINARY

// Bitwise and, or, xor: of floats, of their bits (as the CPU kernels, which work on bytes).
#define FL_BITWISE(name, op) \
    template <typename T> __device__ __forceinline__ T name(T a, T b) { return (T)(a op b); } \
    __device__ __forceinline__ float name(float a, float b) { return __uint_as_float(__float_as_uint(a) op __float_as_uint(b)); } \
    __device__ __forceinline__ double name(double a, double b) { return __longlong_as_double(__double_as_longlong(a) op __double_as_longlong(b)); }
FL_BITWISE(bitwise_and, &)
FL_BITWISE(bitwise_or, |)
FL_BITWISE(bitwise_xor, ^)
#undef FL_BITWISE

// Exact integer power by repeated squaring, wrapping; negative exponents give 1, -1 or 0 (PyTorch's powi).
template <typename T> __device__ __forceinline__ T ipow(T a, T b)
{
    if (b < 0) return a == 1 ? (T)1 : (a == (T)(-1) ? ((b & 1) ? (T)(-1) : (T)1) : (T)0);
    T r = 1;
    while (b != 0)
    {
        if (b & 1) r = (T)(r * a);
        b = (T)(b >> 1);
        a = (T)(a * a);
    }
    return r;
}
__device__ __forceinline__ float pow(float a, float b) { return ::powf(a, b); }
__device__ __forceinline__ double pow(double a, double b) { return ::pow(a, b); }
template <typename T> __device__ __forceinline__ T pow(T a, T b) { return ipow(a, b); }

__device__ __forceinline__ float fmod(float a, float b) { return ::fmodf(a, b); }
__device__ __forceinline__ double fmod(double a, double b) { return ::fmod(a, b); }
template <typename T> __device__ __forceinline__ T fmod(T a, T b) { return (T)(a % b); }

__device__ __forceinline__ float fmax(float a, float b) { return ::fmaxf(a, b); }
__device__ __forceinline__ double fmax(double a, double b) { return ::fmax(a, b); }
template <typename T> __device__ __forceinline__ T fmax(T a, T b) { return a > b ? a : b; }
__device__ __forceinline__ float fmin(float a, float b) { return ::fminf(a, b); }
__device__ __forceinline__ double fmin(double a, double b) { return ::fmin(a, b); }
template <typename T> __device__ __forceinline__ T fmin(T a, T b) { return a < b ? a : b; }

// NaN-propagating maximum and minimum (torch.maximum, amax); +0 is above -0.
template <typename T> __device__ __forceinline__ T fmax_nan(T a, T b)
{
    if (isnan(a)) return a;
    if (isnan(b)) return b;
    return a > b ? a : (b > a ? b : (signbit(a) ? b : a));
}
template <typename T> __device__ __forceinline__ T fmin_nan(T a, T b)
{
    if (isnan(a)) return a;
    if (isnan(b)) return b;
    return a < b ? a : (b < a ? b : (signbit(a) ? a : b));
}

// Python's modulus: the result has the divisor's sign.
template <typename T> __device__ __forceinline__ T remainder(T a, T b)
{
    T m = fmod(a, b);
    if (m != 0 && ((b < 0) != (m < 0))) m = (T)(m + b);
    return m;
}

// Division rounded toward negative infinity: PyTorch's div_floor_floating, and the integer form.
template <typename T> __device__ __forceinline__ T div_floor_real(T a, T b)
{
    if (b == 0) return a / b;
    T mod = fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= (T)1;
    if (div == 0) return copysign((T)0, a / b);
    T q = floor(div);
    if (div - q > (T)0.5) q += (T)1;
    return q;
}
__device__ __forceinline__ float div_floor(float a, float b) { return div_floor_real(a, b); }
__device__ __forceinline__ double div_floor(double a, double b) { return div_floor_real(a, b); }
template <typename T> __device__ __forceinline__ T div_floor(T a, T b)
{
    T q = (T)(a / b);
    if (((a < 0) != (b < 0)) && (T)(a % b) != 0) q = (T)(q - 1);
    return q;
}
// True division of floats, floor division of integers (scatter_reduce "mean": PyTorch divides integers with
// rounding_mode="floor").
__device__ __forceinline__ float div_true_or_floor(float a, float b) { return a / b; }
__device__ __forceinline__ double div_true_or_floor(double a, double b) { return a / b; }
template <typename T> __device__ __forceinline__ T div_true_or_floor(T a, T b) { return div_floor(a, b); }

// A double kernel parameter in the compute type, as the CPU kernels convert their fields.
template <typename T> __device__ __forceinline__ T pcast(double v) { return (T)(long long)v; }
template <> __device__ __forceinline__ float pcast<float>(double v) { return (float)v; }
template <> __device__ __forceinline__ double pcast<double>(double v) { return v; }

// x to a fixed exponent, with PyTorch's fast paths; integers exactly.
template <typename T> __device__ __forceinline__ T pow_scalar_real(T x, double e)
{
    if (e == 2.0) return x * x;
    if (e == 3.0) return x * x * x;
    if (e == 0.5) return sqrt(x);
    if (e == -0.5) return rsqrt(x);
    if (e == -1.0) return (T)1 / x;
    if (e == -2.0) return (T)1 / (x * x);
    return pow(x, (T)e);
}
__device__ __forceinline__ float pow_scalar(float x, double e) { return pow_scalar_real(x, e); }
__device__ __forceinline__ double pow_scalar(double x, double e) { return pow_scalar_real(x, e); }
template <typename T> __device__ __forceinline__ T pow_scalar(T x, double e)
{
    return e == 2.0 ? (T)(x * x) : ipow(x, (T)(long long)e);
}

// clamp with number bounds: std::min(std::max(x, min), max), a NaN x stays NaN, a missing bound is not applied.
template <typename T> __device__ __forceinline__ T clamp_scalar(T x, double lo, double hi, int hasLo, int hasHi)
{
    if (hasLo) { T l = pcast<T>(lo); x = x < l ? l : x; }
    if (hasHi) { T h = pcast<T>(hi); x = h < x ? h : x; }
    return x;
}

// clamp with tensor bounds: NaN where a bound is NaN.
template <typename T> __device__ __forceinline__ T clamp3(T x, T lo, T hi)
{
    T r = x < lo ? lo : x;
    r = hi < r ? hi : r;
    return (isnan(lo) || isnan(hi)) ? (T)(lo + hi) : r;
}

// std::max and std::min as C++ defines them (a NaN first argument is kept), in the first argument's type.
template <typename A, typename B> __device__ __forceinline__ A std_max(A a, B b) { return (a < (A)b) ? (A)b : a; }
template <typename A, typename B> __device__ __forceinline__ A std_min(A a, B b) { return ((A)b < a) ? (A)b : a; }

// GELU and its gradient, exact (erf) or with approximate="tanh", as PyTorch's GeluKernelImpl computes them.
template <typename T> __device__ __forceinline__ T gelu(T x, int approximateTanh)
{
    if (approximateTanh)
    {
        const T inner = (T)0.7978845608028654 * (x + (T)0.044715 * x * x * x);
        return (T)0.5 * x * ((T)1 + tanh(inner));
    }
    return x * (T)0.5 * ((T)1 + erf(x * (T)0.7071067811865476));
}
template <typename T> __device__ __forceinline__ T gelu_backward(T dy, T x, int approximateTanh)
{
    if (approximateTanh)
    {
        const T beta = (T)0.7978845608028654, kappa = (T)0.044715;
        const T t = tanh(beta * (x + kappa * x * x * x));
        const T left = (T)0.5 * x, right = (T)1 + t;
        return dy * ((T)0.5 * right + left * ((T)1 - t * t) * beta * ((T)1 + (T)3 * kappa * x * x));
    }
    const T cdf = (T)0.5 * ((T)1 + erf(x * (T)0.7071067811865476));
    const T pdf = exp((T)(-0.5) * x * x) * (T)0.3989422804014327;
    return dy * (cdf + x * pdf);
}

// PyTorch's two-sided lerp.
template <typename T> __device__ __forceinline__ T lerp(T a, T b, T w)
{
    return abs(w) < (T)0.5 ? a + w * (b - a) : b - (b - a) * ((T)1 - w);
}

// logit with the input clamped to [eps, 1 - eps] when eps >= 0; 1 gives +inf.
template <typename T> __device__ __forceinline__ T logit(T x, double eps)
{
    T lo = (T)eps, hi = (T)1 - (T)eps, v = x;
    if (eps >= 0) v = v < lo ? lo : (v > hi ? hi : v);
    return v == (T)1 ? (T)INFINITY : log(v / ((T)1 - v));
}

// round half to even at a number of decimals, as PyTorch computes it.
template <typename T> __device__ __forceinline__ T round_decimals(T x, long long decimals)
{
    T p = (T)::pow(10.0, (double)(decimals < 0 ? -decimals : decimals));
    return decimals < 0 ? nearbyint(x / p) * p : nearbyint(x * p) / p;
}

// isclose: floats in their own type, integers through their difference in double.
template <typename T> __device__ __forceinline__ bool isclose_real(T a, T b, double rtol, double atol, int equalNan)
{
    if (a == b || (equalNan && isnan(a) && isnan(b))) return true;
    T err = abs(a - b);
    return isfinite(err) && err <= (T)atol + abs((T)rtol * b);
}
__device__ __forceinline__ bool isclose(float a, float b, double rtol, double atol, int equalNan) { return isclose_real(a, b, rtol, atol, equalNan); }
__device__ __forceinline__ bool isclose(double a, double b, double rtol, double atol, int equalNan) { return isclose_real(a, b, rtol, atol, equalNan); }
template <typename T> __device__ __forceinline__ bool isclose(T a, T b, double rtol, double atol, int)
{
    T diff = (T)(a - b);
    double err = (double)(diff < 0 ? (T)(-diff) : diff);
    return a == b || err <= atol + ::fabs(rtol * (double)b);
}

} // namespace fl
// ---- end of prelude ----

""";
}
