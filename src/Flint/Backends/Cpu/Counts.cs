namespace Flint.Backends.Cpu;

/// <summary>
/// A small count as a type: a kernel generic over it is compiled once per count with the count a constant, so the
/// register block it sizes is unrolled and its unused accumulators vanish.
/// </summary>
internal interface ICount
{
    static abstract int Value { get; }
}

internal struct Count1 : ICount { public static int Value => 1; }
internal struct Count2 : ICount { public static int Value => 2; }
internal struct Count3 : ICount { public static int Value => 3; }
internal struct Count4 : ICount { public static int Value => 4; }
internal struct Count5 : ICount { public static int Value => 5; }
internal struct Count6 : ICount { public static int Value => 6; }
internal struct Count7 : ICount { public static int Value => 7; }
internal struct Count8 : ICount { public static int Value => 8; }
internal struct Count9 : ICount { public static int Value => 9; }
internal struct Count10 : ICount { public static int Value => 10; }
internal struct Count11 : ICount { public static int Value => 11; }
internal struct Count12 : ICount { public static int Value => 12; }
internal struct Count13 : ICount { public static int Value => 13; }
internal struct Count14 : ICount { public static int Value => 14; }
internal struct Count15 : ICount { public static int Value => 15; }
internal struct Count16 : ICount { public static int Value => 16; }
internal struct Count17 : ICount { public static int Value => 17; }
internal struct Count18 : ICount { public static int Value => 18; }
internal struct Count19 : ICount { public static int Value => 19; }
internal struct Count20 : ICount { public static int Value => 20; }
internal struct Count21 : ICount { public static int Value => 21; }
internal struct Count22 : ICount { public static int Value => 22; }
internal struct Count23 : ICount { public static int Value => 23; }
internal struct Count24 : ICount { public static int Value => 24; }
