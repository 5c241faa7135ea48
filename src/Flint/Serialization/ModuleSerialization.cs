using System.Collections;
using System.Numerics;
using System.Reflection;
using System.Runtime.ConstrainedExecution;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Flint.NN;
using Module = Flint.NN.Module;

namespace Flint.Serialization;

/// <summary>
/// Whole-model save and load (<c>torch.save(model, PATH)</c> / <c>model = torch.load(PATH)</c>): <c>Torch.Save</c>
/// given a <see cref="Module"/> (alone or inside a dict, list or tuple) writes its structure and weights, and
/// <c>Torch.Load</c> / <c>Torch.Load&lt;Net&gt;</c> rebuilds the same classes with the same weights without the caller
/// constructing anything first.
/// </summary>
/// <remarks>
/// <para><b>What is written.</b> A module becomes a plain dict in the checkpoint's pickle:
/// <c>{'flint.module': 1, 'type': 'MyApp.Net', 'assembly': 'MyApp', 'fields': {...}, 'state_dict': OrderedDict(...)}</c>.
/// <c>fields</c> holds every instance field of the module's class and its base classes, as Python's pickle holds an
/// object's <c>__dict__</c>: sub-modules (nested the same way, without their own state dict), parameters and tensors,
/// numbers, strings, enums, <see cref="Device"/>, <see cref="DType"/>, <see cref="Size"/>, one-dimensional arrays,
/// <c>List</c>, <c>HashSet</c>, <c>Dictionary</c>, <c>OrderedDictionary</c>, tuples and other plain structs or classes
/// made of these. An object met twice (tied weights, a layer shared by two parents) is written once and shared again
/// after the load. <c>state_dict</c>, on the outermost module only, is exactly PyTorch's state dict of the model, whose
/// tensors share their bytes with those in <c>fields</c>, so the file costs no more than the weights.</para>
/// <para><b>PyTorch and the file.</b> PyTorch cannot rebuild a Flint model (it would need Flint's classes in Python),
/// but <c>torch.load</c> reads the file as a dict, and <c>torch.load(PATH)['state_dict']</c> loads into the matching
/// PyTorch model. Going back, the state dict is authoritative: after rebuilding the structure, the load copies
/// <c>state_dict</c> into the model, so a file whose <c>state_dict</c> was replaced in Python loads those weights.</para>
/// <para><b>How a model is rebuilt.</b> As Python's pickle does: each class is found by name among the program's
/// assemblies, an instance is created without running a constructor or field initialiser, and its fields are set from
/// the file; then every rebuilt object implementing <see cref="IDeserializationCallback"/> is called, children before
/// parents.</para>
/// <para><b>Limits.</b></para>
/// <list type="bullet">
/// <item>A field holding code or a system resource (a delegate such as <c>Func&lt;Tensor, Tensor&gt;</c>, a stream, a
/// native handle or pointer, reflection objects, an object with a finalizer) cannot be saved: the save fails naming the
/// field. Mark such a field <see cref="NonSerializedAttribute"/> and rebuild it in
/// <see cref="IDeserializationCallback.OnDeserialization"/>, or save the state dict instead.</item>
/// <item>Fields marked <see cref="NonSerializedAttribute"/> are skipped and come back as their type's default.</item>
/// <item>Forward hooks are code and are not saved.</item>
/// <item>A field whose declared type is an interface, <c>object</c> or an abstract class may hold a module, a tensor, a
/// string, null, or an array, <c>List</c>, <c>HashSet</c> or dictionary of numbers, strings, tensors or modules; any
/// other value must be of exactly the field's declared type (the file never chooses a type other than a
/// <see cref="Module"/> subclass or such a collection).</item>
/// <item>The classes must still exist with the same fields when loading; a field missing from the file (the class
/// changed since) fails the load naming it: load the <c>state_dict</c> into a new instance instead.</item>
/// <item>Loading trusts the file to name which <see cref="Module"/> classes to build, among those of the program's own
/// assemblies; it never builds any other class by name and runs no code from the file.</item>
/// </list>
/// </remarks>
public static class ModuleSerialization
{
    /// <summary>The key marking a dict as a saved module; its value is the format version.</summary>
    public const string MarkerKey = "flint.module";

    /// <summary>The format version written.</summary>
    public const long FormatVersion = 1;

    internal const string ParameterKey = "flint.parameter";
    internal const string ObjectKey = "flint.object";
    internal const string CollectionKey = "flint.collection";

