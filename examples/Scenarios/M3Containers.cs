using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>
/// M3: the three ways of the seeds to build a model from parts: <c>Sequential</c> (positional and from an ordered
/// dict, names kept), a hand-written <c>MySequential</c> using <c>add_module</c> and the ordered <c>_modules</c>,
/// <c>ModuleList</c> (append, extend, <c>[-1]</c>, iterated in forward) and <c>ModuleDict</c> (add by key, access by
/// key and by name).
/// </summary>
public sealed class M3Containers : IExample
{
    /// <inheritdoc/>
    public string Name => "m3";

    /// <inheritdoc/>
    public string Summary => "Sequential (positional, OrderedDict), MySequential via add_module, ModuleList, ModuleDict";

    /// <summary>The seeds' MySequential: children added with <c>add_module</c>, run in registration order.</summary>
    public sealed class MySequential : Module<Tensor, Tensor>
    {
        /// <summary>Children named "0", "1", ... in order.</summary>
        public MySequential(params Module[] modules)
        {
            for (int i = 0; i < modules.Length; i++) AddModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), modules[i]);
        }

        /// <summary>Children named by the dict's keys, in its order.</summary>
        public MySequential(OrderedDict<string, Module> modules)
        {
            foreach (var (key, module) in modules) AddModule(key, module);
        }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor input)
        {
            // NamedChildren() is PyTorch's ordered self._modules.
            foreach (var (_, module) in NamedChildren()) input = ((Module<Tensor, Tensor>)module).Call(input);
            return input;
        }
    }

    /// <summary>A model whose layers live in a ModuleList and are applied by a loop in forward.</summary>
    public sealed class ListModel : Module<Tensor, Tensor>
    {
        /// <summary>The layers (<c>self.modulelist</c>).</summary>
        public readonly ModuleList modulelist;

        /// <summary>Wraps the given layers.</summary>
        public ListModel(ModuleList layers) => modulelist = layers;

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            foreach (var layer in modulelist) x = ((Module<Tensor, Tensor>)layer).Call(x);
            return x;
        }
    }

    /// <summary>The positional Sequential of the seeds.</summary>
    public static Sequential Positional() => new(new Linear(784, 256), new ReLU(), new Linear(256, 10));

    /// <summary>The OrderedDict Sequential of the seeds.</summary>
    public static Sequential Named() => new(new OrderedDict<string, Module>
    {
        ["fc1"] = new Linear(784, 256),
        ["relu1"] = new ReLU(),
        ["fc2"] = new Linear(256, 10),
    });

    /// <summary>The seeds' ModuleList: two layers, then one appended.</summary>
    public static ModuleList List()
    {
        var net = new ModuleList(new Linear(784, 256), new ReLU());
        net.Append(new Linear(256, 10));
        return net;
    }

    /// <summary>The seeds' ModuleDict: two layers, then 'output' added by key.</summary>
    public static ModuleDict Dict()
    {
        var net = new ModuleDict(new OrderedDict<string, Module> { ["linear"] = new Linear(784, 256), ["act"] = new ReLU() });
        net["output"] = new Linear(256, 10);
        return net;
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Randn(2, 784);
        var net = Positional();
        o.WriteLine(net);
        var net2 = Named();
        o.WriteLine(net2);
        o.WriteLine($"net2.fc1 via get_submodule: {net2.GetSubmodule("fc1")}; output {net2.Call(x).Shape}");

        var mine = new MySequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        o.WriteLine(mine);
        o.WriteLine($"MySequential output {mine.Call(x).Shape}; _modules keys: {string.Join(", ", mine.NamedChildren().Select(c => c.Name))}");
        var mineNamed = new MySequential(new OrderedDict<string, Module> { ["fc1"] = new Linear(784, 256), ["relu1"] = new ReLU(), ["fc2"] = new Linear(256, 10) });
        o.WriteLine(mineNamed);

        var list = List();
        o.WriteLine(list[-1]);
        o.WriteLine(list);
        list.Extend([new ReLU(), new Linear(10, 3)]);
        var model = new ListModel(list);
        o.WriteLine($"ListModel over {list.Count} layers: output {model.Call(x).Shape}, {model.Parameters().Count()} parameters");

        var dict = Dict();
        o.WriteLine(dict["linear"]);
        o.WriteLine(dict.GetSubmodule("output"));
        o.WriteLine(dict);
        return 0;
    }
}
