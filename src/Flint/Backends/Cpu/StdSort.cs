namespace Flint.Backends.Cpu;

/// <summary>
/// The selection and sorting algorithms of the GNU C++ library (introsort, introselect, heap-based partial sort),
/// step for step. ATen's CPU topk and mode call <c>std::nth_element</c>, <c>std::partial_sort</c> and
/// <c>std::sort</c> with comparisons that leave ties unordered; running the same steps puts tied elements (and so
/// the returned indices and the gradient) where PyTorch puts them. The comparison must be a strict weak order.
/// </summary>
internal static class StdSort
{
    private const int Threshold = 16;

    /// <summary><c>std::sort</c>: introsort, then a final insertion sort.</summary>
    public static void Sort<T, TLess>(Span<Entry<T>> a, TLess less) where T : unmanaged where TLess : struct, ILess<T>
    {
        if (a.Length < 2) return;
        IntroSortLoop(a, 0, a.Length, Log2(a.Length) * 2, less);
        FinalInsertionSort(a, 0, a.Length, less);
    }

    /// <summary><c>std::nth_element</c>: introselect, finishing small ranges by insertion sort.</summary>
    public static void NthElement<T, TLess>(Span<Entry<T>> a, int nth, TLess less) where T : unmanaged where TLess : struct, ILess<T>
    {
        if (a.Length < 2 || nth >= a.Length) return;
        int first = 0, last = a.Length, depth = Log2(a.Length) * 2;
        while (last - first > 3)
        {
            if (depth == 0)
            {
                HeapSelect(a, first, nth + 1, last, less);
                Swap(a, first, nth);
                return;
            }
            depth--;
            int cut = PartitionPivot(a, first, last, less);
            if (cut <= nth) first = cut;
            else last = cut;
        }
        InsertionSort(a, first, last, less);
    }

    /// <summary><c>std::partial_sort</c>: the smallest <paramref name="middle"/> entries in order, by heap selection.</summary>
    public static void PartialSort<T, TLess>(Span<Entry<T>> a, int middle, TLess less) where T : unmanaged where TLess : struct, ILess<T>
    {
        HeapSelect(a, 0, middle, a.Length, less);
        for (int last = middle; last - 1 > 0; last--) PopHeap(a, 0, last - 1, last - 1, less);
    }

    private static int Log2(int n) => 31 - int.LeadingZeroCount(n);

    private static void Swap<T>(Span<Entry<T>> a, int i, int j) where T : unmanaged => (a[i], a[j]) = (a[j], a[i]);

    private static void IntroSortLoop<T, TLess>(Span<Entry<T>> a, int first, int last, int depth, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        while (last - first > Threshold)
        {
            if (depth == 0)
            {
                HeapSelect(a, first, last, last, less);
                for (int end = last; end - first > 1; end--) PopHeap(a, first, end - 1, end - 1, less);
                return;
            }
            depth--;
            int cut = PartitionPivot(a, first, last, less);
            IntroSortLoop(a, cut, last, depth, less);
            last = cut;
        }
    }

    private static int PartitionPivot<T, TLess>(Span<Entry<T>> a, int first, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        int mid = first + (last - first) / 2;
        MoveMedianToFirst(a, first, first + 1, mid, last - 1, less);
        return UnguardedPartition(a, first + 1, last, first, less);
    }

    private static void MoveMedianToFirst<T, TLess>(Span<Entry<T>> a, int result, int x, int y, int z, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        if (less.Less(a[x], a[y]))
        {
            if (less.Less(a[y], a[z])) Swap(a, result, y);
            else if (less.Less(a[x], a[z])) Swap(a, result, z);
            else Swap(a, result, x);
        }
        else if (less.Less(a[x], a[z])) Swap(a, result, x);
        else if (less.Less(a[y], a[z])) Swap(a, result, z);
        else Swap(a, result, y);
    }

    private static int UnguardedPartition<T, TLess>(Span<Entry<T>> a, int first, int last, int pivot, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        while (true)
        {
            while (less.Less(a[first], a[pivot])) first++;
            last--;
            while (less.Less(a[pivot], a[last])) last--;
            if (first >= last) return first;
            Swap(a, first, last);
            first++;
        }
    }

    private static void InsertionSort<T, TLess>(Span<Entry<T>> a, int first, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        if (first == last) return;
        for (int i = first + 1; i < last; i++)
        {
            if (less.Less(a[i], a[first]))
            {
                var v = a[i];
                a.Slice(first, i - first).CopyTo(a.Slice(first + 1, i - first));
                a[first] = v;
            }
            else UnguardedLinearInsert(a, i, less);
        }
    }

    private static void UnguardedLinearInsert<T, TLess>(Span<Entry<T>> a, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        var v = a[last];
        int next = last - 1;
        while (less.Less(v, a[next]))
        {
            a[last] = a[next];
            last = next;
            next--;
        }
        a[last] = v;
    }

    private static void FinalInsertionSort<T, TLess>(Span<Entry<T>> a, int first, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        if (last - first > Threshold)
        {
            InsertionSort(a, first, first + Threshold, less);
            for (int i = first + Threshold; i < last; i++) UnguardedLinearInsert(a, i, less);
        }
        else InsertionSort(a, first, last, less);
    }

    private static void HeapSelect<T, TLess>(Span<Entry<T>> a, int first, int middle, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        MakeHeap(a, first, middle, less);
        for (int i = middle; i < last; i++)
            if (less.Less(a[i], a[first])) PopHeap(a, first, middle, i, less);
    }

    private static void MakeHeap<T, TLess>(Span<Entry<T>> a, int first, int last, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        int len = last - first;
        if (len < 2) return;
        for (int parent = (len - 2) / 2; ; parent--)
        {
            AdjustHeap(a, first, parent, len, a[first + parent], less);
            if (parent == 0) return;
        }
    }

    // Moves the heap's top to result and re-heaps [first, last) around result's old value.
    private static void PopHeap<T, TLess>(Span<Entry<T>> a, int first, int last, int result, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        var v = a[result];
        a[result] = a[first];
        AdjustHeap(a, first, 0, last - first, v, less);
    }

    private static void AdjustHeap<T, TLess>(Span<Entry<T>> a, int first, int hole, int len, Entry<T> v, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        int top = hole, child = hole;
        while (child < (len - 1) / 2)
        {
            child = 2 * (child + 1);
            if (less.Less(a[first + child], a[first + child - 1])) child--;
            a[first + hole] = a[first + child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2)
        {
            child = 2 * (child + 1);
            a[first + hole] = a[first + child - 1];
            hole = child - 1;
        }
        int parent = (hole - 1) / 2;
        while (hole > top && less.Less(a[first + parent], v))
        {
            a[first + hole] = a[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        a[first + hole] = v;
    }
}
