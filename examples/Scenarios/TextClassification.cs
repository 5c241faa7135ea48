using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Text;
using F = Flint.NN.Functional;
using RnnUtils = Flint.NN.Utils.Rnn;

namespace Flint.Examples.Scenarios;

/// <summary>
/// The seeds' text classification (positive and negative reviews): a basic_english tokenizer, a vocabulary built with
/// a minimum frequency and the specials &lt;unk&gt; and &lt;pad&gt;, sentences encoded and padded per batch, and an
/// Embedding + LSTM (over packed sequences) classifier — or, with the argument <c>transformer</c>, a small Transformer
/// encoder with a padding mask — trained with CrossEntropyLoss and Adam, evaluated, then used on new sentences.
/// The reviews are generated from word lists, so the example runs anywhere.
/// </summary>
public sealed class TextClassification : IExample
{
    public string Name => "text";
    public string Summary => "text classification: tokenizer + vocab, Embedding + LSTM (packed) or a Transformer encoder, train and predict";

    private static readonly string[] Positive = ["good", "great", "excellent", "wonderful", "loved", "fantastic", "amazing", "superb", "enjoyable", "brilliant"];
    private static readonly string[] Negative = ["bad", "terrible", "awful", "horrible", "hated", "boring", "poor", "dreadful", "dull", "disappointing"];
    private static readonly string[] Fillers = ["the", "movie", "film", "was", "is", "this", "plot", "acting", "story", "really", "quite", "very",
        "and", "but", "i", "it", "a", "cast", "ending", "music", "overall", "honestly"];
    private static readonly string[] Marks = [".", "!", ",", "?", ""];

    /// <summary>Made-up reviews: fillers with two or three words of the label's sentiment, capitalised and punctuated.</summary>
    public static List<(string Text, long Label)> Reviews(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new List<(string, long)>();
        for (int i = 0; i < count; i++)
        {
            long label = rng.Next(2);
            var words = Enumerable.Range(0, 3 + rng.Next(8)).Select(_ => Fillers[rng.Next(Fillers.Length)]).ToList();
            var sentiment = label == 1 ? Positive : Negative;
            for (int k = 0; k < 2 + rng.Next(2); k++) words.Insert(rng.Next(words.Count + 1), sentiment[rng.Next(sentiment.Length)]);
            var text = string.Join(" ", words) + Marks[rng.Next(Marks.Length)];
            result.Add((char.ToUpperInvariant(text[0]) + text[1..], label));
        }
        return result;
    }

    /// <summary>Embedding, an LSTM over the packed batch, and a Linear layer on the last hidden state.</summary>
    public sealed class LstmClassifier(long vocabSize, long padIndex, long embedDim = 16, long hiddenDim = 32, long numClass = 2)
        : Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding embedding = new(vocabSize, embedDim, paddingIdx: padIndex);
        private readonly LSTM lstm = new(embedDim, hiddenDim, batchFirst: true);
        private readonly Linear fc = new(hiddenDim, numClass);

