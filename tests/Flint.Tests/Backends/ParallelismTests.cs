using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// The parallel regions' contract: every part runs exactly once, whatever the count, whether the workers are free,
/// busy with another thread's region or asked from inside a region; a part's exception reaches the caller as itself
/// and leaves the workers usable.
/// </summary>
public class ParallelismTests
{
    private static int[] RunCounted(int count)
    {
        var runs = new int[count];
        Parallelism.For(count, (t, n) =>
        {
            Assert.Equal(count, n);
            Interlocked.Increment(ref runs[t]);
        });
        return runs;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    public void EveryPartRunsOnce(int count)
    {
        for (int rep = 0; rep < 200; rep++) Assert.All(RunCounted(count), r => Assert.Equal(1, r));
    }

    [Fact]
    public void PartsRunOnSeveralThreads()
    {
        if (Parallelism.NumThreads < 2) return;
        var threads = new int[2];
        using var both = new Barrier(2);
        // Each part waits for the other: this only returns if the two run at the same time.
        Parallelism.For(2, (t, n) =>
        {
            threads[t] = Environment.CurrentManagedThreadId;
            Assert.True(both.SignalAndWait(TimeSpan.FromSeconds(30)));
        });
        Assert.NotEqual(threads[0], threads[1]);
    }

    [Fact]
    public void RegionsFromManyThreadsAndNestedRegionsRunEveryPart()
    {
        var failures = 0;
        var callers = new Thread[4];
        for (int c = 0; c < callers.Length; c++)
        {
            callers[c] = new Thread(() =>
            {
                for (int rep = 0; rep < 300; rep++)
                {
                    var inner = new int[3 * 5];
                    Parallelism.For(3, (t, n) => Parallelism.For(5, (u, m) => Interlocked.Increment(ref inner[t * 5 + u])));
                    foreach (var r in inner) if (r != 1) Interlocked.Increment(ref failures);
                }
            });
            callers[c].Start();
        }
        foreach (var c in callers) c.Join();
        Assert.Equal(0, failures);
    }

    [Fact]
    public void APartsExceptionReachesTheCallerAsItself()
    {
        for (int failing = 0; failing < 4; failing++)
        {
            int f = failing;
            var e = Assert.Throws<InvalidOperationException>(() => Parallelism.For(4, (t, n) =>
            {
                if (t == f) throw new InvalidOperationException($"part {t}");
            }));
            Assert.Equal($"part {f}", e.Message);
            Assert.All(RunCounted(4), r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void RegionsAfterTheWorkersSleptRunEveryPart()
    {
        for (int rep = 0; rep < 3; rep++)
        {
            Thread.Sleep(20);
            Assert.All(RunCounted(2), r => Assert.Equal(1, r));
        }
    }
}
