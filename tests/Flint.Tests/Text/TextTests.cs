using Flint.Text;

namespace Flint.Tests.Text;

/// <summary>
/// The tokenizers and the vocabulary against torchtext's behaviour: basic_english's rules (expected tokens from
/// torchtext's own normalisation, run on these sentences), build_vocab_from_iterator's ordering (frequency, then
/// alphabetical), min_freq, specials, max_tokens, the default index and lookups.
/// </summary>
public class TextTests
{
    [Fact]
    public void BasicEnglishFollowsTorchtext()
    {
        var tokenizer = Tokenizer.GetTokenizer("basic_english");
        Assert.Equal(["you", "can", "now", "install", "torchtext", "using", "pip", "!"], tokenizer("You can now install TorchText using pip!"));
        Assert.Equal(["don", "'", "t", "stop", "it", "'", "s", "great", "really", "(", "yes", ")", ",", "ok", "?", "the", "end", "."],
            tokenizer("Don't stop; it's <br />GREAT: \"really\" (yes), ok?\tThe end."));
        Assert.Equal(["a", "b,c", "d"], Tokenizer.GetTokenizer(null)("  a b,c\n\td "));
        Assert.Throws<ArgumentException>(() => Tokenizer.GetTokenizer("basic_english", "de"));
        Assert.Throws<ArgumentException>(() => Tokenizer.GetTokenizer("spacy"));
    }

    [Fact]
    public void VocabOrdersByFrequencyThenAlphabetically()
    {
        // torchtext's docstring: Counter(["a", "a", "b", "b", "b"]) gives b (3) before a (2).
        var v = Vocab.BuildVocabFromIterator([["a", "a", "b", "b", "b"]]);
        Assert.Equal(["b", "a"], v.GetItos());
        Assert.Equal(1, v["a"]);
        var e = Assert.Throws<KeyNotFoundException>(() => v["out of vocab"]);
        Assert.Equal("Token out of vocab not found and default index is not set", e.Message);

        var corpus = new[] { new[] { "the", "cat", "sat" }, ["the", "dog", "sat"], ["a", "cat", "ran"] };
        var v2 = Vocab.BuildVocabFromIterator(corpus, specials: ["<unk>", "<pad>"]);
        Assert.Equal(["<unk>", "<pad>", "cat", "sat", "the", "a", "dog", "ran"], v2.GetItos());
        var v3 = Vocab.BuildVocabFromIterator(corpus, minFreq: 2, specials: ["<unk>"], specialFirst: false);
        Assert.Equal(["cat", "sat", "the", "<unk>"], v3.GetItos());
        var v4 = Vocab.BuildVocabFromIterator(corpus, specials: ["<unk>"], maxTokens: 3);
        Assert.Equal(["<unk>", "cat", "sat"], v4.GetItos());
        Assert.Throws<ArgumentException>(() => Vocab.BuildVocabFromIterator(corpus, specials: ["<unk>"], maxTokens: 1));
    }

    [Fact]
    public void DefaultIndexLookupsAndEdits()
    {
        var v = Vocab.BuildVocabFromIterator([["x", "y", "y"]], specials: ["<unk>"]);
        Assert.Null(v.GetDefaultIndex());
        v.SetDefaultIndex(v["<unk>"]);
        Assert.Equal(0, v["zzz"]);
        Assert.Equal([1L, 2L, 0L], v.LookupIndices(["y", "x", "w"]));
        Assert.Equal(["y", "x"], v.LookupTokens([1L, 2L]));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.LookupToken(3));
        Assert.True(v.Contains("x"));
        Assert.Equal(3, v.Count);
        v.AppendToken("new");
        Assert.Equal(3, v["new"]);
        Assert.Contains("already exists in the Vocab with index: 1", Assert.Throws<ArgumentException>(() => v.AppendToken("y")).Message);
        v.InsertToken("first", 0);
        Assert.Equal(["first", "<unk>", "y", "x", "new"], v.GetItos());
        Assert.Equal(2, v.GetStoi()["y"]);
    }

    [Fact]
    public void EncodeAndDecodeRoundTrip()
    {
        var tokenizer = Tokenizer.GetTokenizer("basic_english");
        var v = Vocab.BuildVocabFromIterator([tokenizer("Hello, world! Hello again.")], specials: ["<unk>"]);
        v.SetDefaultIndex(0);
        var ids = v.Encode("hello WORLD, stranger!", tokenizer);
        Assert.Equal(DType.Int64, ids.DType);
        Assert.Equal("hello world , <unk> !", v.Decode(ids));
    }
}
