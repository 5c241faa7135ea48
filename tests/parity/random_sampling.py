"""Parity fixtures for random sampling: PyTorch's CPU streams for fixed seeds.

Each case seeds a generator, runs one sampling call and stores the result; Flint must give the same numbers
bit for bit. kwargs carry the call's arguments (size, dtype, parameters) for the C# side's op map.
Run with Debian's torch: /usr/bin/python3 tests/parity/random_sampling.py (not random.py, which would shadow
Python's own random module)
"""
import torch

from fixture import Fixture, DTYPES

f = Fixture("random")


def case(id, op, fn, seed=0, inputs=(), **kwargs):
    """Seeds the default generator, runs fn(*inputs) and records the outputs (tensors or lists of tensors)."""
    assert all(c["id"] != id for c in f.cases), id
    specs = [f._store(f"{id}/in{i}", x) for i, x in enumerate(inputs)]
    torch.manual_seed(seed)
    out = fn(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    f.cases.append({"id": id, "op": op, "seed": seed, "kwargs": kwargs, "inputs": specs,
                    "outputs": [f._store(f"{id}/out{k}", o) for k, o in enumerate(outs)]})


def dt(name):
    return {v: k for k, v in DTYPES.items()}[name]


# rand / randn over dtypes and sizes (randn uses Box-Muller on blocks of 16 from 16 elements up).
for d in ("float32", "float64", "float16", "bfloat16"):
    for size in ([1], [5], [3, 4], [16], [17], [40], [2, 3, 5]):
        sz = "x".join(map(str, size))
        case(f"rand/{d}/{sz}", "rand", lambda s=size, d=d: torch.rand(*s, dtype=dt(d)), size=size, dtype=d)
        case(f"randn/{d}/{sz}", "randn", lambda s=size, d=d: torch.randn(*s, dtype=dt(d)), size=size, dtype=d)
case("rand/float32/1000", "rand", lambda: torch.rand(1000), seed=7, size=[1000], dtype="float32")
case("randn/float32/1000", "randn", lambda: torch.randn(1000), seed=7, size=[1000], dtype="float32")
case("randn/float32/10x37", "randn", lambda: torch.randn(10, 37), seed=123, size=[10, 37], dtype="float32")
case("randn/float64/1000", "randn", lambda: torch.randn(1000, dtype=torch.float64), seed=7, size=[1000], dtype="float64")
case("randn/float32/0", "randn", lambda: torch.randn(0), size=[0], dtype="float32")
case("rand/seed_big", "rand", lambda: torch.rand(6), seed=2**40 + 12345, size=[6], dtype="float32")
case("rand/seed_neg", "rand", lambda: torch.rand(6), seed=-5, size=[6], dtype="float32")


def gen_rand():
    g = torch.Generator().manual_seed(11)
    return torch.rand(4, generator=g), torch.randn(20, generator=g), torch.rand(3)


case("generator/explicit", "generator_explicit", gen_rand, seed=3)


def default_gen():
    return torch.rand(3, generator=torch.Generator())


case("generator/default_seed", "generator_default_seed", default_gen)


def cached_normal():
    return torch.randn(1), torch.randn(3), torch.randn(1, dtype=torch.float64), torch.randn(2, dtype=torch.float64)


case("randn/cache", "randn_cache", cached_normal, seed=21)


def like():
    x = torch.zeros(2, 3, dtype=torch.float64)
    return torch.rand_like(x), torch.randn_like(x), torch.randint_like(x, 10), torch.randint_like(x, -5, 5), \
        torch.randn_like(x, dtype=torch.float32)


case("like", "like", like, seed=4)

# normal in all forms
for d in ("float32", "float64", "float16", "bfloat16"):
    for n in (5, 40):
        case(f"normal_/{d}/{n}", "normal_", lambda n=n, d=d: torch.empty(n, dtype=dt(d)).normal_(0.5, 2.5), seed=9,
             size=[n], dtype=d, mean=0.5, std=2.5)
case("normal/size", "normal_size", lambda: torch.normal(2.0, 3.0, size=(3, 7)), seed=5, mean=2.0, std=3.0, size=[3, 7])
mean_t = torch.linspace(-2, 2, 20).reshape(4, 5)
std_t = torch.linspace(0.1, 3, 5)
case("normal/tensor_tensor", "normal_tt", lambda m, s: torch.normal(m, s), seed=6, inputs=(mean_t, std_t))
case("normal/tensor_tensor_f64", "normal_tt", lambda m, s: torch.normal(m, s), seed=6,
     inputs=(mean_t.double(), std_t))
case("normal/tensor_float", "normal_tf", lambda m: torch.normal(m, 0.75), seed=6, inputs=(mean_t,), std=0.75)
case("normal/float_tensor", "normal_ft", lambda s: torch.normal(1.5, s), seed=6, inputs=(std_t.double(),), mean=1.5)
case("normal/small_tensor", "normal_tt", lambda m, s: torch.normal(m, s), seed=6, inputs=(mean_t[0, :3], std_t[:3]))

# uniform_
for d in ("float32", "float64", "float16", "bfloat16"):
    case(f"uniform_/{d}", "uniform_", lambda d=d: torch.empty(50, dtype=dt(d)).uniform_(-3.7, 5.3), seed=5,
         size=[50], dtype=d, low=-3.7, high=5.3)
case("uniform_/transposed", "uniform_t", lambda: torch.zeros(4, 6).t().uniform_(), seed=2, size=[4, 6])
case("normal_/transposed", "normal_t", lambda: torch.zeros(5, 8).t().normal_(), seed=2, size=[5, 8])
case("normal_/strided", "normal_s", lambda: torch.zeros(40)[::2].normal_(), seed=2, size=[40])

# integers
case("randint/int64", "randint", lambda: torch.randint(-5, 17, (30,)), seed=3, low=-5, high=17, size=[30], dtype="int64")
case("randint/high", "randint", lambda: torch.randint(10, (4, 5)), seed=3, low=0, high=10, size=[4, 5], dtype="int64")
case("randint/int32", "randint", lambda: torch.randint(0, 1000, (20,), dtype=torch.int32), seed=3, low=0, high=1000,
     size=[20], dtype="int32")
case("randint/uint8", "randint", lambda: torch.randint(0, 256, (20,), dtype=torch.uint8), seed=3, low=0, high=256,
     size=[20], dtype="uint8")
case("randint/float32", "randint", lambda: torch.randint(-10, 10, (20,), dtype=torch.float32), seed=3, low=-10,
     high=10, size=[20], dtype="float32")
case("randint/wide", "randint", lambda: torch.randint(-2**40, 2**40, (20,)), seed=3, low=-2**40, high=2**40,
     size=[20], dtype="int64")
for d in DTYPES.values():
    case(f"random_/{d}", "random_", lambda d=d: torch.empty(30, dtype=dt(d)).random_(), seed=8, size=[30], dtype=d)
for d in ("int64", "int8", "uint8", "float32", "float16", "bool"):
    case(f"random_to/{d}", "random_to", lambda d=d: torch.empty(30, dtype=dt(d)).random_(2), seed=8, size=[30],
         dtype=d, to=2)
for d in ("int64", "int16", "float64", "bfloat16"):
    case(f"random_from_none/{d}", "random_from", lambda d=d: torch.empty(30, dtype=dt(d)).random_(-3, None), seed=8,
         size=[30], dtype=d, low=-3)
case("random_full", "random_full", lambda: torch.empty(10, dtype=torch.int64).random_(-2**63, None), seed=8,
     size=[10], dtype="int64")
case("random_/float_update", "random_from_to", lambda: torch.empty(10).random_(2**24 + 1, 2**24 + 5), seed=8,
     size=[10], dtype="float32", low=2**24 + 1, high=2**24 + 5)

# randperm
for n in (0, 1, 2, 5, 30, 100):
    case(f"randperm/{n}", "randperm", lambda n=n: torch.randperm(n), seed=12, n=n, dtype="int64")
case("randperm/float32", "randperm", lambda: torch.randperm(20, dtype=torch.float32), seed=12, n=20, dtype="float32")
case("randperm/int32", "randperm", lambda: torch.randperm(20, dtype=torch.int32), seed=12, n=20, dtype="int32")

# bernoulli
p32 = torch.linspace(0, 1, 24).reshape(4, 6)
case("bernoulli/f32", "bernoulli", lambda p: torch.bernoulli(p), seed=13, inputs=(p32,))
case("bernoulli/f64", "bernoulli", lambda p: torch.bernoulli(p), seed=13, inputs=(p32.double(),))
case("bernoulli/transposed", "bernoulli", lambda p: torch.bernoulli(p.t()), seed=13, inputs=(p32,), t=True)
case("bernoulli/p", "bernoulli_p", lambda x: torch.bernoulli(x, 0.3), seed=13, inputs=(p32,), p=0.3)
case("bernoulli_/scalar", "bernoulli_s", lambda: torch.empty(30).bernoulli_(0.6), seed=13, size=[30], p=0.6,
     dtype="float32")
case("bernoulli_/int64", "bernoulli_s", lambda: torch.empty(30, dtype=torch.int64).bernoulli_(0.4), seed=13,
     size=[30], p=0.4, dtype="int64")
case("bernoulli_/bool", "bernoulli_s", lambda: torch.empty(30, dtype=torch.bool).bernoulli_(0.4), seed=13,
     size=[30], p=0.4, dtype="bool")
# Past a block of draws and several twists of the state, through the vector comparisons (float and double) and a tail.
case("bernoulli_/float32/5003", "bernoulli_s", lambda: torch.empty(5003).bernoulli_(0.3), seed=21, size=[5003], p=0.3,
     dtype="float32")
case("bernoulli_/float64/2001", "bernoulli_s", lambda: torch.empty(2001, dtype=torch.float64).bernoulli_(0.85), seed=22,
     size=[2001], p=0.85, dtype="float64")
case("bernoulli_/int32/1500", "bernoulli_s", lambda: torch.empty(1500, dtype=torch.int32).bernoulli_(0.5), seed=23,
     size=[1500], p=0.5, dtype="int32")
case("bernoulli_/tensor_bcast", "bernoulli_t", lambda p: torch.empty(3, 6).bernoulli_(p), seed=13,
     inputs=(torch.linspace(0, 1, 6),), size=[3, 6])

# multinomial
w = torch.tensor([0.1, 2.0, 0.7, 1.3, 0.0, 0.9])
w2 = torch.rand(3, 8, dtype=torch.float64)
for d in ("float32", "float64"):
    case(f"multinomial/{d}/repl", "multinomial", lambda x: torch.multinomial(x, 40, True), seed=9,
         inputs=(w.to(dt(d)),), n=40, replacement=True)
    case(f"multinomial/{d}/norepl", "multinomial", lambda x: torch.multinomial(x, 4), seed=9,
         inputs=(w.to(dt(d)),), n=4, replacement=False)
    case(f"multinomial/{d}/one", "multinomial", lambda x: torch.multinomial(x, 1), seed=9,
         inputs=(w.to(dt(d)),), n=1, replacement=False)
case("multinomial/2d/repl", "multinomial", lambda x: torch.multinomial(x, 5, True), seed=9, inputs=(w2,), n=5,
     replacement=True)
case("multinomial/2d/norepl", "multinomial", lambda x: torch.multinomial(x, 8), seed=9, inputs=(w2.float(),), n=8,
     replacement=False)

# other distributions
for d in ("float32", "float64", "float16", "bfloat16"):
    case(f"exponential_/{d}", "exponential_", lambda d=d: torch.empty(25, dtype=dt(d)).exponential_(2.5), seed=14,
         size=[25], dtype=d, lambd=2.5)
    case(f"log_normal_/{d}", "log_normal_", lambda d=d: torch.empty(25, dtype=dt(d)).log_normal_(0.5, 0.7), seed=14,
         size=[25], dtype=d, mean=0.5, std=0.7)
    case(f"cauchy_/{d}", "cauchy_", lambda d=d: torch.empty(25, dtype=dt(d)).cauchy_(-2.1, 3.3), seed=14,
         size=[25], dtype=d, median=-2.1, sigma=3.3)
for d in ("float32", "float64", "int64", "int32"):
    case(f"geometric_/{d}", "geometric_", lambda d=d: torch.empty(25, dtype=dt(d)).geometric_(0.3), seed=14,
         size=[25], dtype=d, p=0.3)


# generator state in PyTorch's byte layout, with and without a cached normal sample
def state_plain():
    torch.rand(10)
    return torch.get_rng_state()


def state_cached():
    torch.randn(3, dtype=torch.float64)
    return torch.get_rng_state()


case("state/plain", "state_plain", state_plain, seed=17)
case("state/cached", "state_cached", state_cached, seed=17)


def state_resume():
    g = torch.Generator().manual_seed(99)
    torch.randn(1, generator=g)
    s = g.get_state()
    return s, torch.randn(3, generator=g), torch.rand(700, generator=g)


case("state/resume", "state_resume", state_resume)

# bfloat16 paths of bernoulli and randperm
case("bernoulli_/bfloat16", "bernoulli_s", lambda: torch.empty(30, dtype=torch.bfloat16).bernoulli_(0.4), seed=13,
     size=[30], p=0.4, dtype="bfloat16")
case("bernoulli/bf16_p", "bernoulli", lambda p: torch.bernoulli(p), seed=13, inputs=(p32.bfloat16(),))
case("randperm/bfloat16", "randperm", lambda: torch.randperm(300, dtype=torch.bfloat16), seed=12, n=300,
     dtype="bfloat16")
f.save()
