using System.Text.RegularExpressions;

namespace Flint.Text;

/// <summary>
/// Tokenizers for text (<c>torchtext.data.utils.get_tokenizer</c>): <c>"basic_english"</c> lower-cases, separates
/// punctuation from words and splits on whitespace; <c>null</c> splits on whitespace only.
/// </summary>
public static partial class Tokenizer
{
    // torchtext's _patterns and _replacements, applied in this order.
    private static readonly (Regex Pattern, string Replacement)[] BasicEnglishRules =
    [
        (Apostrophe(), " '  "),
        (Quote(), ""),
        (Period(), " . "),
        (LineBreak(), " "),
        (Comma(), " , "),
        (OpenParen(), " ( "),
        (CloseParen(), " ) "),
        (Bang(), " ! "),
        (Question(), " ? "),
        (Semicolon(), " "),
        (Colon(), " "),
        (Spaces(), " "),
    ];

    /// <summary>
    /// A tokenizer by name (<c>get_tokenizer(tokenizer, language="en")</c>): <c>"basic_english"</c> or null (whitespace
    /// split). Other names (spacy, moses, ...) need libraries Flint does not have.
    /// </summary>
    public static Func<string, List<string>> GetTokenizer(string? tokenizer, string language = "en")
    {
        if (tokenizer is null) return Split;
        if (tokenizer == "basic_english")
        {
            if (language != "en") throw new ArgumentException("Basic normalization is only available for Enlish(en)");
            return BasicEnglish;
        }
        throw new ArgumentException(
            $"Requested tokenizer {tokenizer}, valid choices are a callable that takes a single string as input, \"basic_english\" " +
            "for torchtext's English normalisation, or null for splitting on whitespace (spacy, moses, toktok, revtok and " +
            "subword need libraries that are not available in Flint)");
    }

    /// <summary>Splits on runs of whitespace, dropping empty pieces (Python's <c>str.split()</c>).</summary>
    public static List<string> Split(string line) =>
        [.. line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// torchtext's <c>basic_english</c>: lower-case, spaces around <c>' . , ( ) ! ?</c>, <c>"</c> removed,
    /// <c>&lt;br /&gt;</c>, <c>;</c>, <c>:</c> and whitespace runs made single spaces, then split.
    /// </summary>
    public static List<string> BasicEnglish(string line)
    {
        line = line.ToLowerInvariant();
        foreach (var (pattern, replacement) in BasicEnglishRules) line = pattern.Replace(line, replacement);
        return Split(line);
    }

    [GeneratedRegex(@"'")] private static partial Regex Apostrophe();
    [GeneratedRegex("\"")] private static partial Regex Quote();
    [GeneratedRegex(@"\.")] private static partial Regex Period();
    [GeneratedRegex(@"<br \/>")] private static partial Regex LineBreak();
    [GeneratedRegex(",")] private static partial Regex Comma();
    [GeneratedRegex(@"\(")] private static partial Regex OpenParen();
    [GeneratedRegex(@"\)")] private static partial Regex CloseParen();
    [GeneratedRegex(@"\!")] private static partial Regex Bang();
    [GeneratedRegex(@"\?")] private static partial Regex Question();
    [GeneratedRegex(@"\;")] private static partial Regex Semicolon();
    [GeneratedRegex(@"\:")] private static partial Regex Colon();
    [GeneratedRegex(@"\s+")] private static partial Regex Spaces();
}
