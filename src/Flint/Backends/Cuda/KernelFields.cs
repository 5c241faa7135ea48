using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;

namespace Flint.Backends.Cuda;

/// <summary>How a kernel struct's field is passed to the CUDA kernel.</summary>
internal enum FieldKind
{
    /// <summary>float or double: a <c>double</c> argument.</summary>
    Real,
    /// <summary>Any integer type: a <c>long long</c> argument.</summary>
    Integer,
    /// <summary>bool: an <c>int</c> argument (0 or 1).</summary>
    Boolean,
}

/// <summary>One field of a kernel struct, named as the CUDA expression names it.</summary>
internal sealed record KernelField(string Name, FieldInfo Field, FieldKind Kind)
{
    /// <summary>The kernel argument's name in generated code (<c>p_</c> + the field's name).</summary>
    public string Argument => "p_" + Name;

    /// <summary>The argument's CUDA C declaration.</summary>
    public string Declaration => Kind switch
    {
        FieldKind.Real => "const double " + Argument,
        FieldKind.Integer => "const long long " + Argument,
        _ => "const int " + Argument,
    };
}

/// <summary>
/// The parameters of a kernel struct (<c>new AddKernel(alpha)</c>) as CUDA kernel arguments: every instance field, named
/// by the field (a primary-constructor parameter's compiler field <c>&lt;alpha&gt;P</c> is named <c>alpha</c>), read
/// by reflection once per launch. In the struct's CUDA expression a field's name stands for its value: the expression
/// is rewritten to use the argument (<c>p_alpha</c>) wherever the name is not a function call, so a field may share a
/// name with a function (<c>min</c>, <c>max</c>, <c>nan</c>).
/// </summary>
internal static class KernelFields
{
    private static readonly ConcurrentDictionary<Type, KernelField[]> Cache = new();

    /// <summary>The fields of a kernel struct type, in declaration order.</summary>
    public static KernelField[] Of([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] Type type) =>
        Cache.GetOrAdd(type, Find);

    private static KernelField[] Find([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] Type type)
    {
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Array.Sort(fields, (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
        var result = new KernelField[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            var kind = Type.GetTypeCode(f.FieldType) switch
            {
                TypeCode.Double or TypeCode.Single => FieldKind.Real,
                TypeCode.Int64 or TypeCode.Int32 or TypeCode.Int16 or TypeCode.SByte or TypeCode.Byte or TypeCode.UInt16
                    or TypeCode.UInt32 => FieldKind.Integer,
                TypeCode.Boolean => FieldKind.Boolean,
                _ => throw new NotSupportedException(
                    $"kernel {type.Name} has field {f.Name} of type {f.FieldType.Name}, which a CUDA kernel cannot take " +
                    "(kernel fields must be numbers or bools)"),
            };
            result[i] = new KernelField(CleanName(f.Name), f, kind);
        }
        return result;
    }

    /// <summary>A field's name as written in source: <c>&lt;alpha&gt;P</c> and <c>&lt;Alpha&gt;k__BackingField</c> give the inner name.</summary>
    public static string CleanName(string name) =>
        name.StartsWith('<') && name.IndexOf('>') is var close and > 1 ? name[1..close] : name;

    /// <summary>The field values of a kernel instance, as the 8-byte kernel arguments they become.</summary>
    public static void Values<TOp>(TOp op, KernelField[] fields, Span<long> values) where TOp : struct
    {
        object boxed = op;
        for (int i = 0; i < fields.Length; i++)
        {
            var v = fields[i].Field.GetValue(boxed)!;
            values[i] = fields[i].Kind switch
            {
                FieldKind.Real => BitConverter.DoubleToInt64Bits(Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)),
                FieldKind.Integer => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
                _ => (bool)v ? 1 : 0,
            };
        }
    }

    /// <summary>Rewrites an expression so that field names (not function calls) refer to their kernel arguments.</summary>
    public static string Rewrite(string expression, KernelField[] fields)
    {
        if (fields.Length == 0) return expression;
        var sb = new StringBuilder(expression.Length + 16);
        foreach (var token in CudaTokens.Scan(expression))
        {
            var text = expression.Substring(token.Start, token.Length);
            if (token.Kind == CudaTokenKind.Identifier && !token.IsCall && !token.IsMember && Array.Exists(fields, f => f.Name == text))
                sb.Append("p_").Append(text);
            else
                sb.Append(text);
        }
        return sb.ToString();
    }
}

/// <summary>The kind of a token of a CUDA C expression.</summary>
internal enum CudaTokenKind
{
    Identifier,
    Number,
    Other,
}

/// <summary>A token of a CUDA C expression: its span, and for identifiers whether a call or a member access.</summary>
internal readonly record struct CudaToken(CudaTokenKind Kind, int Start, int Length, bool IsCall, bool IsMember);

/// <summary>A small tokenizer for the expressions of kernel structs: identifiers, numbers (with suffixes and exponents), the rest.</summary>
internal static class CudaTokens
{
    public static List<CudaToken> Scan(string s)
    {
        var tokens = new List<CudaToken>();
        int i = 0;
        while (i < s.Length)
        {
            char ch = s[i];
            int start = i;
            if (char.IsAsciiLetter(ch) || ch == '_')
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                int j = i;
                while (j < s.Length && s[j] == ' ') j++;
                bool call = j < s.Length && s[j] == '(' || j < s.Length && s[j] == '<' && IsTemplateCall(s, j);
                int k = start - 1;
                while (k >= 0 && s[k] == ' ') k--;
                bool member = k >= 0 && (s[k] == '.' || (s[k] == '>' && k > 0 && s[k - 1] == '-'));
                tokens.Add(new CudaToken(CudaTokenKind.Identifier, start, i - start, call, member));
            }
            else if (char.IsAsciiDigit(ch) || (ch == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '.' ||
                                        ((s[i] == '+' || s[i] == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E') && !IsHex(s, start))))
                    i++;
                tokens.Add(new CudaToken(CudaTokenKind.Number, start, i - start, false, false));
            }
            else
            {
                i++;
                tokens.Add(new CudaToken(CudaTokenKind.Other, start, 1, false, false));
            }
        }
        return tokens;
    }

    private static bool IsHex(string s, int start) => start + 1 < s.Length && s[start] == '0' && (s[start + 1] == 'x' || s[start + 1] == 'X');

    // name<T>(...): a template call (only simple type arguments appear in kernel expressions).
    private static bool IsTemplateCall(string s, int open)
    {
        int close = s.IndexOf('>', open);
        if (close < 0) return false;
        for (int i = open + 1; i < close; i++)
            if (!(char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_' || s[i] == ' ')) return false;
        int j = close + 1;
        while (j < s.Length && s[j] == ' ') j++;
        return j < s.Length && s[j] == '(';
    }
}