    /// <summary>Replaces every saved module in a loaded object graph (at the top or inside dicts, lists and tuples) by the rebuilt module.</summary>
    internal static object? RestoreModules(object? loaded) => new ModuleReader().RestoreAll(loaded);

    /// <summary>The fields saved for a type, with their keys: every instance field up the chain, base classes first.</summary>
    internal static IReadOnlyList<(string Key, FieldInfo Field)> FieldsOf(Type type) => FieldCache.GetOrAdd(type, ComputeFields);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string, FieldInfo)[]> FieldCache = new();

    private static readonly HashSet<string> ModuleHookFields = ["forwardPreHooks", "forwardHooks"];

    private static (string, FieldInfo)[] ComputeFields(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, FieldInfo)>();
        foreach (var t in chain)
        {
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            Array.Sort(fields, (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            foreach (var f in fields)
            {
                if (f.IsDefined(typeof(NonSerializedAttribute), inherit: false)) continue;
                if (t == typeof(Module) && ModuleHookFields.Contains(f.Name)) continue;
                var key = used.Add(f.Name) ? f.Name : t.FullName + "::" + f.Name;
                used.Add(key);
                result.Add((key, f));
            }
        }
        return result.ToArray();
    }

    /// <summary>Why values of this type cannot be saved, or null if they can.</summary>
    internal static string? Unsavable(Type t)
    {
        if (typeof(Delegate).IsAssignableFrom(t)) return "a delegate, which is code";
        if (t.IsPointer || t == typeof(IntPtr) || t == typeof(UIntPtr) || t.IsByRefLike) return "a native pointer";
        if (typeof(MemberInfo).IsAssignableFrom(t) || typeof(Assembly).IsAssignableFrom(t) || typeof(System.Reflection.Module).IsAssignableFrom(t))
            return "reflection metadata";
        if (typeof(CriticalFinalizerObject).IsAssignableFrom(t) || typeof(MarshalByRefObject).IsAssignableFrom(t))
            return "a system resource (handle, stream or similar)";
        if (typeof(Task).IsAssignableFrom(t) || typeof(Thread).IsAssignableFrom(t) || typeof(CancellationTokenSource).IsAssignableFrom(t))
            return "a running task, thread or cancellation source";
        if (typeof(Storage).IsAssignableFrom(t)) return "a bare storage (save the tensor that views it)";
        if (HasFinalizer(t)) return "an object with a finalizer";
        return null;
    }

    private static bool HasFinalizer(Type t)
    {
        for (var x = t; x is not null && x != typeof(object); x = x.BaseType)
            if (x.GetMethod("Finalize", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly, Type.EmptyTypes) is not null)
                return true;
        return false;
    }

    /// <summary>True for the numeric and text types saved as Python numbers and strings.</summary>
    internal static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Half) || t == typeof(BFloat16) || t == typeof(BigInteger);

    /// <summary>The generic collection definitions saved as lists (elements) or lists of [key, value] pairs.</summary>
    internal static readonly HashSet<Type> ListDefinitions = [typeof(List<>), typeof(HashSet<>)];

    internal static readonly HashSet<Type> DictionaryDefinitions = [typeof(Dictionary<,>), typeof(OrderedDictionary<,>), typeof(OrderedDict<,>)];

    internal static bool IsCollection(Type t) =>
        (t.IsArray && t.GetArrayRank() == 1) ||
        (t.IsGenericType && (ListDefinitions.Contains(t.GetGenericTypeDefinition()) || DictionaryDefinitions.Contains(t.GetGenericTypeDefinition())));

    /// <summary>
    /// True for collections whose element (and key) types are numbers, strings, tensors or modules: those a field of an
    /// interface or object type may hold, their concrete type recorded in the file.
    /// </summary>
    internal static bool SafeElements(Type t)
    {
        var args = t.IsArray ? [t.GetElementType()!] : t.GetGenericArguments();
        return args.All(a => IsScalar(a) || typeof(Tensor).IsAssignableFrom(a) || typeof(Module).IsAssignableFrom(a));
    }

    /// <summary>True where a field of this declared type may hold values of other types (so only modules, tensors and strings are allowed).</summary>
    internal static bool IsOpen(Type declared) =>
        declared == typeof(object) || declared.IsInterface || (declared.IsAbstract && !declared.IsSealed);

    internal static object? Uninitialized(Type t) => RuntimeHelpers.GetUninitializedObject(t);
}