        public override Tensor Forward(Tensor text, Tensor lengths)
        {
            var embedded = embedding.Call(text);
            var packed = RnnUtils.PackPaddedSequence(embedded, lengths, batchFirst: true, enforceSorted: false);
            var (_, (hidden, _)) = lstm.Call(packed);
            return fc.Call(hidden[-1]);
        }
    }

    /// <summary>Embedding plus learned positions, one TransformerEncoderLayer with a padding mask, a masked mean and a Linear layer.</summary>
    public sealed class TransformerClassifier(long vocabSize, long padIndex, long maxLen = 64, long dModel = 16, long numClass = 2)
        : Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding embedding = new(vocabSize, dModel, paddingIdx: padIndex);
        private readonly Embedding position = new(maxLen, dModel);
        private readonly TransformerEncoder encoder = new(new TransformerEncoderLayer(dModel, 2, 32, 0.1, batchFirst: true), 1);
        private readonly Linear fc = new(dModel, numClass);

        public override Tensor Forward(Tensor text, Tensor lengths)
        {
            long seq = text.Size(1);
            var positions = Torch.Arange(seq).Unsqueeze(0);
            var padding = positions.Ge(lengths.Unsqueeze(1));
            var x = embedding.Call(text) + position.Call(positions);
            x = encoder.Call(x, null, padding);
            var keep = padding.LogicalNot().Unsqueeze(-1).To(x.DType);
            return fc.Call((x * keep).Sum(1) / keep.Sum(1));
        }
    }

    /// <summary>Accuracy on the test reviews and the labels given to <paramref name="sentences"/>.</summary>
    public sealed record Result(double TestAccuracy, long[] Predictions, int VocabSize);

    public static Result Train(string model, int epochs, string[] sentences, TextWriter o)
    {
        Torch.ManualSeed(0);
        var train = Reviews(400, 1);
        var test = Reviews(100, 2);
        var tokenizer = Tokenizer.GetTokenizer("basic_english");
        var vocab = Vocab.BuildVocabFromIterator(train.Select(r => tokenizer(r.Text)), minFreq: 2, specials: ["<unk>", "<pad>"]);
        vocab.SetDefaultIndex(vocab["<unk>"]);
        long pad = vocab["<pad>"];
        o.WriteLine($"vocabulary: {vocab.Count} tokens, first {string.Join(" ", vocab.GetItos().Take(8))}");
        var sample = vocab.Encode(train[0].Text, tokenizer);
        o.WriteLine($"\"{train[0].Text}\" -> {sample} -> \"{vocab.Decode(sample)}\"");

        (Tensor, Tensor, Tensor) Collate(IReadOnlyList<(string Text, long Label)> batch)
        {
            var encoded = batch.Select(b => vocab.Encode(b.Text, tokenizer)).ToList();
            var lengths = Torch.Tensor(encoded.Select(e => e.Size(0)).ToArray());
            return (RnnUtils.PadSequence(encoded, batchFirst: true, paddingValue: pad), lengths, Torch.Tensor(batch.Select(b => b.Label).ToArray()));
        }

        var trainLoader = new DataLoader<(string, long), (Tensor, Tensor, Tensor)>(train, Collate, batchSize: 16, shuffle: true);
        var testLoader = new DataLoader<(string, long), (Tensor, Tensor, Tensor)>(test, Collate, batchSize: 50);
        Module<Tensor, Tensor, Tensor> net = model == "transformer"
            ? new TransformerClassifier(vocab.Count, pad)
            : new LstmClassifier(vocab.Count, pad);
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(net.Parameters(), lr: 0.01);
        double accuracy = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            net.Train();
            double total = 0;
            foreach (var (text, lengths, labels) in trainLoader)
            {
                optimizer.ZeroGrad();
                var loss = criterion.Call(net.Call(text, lengths), labels);
                loss.Backward();
                optimizer.Step();
                total += loss.Item<double>() * labels.Size(0);
            }
            net.Eval();
            long correct = 0;
            using (Torch.NoGrad())
                foreach (var (text, lengths, labels) in testLoader)
                    correct += net.Call(text, lengths).Argmax(1).Eq(labels).Sum().Item<long>();
            accuracy = (double)correct / test.Count;
            o.WriteLine($"epoch {epoch}: train loss {total / train.Count:F4}, test accuracy {accuracy:F3}");
        }
        var predictions = new long[sentences.Length];
        using (Torch.NoGrad())
            for (int i = 0; i < sentences.Length; i++)
            {
                var (text, lengths, _) = Collate([(sentences[i], 0)]);
                var probs = F.Softmax(net.Call(text, lengths), 1);
                predictions[i] = probs.Argmax(1).Item<long>();
                o.WriteLine($"\"{sentences[i]}\": {(predictions[i] == 1 ? "positive" : "negative")} ({probs[0, predictions[i]].Item<double>():F3})");
            }
        return new Result(accuracy, predictions, vocab.Count);
    }

    public int Run(string[] args, TextWriter o)
    {
        var model = args.Contains("transformer") ? "transformer" : "lstm";
        int epochs = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).DefaultIfEmpty(6).First();
        Train(model, epochs, ["What a wonderful film, I loved the music!", "Honestly the plot was dull and the ending awful."], o);
        return 0;
    }
}
