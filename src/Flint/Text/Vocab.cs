namespace Flint.Text;

/// <summary>
/// A vocabulary mapping tokens to indices and back (<c>torchtext.vocab.Vocab</c>): <c>vocab["word"]</c>,
/// <c>vocab.LookupIndices(tokens)</c> (PyTorch's <c>vocab(tokens)</c>), <c>LookupTokens</c>, a default index for
/// unknown tokens, and <see cref="BuildVocabFromIterator"/> to count a corpus into one.
/// </summary>
public sealed class Vocab
{
    private readonly List<string> itos;
    private readonly Dictionary<string, long> stoi;
    private long? defaultIndex;

    /// <summary>A vocabulary of <paramref name="tokens"/> in order (index i is the i-th token); duplicates are refused.</summary>
    public Vocab(IEnumerable<string> tokens)
    {
        itos = [];
        stoi = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in tokens) AppendToken(t);
    }

    /// <summary>
    /// Builds a vocabulary from tokenized texts (<c>build_vocab_from_iterator(iterator, min_freq=1, specials=None,
    /// special_first=True, max_tokens=None)</c>): tokens sorted by decreasing frequency, ties alphabetically, those
    /// seen fewer than <paramref name="minFreq"/> times dropped, <paramref name="specials"/> (such as "&lt;unk&gt;")
    /// first or last, at most <paramref name="maxTokens"/> entries in all.
    /// </summary>
    public static Vocab BuildVocabFromIterator(IEnumerable<IEnumerable<string>> iterator, long minFreq = 1,
        IReadOnlyList<string>? specials = null, bool specialFirst = true, int? maxTokens = null)
    {
        var counter = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tokens in iterator)
            foreach (var t in tokens)
                counter[t] = counter.GetValueOrDefault(t) + 1;
        specials ??= [];
        var sorted = counter.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (maxTokens is { } max)
        {
            if (specials.Count >= max)
                throw new ArgumentException("len(specials) >= max_tokens, so the vocab will be entirely special tokens.");
            sorted = sorted.Take(max - specials.Count).ToList();
        }
        return FromFrequencies(sorted, minFreq, specials, specialFirst);
    }

    /// <summary>
    /// A vocabulary from token frequencies in the given order (torchtext's <c>vocab(ordered_dict, min_freq=1,
    /// specials=None, special_first=True)</c>): tokens below <paramref name="minFreq"/> dropped, specials added.
    /// </summary>
    public static Vocab FromFrequencies(IEnumerable<KeyValuePair<string, long>> orderedDict, long minFreq = 1,
        IReadOnlyList<string>? specials = null, bool specialFirst = true)
    {
        specials ??= [];
        var special = new HashSet<string>(specials, StringComparer.Ordinal);
        var tokens = orderedDict.Where(kv => !special.Contains(kv.Key) && kv.Value >= minFreq).Select(kv => kv.Key).ToList();
        if (specialFirst) tokens.InsertRange(0, specials);
        else tokens.AddRange(specials);
        return new Vocab(tokens);
    }

    /// <summary>Number of tokens (<c>len(vocab)</c>).</summary>
    public int Count => itos.Count;

    /// <summary>Whether the token is in the vocabulary (<c>token in vocab</c>).</summary>
    public bool Contains(string token) => stoi.ContainsKey(token);

    /// <summary>
    /// The index of a token (<c>vocab[token]</c>), or the default index for an unknown one; without a default, an
    /// unknown token is an error.
    /// </summary>
    public long this[string token] => stoi.TryGetValue(token, out var i) ? i
        : defaultIndex ?? throw new KeyNotFoundException($"Token {token} not found and default index is not set");

    /// <summary>Sets the index returned for unknown tokens, e.g. that of "&lt;unk&gt;" (<c>set_default_index(index)</c>).</summary>
    public void SetDefaultIndex(long? index) => defaultIndex = index;

    /// <summary>The index returned for unknown tokens, or null (<c>get_default_index()</c>).</summary>
    public long? GetDefaultIndex() => defaultIndex;

    /// <summary>Adds a token at the end (<c>append_token(token)</c>); an existing token is an error.</summary>
    public void AppendToken(string token)
    {
        if (stoi.TryGetValue(token, out var i))
            throw new ArgumentException($"Token {token} already exists in the Vocab with index: {i}");
        stoi[token] = itos.Count;
        itos.Add(token);
    }

    /// <summary>Inserts a token at <paramref name="index"/>, shifting the ones after it (<c>insert_token(token, index)</c>).</summary>
    public void InsertToken(string token, long index)
    {
        if (index < 0 || index > itos.Count)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"Specified index {index} is out of bounds for vocab of size {itos.Count}");
        if (stoi.TryGetValue(token, out var i))
            throw new ArgumentException($"Token {token} already exists in the Vocab with index: {i}");
        itos.Insert((int)index, token);
        for (int k = (int)index; k < itos.Count; k++) stoi[itos[k]] = k;
    }

    /// <summary>The token at an index (<c>lookup_token(index)</c>).</summary>
    public string LookupToken(long index)
    {
        if (index < 0 || index >= itos.Count)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"Specified index {index} is out of bounds of the size of itos dictionary: {itos.Count}.");
        return itos[(int)index];
    }

    /// <summary>The tokens at the indices (<c>lookup_tokens(indices)</c>).</summary>
    public List<string> LookupTokens(IEnumerable<long> indices) => indices.Select(LookupToken).ToList();

    /// <summary>The indices of the tokens (<c>lookup_indices(tokens)</c>, also PyTorch's <c>vocab(tokens)</c>).</summary>
    public List<long> LookupIndices(IEnumerable<string> tokens) => tokens.Select(t => this[t]).ToList();

    /// <summary>The tokens in index order (<c>get_itos()</c>).</summary>
    public IReadOnlyList<string> GetItos() => itos;

    /// <summary>Token to index (<c>get_stoi()</c>).</summary>
    public IReadOnlyDictionary<string, long> GetStoi() => stoi;

    /// <summary>Tokenizes <paramref name="text"/> and looks the tokens up: the indices of a sentence as an int64 tensor.</summary>
    public Tensor Encode(string text, Func<string, List<string>> tokenizer) =>
        Torch.Tensor(LookupIndices(tokenizer(text)).ToArray(), DType.Int64);

    /// <summary>The tokens of <paramref name="indices"/> joined by <paramref name="separator"/> (the reverse of <see cref="Encode"/>).</summary>
    public string Decode(IEnumerable<long> indices, string separator = " ") => string.Join(separator, LookupTokens(indices));

    /// <summary>The tokens of a 1-D int64 tensor of indices, joined by <paramref name="separator"/>.</summary>
    public string Decode(Tensor indices, string separator = " ") => Decode(indices.ToArray<long>(), separator);
}
