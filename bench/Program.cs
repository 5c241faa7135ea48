using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Flint;

// Flint's side of the benchmark: runs each workload, prints one JSON object per line
// ({"name", "seconds", "work", "unit"}). bench/pytorch_bench.py prints the same rows for PyTorch and
// bench/compare.py joins them into the ratio table. Usage: dotnet run -c Release --project bench -- [filter...]
// Profiling: `-- --loop NAME SECONDS [THREADS]` runs the one workload named NAME over and over for that long (for
// perf record with DOTNET_PerfMapEnabled=1) and prints its CPU time per run.
var loop = args.Length >= 3 && args[0] == "--loop";
var filters = loop ? [args[1]] : args;
Torch.SetNumThreads(loop && args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Math.Min(2, Environment.ProcessorCount));
var results = new List<Row>();

void Run(string name, Action body, double work = 0, string unit = "")
{
    if (loop)
    {
        if (name != filters[0]) return;
        Timing.Loop(name, body, double.Parse(args[2], CultureInfo.InvariantCulture));
        // The later workloads' set-up would otherwise land in the profile.
        Environment.Exit(0);
    }
    if (filters.Length > 0 && !filters.Any(f => name.Contains(f, StringComparison.Ordinal))) return;
    var seconds = name.StartsWith("ceiling/", StringComparison.Ordinal) ? Timing.Best(body) : Timing.Median(body);
    var row = new Row(name, seconds, work, unit);
    results.Add(row);
    Console.WriteLine(JsonSerializer.Serialize(row));
}

// Hardware ceilings, measured here so the report can say how close each row gets.
Run("ceiling/fma_fp32_1thread", () => Ceilings.FmaLoop(1), Ceilings.FmaFlops(1), "flop");
Run("ceiling/fma_fp32_2threads", () => Ceilings.FmaLoop(2), Ceilings.FmaFlops(2), "flop");
Run("ceiling/copy_256MB", Ceilings.Copy, 2.0 * Ceilings.CopyBytes, "byte");

Workloads.Register(Run);

static class Timing
{
    // Median of repeated runs after warm-up; repeats until ~0.5 s or 50 runs (at least 5; 3 for a body that takes
    // over half a second, such as an epoch).
    public static double Median(Action body)
    {
        var times = Times(body);
        return times[times.Count / 2];
    }

    // The best of the same runs: the ceilings are what the hardware allows, so the least-disturbed run counts.
    public static double Best(Action body) => Times(body)[0];

    // Runs body for about `seconds` after a warm-up and prints wall and CPU time per run.
    public static void Loop(string name, Action body, double seconds)
    {
        body();
        body();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        int runs = 0;
        while (wall.Elapsed.TotalSeconds < seconds)
        {
            body();
            runs++;
        }
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / runs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {runs} runs, {wall.Elapsed.TotalMilliseconds / runs:F3} ms wall, {cpu:F3} ms CPU per run"));
    }

    private static List<double> Times(Action body)
    {
        // Warm-up until the JIT has settled, so that steady-state code is timed: a method is recompiled optimised after
        // 30 calls, in the background, so a method called once per run (a model's Forward, a backward closure) is only
        // promoted at run 30, and a ResNet-18 step timed at runs 4-8 took 290-410 ms against 235-285 ms from run 32 on.
        // So: at least 30 runs and one second, and a last run that compiled nothing; a body over half a second (an
        // epoch, whose inner methods run many times per run) 3 runs; never more than 20 seconds.
        var warm = Stopwatch.StartNew();
        int warmRuns = 0;
        bool settled = false;
        while (warm.Elapsed.TotalSeconds < 20 &&
               (warmRuns < 3 || warm.Elapsed.TotalSeconds < 1 || (warm.Elapsed.TotalSeconds / warmRuns <= 0.5 && (warmRuns < 30 || !settled))))
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            body();
            settled = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled;
            warmRuns++;
        }
        bool slow = warm.Elapsed.TotalSeconds / warmRuns > 0.5;
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < (slow ? 3 : 5) || (total.Elapsed.TotalSeconds < 0.5 && times.Count < 50))
        {
            var sw = Stopwatch.StartNew();
            body();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times;
    }
}

static class Ceilings
{
    private const int Iters = 20_000_000;
    public const long CopyBytes = 256L << 20;
    private static readonly byte[] Src = Written(GC.AllocateArray<byte>((int)CopyBytes, pinned: true));
    private static readonly byte[] Dst = Written(GC.AllocateArray<byte>((int)CopyBytes, pinned: true));

    // Pages never written are the kernel's one shared zero page: a copy from them reads from cache and measured 78 GB/s
    // on a host whose memory copies 32 GB/s.
    private static byte[] Written(byte[] a)
    {
        a.AsSpan().Fill(1);
        return a;
    }

    // Each iteration: 8 independent FMA chains on 16 floats = 256 flops.
    public static double FmaFlops(int threads) => threads * (double)Iters * 8 * 16 * 2;

    public static void FmaLoop(int threads) =>
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains());

    private static float Chains()
    {
        var a = Vector512.Create(1.0001f);
        var b = Vector512.Create(0.9999f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int i = 0; i < Iters; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(a, c0, b);
            c1 = Vector512.FusedMultiplyAdd(a, c1, b);
            c2 = Vector512.FusedMultiplyAdd(a, c2, b);
            c3 = Vector512.FusedMultiplyAdd(a, c3, b);
            c4 = Vector512.FusedMultiplyAdd(a, c4, b);
            c5 = Vector512.FusedMultiplyAdd(a, c5, b);
            c6 = Vector512.FusedMultiplyAdd(a, c6, b);
            c7 = Vector512.FusedMultiplyAdd(a, c7, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7);
    }

    /// <summary>
    /// The machine's copy bandwidth: every core copying its share with 64-byte loads and non-temporal stores (the
    /// stores need not read the lines they write, as memmove's do not for large copies).
    /// </summary>
    public static unsafe void Copy()
    {
        int threads = Environment.ProcessorCount;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long per = CopyBytes / threads, start = per * t, end = t == threads - 1 ? CopyBytes : start + per;
            fixed (byte* s = Src, d = Dst)
            {
                long i = start;
                for (; i < end && ((nint)(d + i) & 63) != 0; i++) d[i] = s[i];
                for (; i + 64 <= end; i += 64)
                    Vector512.Load(s + i).StoreAlignedNonTemporal(d + i);
                for (; i < end; i++) d[i] = s[i];
            }
        });
        System.Runtime.Intrinsics.X86.Sse.StoreFence();
    }
}

internal sealed record Row(string name, double seconds, double work, string unit);
