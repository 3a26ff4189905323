"""MR.Q's update in PyTorch with Topiary's shapes, timed on the same card in the same run as Topiary's benchmark.

The networks, losses and optimizers follow Topiary's own (dev.topiary.nn.MrqNetworks, rl/mrq/ValueUpdate,
PolicyUpdate, EncoderUpdate, MrqHyperParameters; spec: ../shared/docs/mst-spec.md section 4), on DeepMind Control
humanoid-run's shapes: observation 67, action 21, batch 256. Every weight is dense (PyTorch trains MR.Q dense; Topiary
runs MST's sparse critic and actor on the same shapes), fp32, TF32 off for matmul and cuDNN.

  encoder (AdamW lr 1e-4, wd 1e-4): z_s = ELU(LN(BaseMLP(obs -> z_s))), z_a = ELU(Linear(a -> z_a)),
          z_sa = BaseMLP([z_s, z_a] -> z_sa), model = Linear(z_sa -> 1 + z_s + 65) (done, next z_s, reward logits)
  value   (AdamW lr 3e-4, wd 1e-4, global gradient norm clipped at 20): q1, q2 = Linear(h -> 1) after three
          ELU(LN(Linear)) hidden layers on z_sa
  policy  (AdamW lr 3e-4, wd 1e-4): BaseMLP_ReLU(z_s -> action), tanh
  BaseMLP = two hidden layers act(LN(Linear)) (LayerNorm without affine parameters, eps 1e-5), then a Linear;
  widths hidden 512, z_s 512, z_sa 512, z_a 256, each times the width multiplier; xavier-uniform gain sqrt(2), bias 0;
  target copies of all three modules, never optimised.

Two steps are timed, each in eager mode and as torch.compile(step, mode="reduce-overhead") (CUDA graphs):
  value+policy  one Topiary training call without its encoder burst: the target y from the target networks (TD3 noise
                0.2 clipped at 0.3, min of the two target heads, reward scales), Huber (beta 1) on both heads, the
                value step with clipping, then the policy step (-mean Q of both heads + 1e-5 mean(pre^2)) whose
                gradient passes through the frozen g and value heads into the policy alone; LAP's priority
                max(max_k |Q_k - y|, 1)^0.4 is computed (no replay buffer is written).
  encoder       one encoder update on 256 sub-trajectories of length 5: the rollout z_{t+1} = model(g(z_t, a_t)) fed
                back, per step MSE to f_target(s_{t+1}) (weight 1) and cross-entropy to the two-hot reward over 65
                bins at symexp(linspace(-10, 10, 65)) (weight 0.1), masked; no done term (DMC never terminates, and
                Topiary adds it only once the buffer has seen a termination).
The JSON also gives "train call, amortized" = value+policy + encoder: MR.Q runs 250 encoder updates every 250 calls.
Each mode builds fresh networks (same seed). Compiled steps on CUDA use AdamW(capturable=True), so that the optimizer
step can be a CUDA graph too; their rows record Dynamo's graph breaks and Inductor's CUDA-graph skips (counted over
the whole run so far), since a skipped graph runs without CUDA graphs.
Inputs are random and on the device before timing (a pool of 4 batches, rotated): no host round trip per step, no
replay sampling. Times are medians of CUDA-event times of single steps after a warm-up (on the CPU: perf_counter),
and ms_burst is the mean over one unsynchronised run of the same number of steps.

usage: python3 ci/gpu_mrq_torch.py [--widths 1,8] [--device cuda|cpu] [--no-compile] [--repeats N] [--warmup N] OUT.json
       python3 ci/gpu_mrq_torch.py --summary TORCH.json [TOPIARY_BENCH.json]
  --widths LIST    width multipliers, comma-separated (default 1: MR.Q's default networks); e.g. 1,8
  --device NAME    cuda (default) or cpu; cpu is a smoke test of this script, never a result
  --no-compile     eager mode only (skips torch.compile; on the CPU compile needs a C++ compiler and minutes)
  --repeats N      timed steps per measurement (default 200 on cuda, 10 on cpu)
  --warmup N       untimed steps before timing (default 30 on cuda, 3 on cpu; compiled steps take at least 10, so
                   that CUDA graphs are recorded before timing)
  OUT.json         where the results go (torch, CUDA, device, every measurement, losses, checks)
  --summary        prints the comparison ci/gpu-check.sh --training shows: this script's results, and Topiary's
                   training-throughput benchmark (its Bench_40 rows) with the ratios where the stages match
Prints "torch MR.Q: not available: ..." and exits 0 when torch is missing or, with --device cuda, sees no GPU.
Exit status 1 when a loss is not finite, a step does not change exactly its own modules (value+policy: the value
and policy modules, never the encoder; encoder: the encoder alone) or the parameter counts differ from Topiary's.
"""
import copy
import json
import math
import os
import statistics
import sys
import time

OBS, ACTION, BATCH = 67, 21, 256  # DMC humanoid-run
HIDDEN, ZS, ZSA, ZA, BINS = 512, 512, 512, 256, 65
ENCODER_HORIZON = 5
GAMMA, Q_HORIZON = 0.99, 3
LR = {"encoder": 1e-4, "value": 3e-4, "policy": 3e-4}
WEIGHT_DECAY = 1e-4
VALUE_GRAD_CLIP = 20.0
TARGET_NOISE, TARGET_NOISE_CLIP = 0.2, 0.3
PRE_ACTIVATION_WEIGHT = 1e-5
LOSS_WEIGHTS = {"dynamics": 1.0, "reward": 0.1}
LAP_ALPHA, LAP_MIN = 0.4, 1.0
POOL = 4
# MrqNetworks' documented parameter counts at the defaults on DMC dog-run (obs 223, action 38).
DOG_RUN_COUNTS = {"encoder": 1_865_538, "value": 1_576_962, "policy": 544_806}


def scaled(width, m):
    """Topiary's MrqConfig.scaled: max(1, Math.round(width * m)), rounding halves up."""
    return max(1, int(math.floor(width * m + 0.5)))


def build(torch, obs_dim, action_dim, m, device, seed):
    """The three modules and their targets at width multiplier m, initialised as MR.Q does."""
    nn, F = torch.nn, torch.nn.functional
    h, zs_dim, zsa_dim, za_dim = scaled(HIDDEN, m), scaled(ZS, m), scaled(ZSA, m), scaled(ZA, m)

    class Mlp(nn.Module):
        """depth hidden layers act(LN(Linear)), then a Linear output, act(LN(.))-ed when activated."""

        def __init__(self, inp, out, depth, act, activated=False):
            super().__init__()
            widths = [inp] + [h] * depth
            self.hidden = nn.ModuleList(nn.Linear(widths[i], h) for i in range(depth))
            self.out = nn.Linear(h, out)
            self.act, self.activated = act, activated

        def forward(self, x):
            for lin in self.hidden:
                x = self.act(F.layer_norm(lin(x), (lin.out_features,)))
            x = self.out(x)
            return self.act(F.layer_norm(x, (x.shape[-1],))) if self.activated else x

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.zs = Mlp(obs_dim, zs_dim, 2, F.elu, activated=True)
            self.za = nn.Linear(action_dim, za_dim)
            self.zsa = Mlp(zs_dim + za_dim, zsa_dim, 2, F.elu)
            self.model = nn.Linear(zsa_dim, 1 + zs_dim + BINS)

        def g(self, zs, a):
            return self.zsa(torch.cat([zs, F.elu(self.za(a))], dim=-1))

    class Value(nn.Module):
        def __init__(self):
            super().__init__()
            self.q1 = Mlp(zsa_dim, 1, 3, F.elu)
            self.q2 = Mlp(zsa_dim, 1, 3, F.elu)

    class Policy(nn.Module):
        def __init__(self):
            super().__init__()
            self.pi = Mlp(zs_dim, action_dim, 2, F.relu)

    torch.manual_seed(seed)
    nets = {"encoder": Encoder(), "value": Value(), "policy": Policy()}
    for net in nets.values():
        for mod in net.modules():
            if isinstance(mod, nn.Linear):
                nn.init.xavier_uniform_(mod.weight, gain=nn.init.calculate_gain("relu"))
                nn.init.zeros_(mod.bias)
        net.to(device)
    targets = {k: copy.deepcopy(v).requires_grad_(False) for k, v in nets.items()}
    dims = {"hidden": h, "zs": zs_dim, "zsa": zsa_dim, "za": za_dim}
    return nets, targets, dims


def make_steps(torch, nets, targets, dims, device, capturable):
    """The value+policy step and the encoder step as plain functions of their batch tensors, with their optimizers.

    capturable: AdamW keeps its step counts on the device, so that a compiled optimizer step can be a CUDA graph
    (with the counts on the host, Inductor would run that graph without one)."""
    F = torch.nn.functional
    enc, val, pol = nets["encoder"], nets["value"], nets["policy"]
    enc_t, val_t, pol_t = targets["encoder"], targets["value"], targets["policy"]
    opt = {k: torch.optim.AdamW(v.parameters(), lr=LR[k], weight_decay=WEIGHT_DECAY, capturable=capturable)
           for k, v in nets.items()}
    pol_params = list(pol.parameters())
    reward_scale = torch.tensor(1.0, device=device)
    target_reward_scale = torch.tensor(1.0, device=device)
    x = torch.linspace(-10, 10, BINS, device=device, dtype=torch.float64)
    bins = (torch.sign(x) * torch.expm1(x.abs())).float()
    zs_dim = dims["zs"]

    def two_hot(r):
        """r [B, 1] split between bin k (the last not above it, at most BINS - 2) and k + 1, as Topiary's twoHot."""
        v = r.clamp(bins[0], bins[-1])
        k = (torch.bucketize(v, bins, right=True) - 1).clamp(0, BINS - 2)
        lo, hi = bins[k], bins[k + 1]
        upper = (v - lo) / (hi - lo)
        out = torch.zeros(r.shape[0], BINS, device=r.device)
        return out.scatter(1, k, 1 - upper).scatter(1, k + 1, upper)

    def value_policy(obs, action, returns, bootstrap, next_obs):
        with torch.no_grad():
            zs_next = enc_t.zs(next_obs)
            pre_t = pol_t.pi(zs_next)
            noise = (torch.randn_like(pre_t) * TARGET_NOISE).clamp(-TARGET_NOISE_CLIP, TARGET_NOISE_CLIP)
            a_next = (torch.tanh(pre_t) + noise).clamp(-1, 1)
            zsa_next = enc_t.g(zs_next, a_next)
            q_next = torch.min(val_t.q1(zsa_next), val_t.q2(zsa_next))
            y = (returns + bootstrap * q_next * target_reward_scale) / reward_scale
            zs = enc.zs(obs)
            zsa = enc.g(zs, action)
        q1, q2 = val.q1(zsa), val.q2(zsa)
        value_loss = 0.5 * (F.smooth_l1_loss(q1, y) + F.smooth_l1_loss(q2, y))
        opt["value"].zero_grad(set_to_none=True)
        value_loss.backward()
        torch.nn.utils.clip_grad_norm_(val.parameters(), VALUE_GRAD_CLIP)
        opt["value"].step()
        with torch.no_grad():
            td = torch.max((q1 - y).abs(), (q2 - y).abs())
            priority = td.clamp(min=LAP_MIN).pow(LAP_ALPHA)
        # The policy step: g and both value heads are frozen, the gradient reaches the policy alone.
        pre = pol.pi(zs)
        zsa_pi = enc.g(zs, torch.tanh(pre))
        q = 0.5 * (val.q1(zsa_pi).mean() + val.q2(zsa_pi).mean())
        policy_loss = -q + PRE_ACTIVATION_WEIGHT * pre.pow(2).mean()
        opt["policy"].zero_grad(set_to_none=True)
        policy_loss.backward(inputs=pol_params)
        opt["policy"].step()
        return value_loss.detach(), policy_loss.detach(), priority

    def encoder(obs, action, reward, mask):
        """obs [H+1, B, obs], action [H, B, a], reward and mask [H, B, 1]."""
        with torch.no_grad():
            target = enc_t.zs(obs[1:])
        pred = enc.zs(obs[0])
        dynamics = torch.zeros((), device=obs.device)
        reward_loss = torch.zeros((), device=obs.device)
        for t in range(ENCODER_HORIZON):
            out = enc.model(enc.g(pred, action[t]))
            zhat, logits = out[:, 1:1 + zs_dim], out[:, 1 + zs_dim:]
            dynamics = dynamics + ((zhat - target[t]) ** 2 * mask[t]).mean()
            ce = -(two_hot(reward[t]) * F.log_softmax(logits, dim=-1)).sum(-1, keepdim=True)
            reward_loss = reward_loss + (ce * mask[t]).mean()
            pred = zhat
        loss = LOSS_WEIGHTS["dynamics"] * dynamics + LOSS_WEIGHTS["reward"] * reward_loss
        opt["encoder"].zero_grad(set_to_none=True)
        loss.backward()
        opt["encoder"].step()
        return dynamics.detach(), reward_loss.detach()

    return value_policy, encoder


def random_batches(torch, device, gen):
    """POOL batches of each step's inputs, on the device: DMC rewards in [0, 1], no terminations."""
    def rand(*shape):
        return torch.rand(*shape, device=device, generator=gen)

    def randn(*shape):
        return torch.randn(*shape, device=device, generator=gen)

    vp, enc = [], []
    boot = torch.full((BATCH, 1), GAMMA ** Q_HORIZON, device=device)
    for _ in range(POOL):
        vp.append((randn(BATCH, OBS), rand(BATCH, ACTION) * 2 - 1, rand(BATCH, 1) * Q_HORIZON, boot,
                   randn(BATCH, OBS)))
        enc.append((randn(ENCODER_HORIZON + 1, BATCH, OBS), rand(ENCODER_HORIZON, BATCH, ACTION) * 2 - 1,
                    rand(ENCODER_HORIZON, BATCH, 1), torch.ones(ENCODER_HORIZON, BATCH, 1, device=device)))
    return vp, enc


def measure(torch, fn, pool, device, repeats, warmup, compiled):
    """Median single-step time (ms), mean over an unsynchronised burst (ms), warm-up seconds, the last outputs."""
    cuda = device == "cuda"
    mark = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None) if compiled and cuda else None

    def step(i):
        if mark:
            mark()
        return fn(*pool[i % len(pool)])

    def sync():
        if cuda:
            torch.cuda.synchronize()

    t0 = time.perf_counter()
    for i in range(warmup):
        out = step(i)
    sync()
    warm_s = time.perf_counter() - t0
    times = []
    for i in range(repeats):
        if cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            out = step(i)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
        else:
            s = time.perf_counter()
            out = step(i)
            times.append((time.perf_counter() - s) * 1e3)
    sync()
    s = time.perf_counter()
    for i in range(repeats):
        out = step(i)
    sync()
    burst = (time.perf_counter() - s) * 1e3 / repeats
    return statistics.median(times), burst, warm_s, [float(o.detach().float().mean()) for o in out]


def compile_counters(torch):
    """Dynamo's graph breaks and Inductor's CUDA-graph skips so far (a skipped graph runs without CUDA graphs)."""
    try:
        from torch._dynamo.utils import counters
        return {"graph_breaks": sum(counters["graph_break"].values()),
                "graph_break_reasons": sorted({r.strip().splitlines()[0][:120] for r in counters["graph_break"]})[:8],
                "cudagraph_skips": counters["inductor"].get("cudagraph_skips", 0)}
    except Exception as e:  # private API: its shape may change between versions
        return {"unknown": f"{type(e).__name__}: {e}"[:200]}


def count(module):
    return sum(p.numel() for p in module.parameters())


def check_counts(torch):
    """Parameter counts of these networks against MrqNetworks' documented ones (dog-run, defaults)."""
    nets, _, _ = build(torch, 223, 38, 1, "cpu", 0)
    got = {k: count(v) for k, v in nets.items()}
    return got, got == DOG_RUN_COUNTS


def run(argv):
    opts, out = parse(argv)
    if opts is None:
        print(__doc__)
        return 2
    try:
        import torch
    except ImportError as e:
        print(f"torch MR.Q: not available: {e}")
        return 0
    device = opts["device"]
    if device == "cuda" and not torch.cuda.is_available():
        print("torch MR.Q: not available: torch sees no CUDA device")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    cuda = device == "cuda"
    repeats = opts["repeats"] or (200 if cuda else 10)
    warmup = opts["warmup"] if opts["warmup"] is not None else (30 if cuda else 3)
    modes = ["eager"] + ([] if opts["no_compile"] else ["compiled"])

    counts, counts_ok = check_counts(torch)
    meta = {"torch": torch.__version__, "cuda": torch.version.cuda,
            "device": torch.cuda.get_device_name(0) if cuda else "cpu (smoke test, not a result)",
            "device_kind": device, "tf32": False, "dtype": "float32",
            "task": "DMC humanoid-run shapes (obs 67, action 21)", "batch": BATCH,
            "encoder_horizon": ENCODER_HORIZON, "weights": "dense", "compile_mode": "reduce-overhead",
            "adamw": "torch.optim.AdamW defaults (foreach on CUDA), betas 0.9/0.999, eps 1e-8; capturable when compiled"
                     " on CUDA",
            "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32,
            "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
            "repeats": repeats, "warmup": warmup,
            "dog_run_counts": {"got": counts, "topiary": DOG_RUN_COUNTS, "match": counts_ok},
            "complete": False, "ok": counts_ok, "rows": []}
    save(meta, out)
    print(f"== PyTorch MR.Q update ({meta['device']}, torch {meta['torch']}, CUDA {meta['cuda']}; fp32, TF32 off;"
          f" batch {BATCH}, obs {OBS}, action {ACTION}; median of {repeats} single steps)")
    if not counts_ok:
        print(f"  WARNING: parameter counts {counts} differ from Topiary's {DOG_RUN_COUNTS}")
    failed = not counts_ok
    for m in opts["widths"]:
        for mode in modes:
            nets, targets, dims = build(torch, OBS, ACTION, m, device, 1)
            capturable = mode == "compiled" and cuda
            value_policy, encoder = make_steps(torch, nets, targets, dims, device, capturable)
            gen = torch.Generator(device=device).manual_seed(7)
            vp_pool, enc_pool = random_batches(torch, device, gen)
            # Each step must move exactly its own modules: value+policy never the encoder (no gradient reaches it
            # from the RL losses), the encoder step nothing else.
            stages = [("value+policy", value_policy, vp_pool, ("value_loss", "policy_loss", "priority_mean"),
                       {"encoder": False, "value": True, "policy": True}),
                      ("encoder", encoder, enc_pool, ("dynamics_loss", "reward_loss"),
                       {"encoder": True, "value": False, "policy": False})]
            ms_sum, row_group = 0.0, []
            for stage, fn, pool, names, expected in stages:
                row = {"width": m, "mode": mode, "stage": stage, "hidden": dims["hidden"],
                       "params": {k: count(v) for k, v in nets.items()}, "adamw_capturable": capturable}
                before = {k: [p.detach().clone() for p in v.parameters()] for k, v in nets.items()}
                try:
                    f = torch.compile(fn, mode="reduce-overhead") if mode == "compiled" else fn
                    w = max(warmup, 10) if mode == "compiled" else warmup
                    ms, burst, warm_s, outs = measure(torch, f, pool, device, repeats, w, mode == "compiled")
                except Exception as e:  # compile needs a C++ compiler on the CPU, Triton on the GPU
                    row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
                    print(f"  W x{m:<4g} {mode:<8} {stage:<13} not available: {row['error']}")
                    failed = failed or mode == "eager"
                    row_group.append(row)
                    ms_sum = float("nan")
                    continue
                row.update({"ms": ms, "updates_per_s": 1e3 / ms, "ms_burst": burst, "warmup_s": warm_s,
                            "losses": dict(zip(names, outs))})
                if mode == "compiled":
                    row["compile"] = compile_counters(torch)
                finite = all(math.isfinite(v) for v in outs)
                changed = {k: any(not torch.equal(a, b.detach()) for a, b in zip(before[k], v.parameters()))
                           for k, v in nets.items()}
                row.update({"losses_finite": finite, "parameters_changed": changed,
                            "parameters_changed_as_expected": changed == expected})
                failed = failed or not finite or changed != expected
                ms_sum += ms
                row_group.append(row)
                print(f"  W x{m:<4g} {mode:<8} {stage:<13} {ms:9.3f} ms  {1e3 / ms:9.1f} updates/s"
                      f"  (burst {burst:.3f} ms; warm-up {warm_s:.1f} s; {', '.join(f'{k} {v:.4g}' for k, v in zip(names, outs))})")
                if not finite or changed != expected:
                    print(f"  W x{m:g} {mode} {stage}: CHECK FAILED: losses finite {finite}; modules changed {changed},"
                          f" expected {expected}")
            meta["rows"] += row_group
            if math.isfinite(ms_sum):
                meta["rows"].append({"width": m, "mode": mode, "stage": "train call, amortized", "ms": ms_sum,
                                     "updates_per_s": 1e3 / ms_sum,
                                     "note": "value+policy + one encoder update (250 every 250 calls)"})
                print(f"  W x{m:<4g} {mode:<8} {'call+encoder':<13} {ms_sum:9.3f} ms  {1e3 / ms_sum:9.1f} calls/s")
            meta["ok"] = not failed
            save(meta, out)  # after each group: a run stopped at its time limit keeps what it finished
            del nets, targets
            if cuda:
                torch.cuda.empty_cache()
    meta["complete"] = True
    save(meta, out)
    print(f"  wrote {out}{'' if not failed else ' (CHECK FAILED: see losses_finite, parameters_changed_as_expected, dog_run_counts)'}")
    return 1 if failed else 0


def save(meta, out):
    with open(out + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(out + ".tmp", out)


def parse(argv):
    opts = {"widths": [1.0], "device": "cuda", "no_compile": False, "repeats": None, "warmup": None}
    rest = []
    it = iter(argv)
    try:
        for a in it:
            if a == "--widths":
                opts["widths"] = [float(w) for w in next(it).split(",") if w]
            elif a == "--device":
                opts["device"] = next(it)
            elif a == "--no-compile":
                opts["no_compile"] = True
            elif a == "--repeats":
                opts["repeats"] = int(next(it))
            elif a == "--warmup":
                opts["warmup"] = int(next(it))
            elif a.startswith("-"):
                return None, None
            else:
                rest.append(a)
    except (StopIteration, ValueError):
        return None, None
    if len(rest) != 1 or opts["device"] not in ("cuda", "cpu") or not opts["widths"] \
            or any(not w > 0 for w in opts["widths"]) or (opts["repeats"] is not None and opts["repeats"] < 1) \
            or (opts["warmup"] is not None and opts["warmup"] < 0):
        return None, None
    return opts, rest[0]


# The targets for MR.Q at default width: Topiary's updates/s over PyTorch's, same card, same run.
TARGETS = {"eager": 5.0, "compiled": 1.5}


def topiary_stage(method):
    """Which of this script's stages a Bench_40 method times, from its name."""
    name = method.lower()
    if "envstep" in name:
        return None  # with the environment: this script has no counterpart
    if "encoder" in name:
        return "encoder"
    if "amortized" in name or "full" in name or "withencoder" in name:
        return "train call, amortized"
    return "value+policy"


def topiary_width(params):
    for key in ("width", "widthMultiplier", "multiplier", "m"):
        try:
            return float(str(params[key]).lstrip("x"))
        except (KeyError, ValueError):
            pass
    return None


def summary(torch_json, topiary_json):
    """Topiary's Bench_40 rows against this script's: ratios where width and stage match."""
    try:
        with open(torch_json) as f:
            t = json.load(f)
    except OSError:
        print(f"torch MR.Q: no {torch_json} (not run, not available, or stopped before its first row: see its log)")
        t = None
    except ValueError as e:
        print(f"torch MR.Q: {torch_json} is not JSON ({e})")
        t = None
    if t:
        print(f"torch MR.Q on {t['device']} (torch {t['torch']}, CUDA {t['cuda']}, fp32, TF32 off"
              f"{'' if t.get('complete') else '; INCOMPLETE: stopped before the end'}):")
        for r in t["rows"]:
            print(f"  W x{r['width']:g} {r['mode']:<8} {r['stage']:<22} "
                  + (f"{r['ms']:8.3f} ms  {r['updates_per_s']:9.1f}/s" if "ms" in r else f"not available: {r['error']}"))
    rows = []
    if topiary_json:
        try:
            with open(topiary_json) as f:
                rows = [r for r in json.load(f).get("results", []) if "Bench_40" in r.get("benchmark", "")]
            if not rows:
                print(f"Topiary training throughput: no Bench_40 rows in {topiary_json}")
        except OSError:
            print(f"Topiary training throughput: no {topiary_json} (see the benchmark's log)")
        except (ValueError, AttributeError) as e:
            print(f"Topiary training throughput: {topiary_json} is not a benchmark record ({e})")
    for r in rows:
        method = r["benchmark"].rsplit(".", 1)[-1]
        params = r.get("params") or {}
        ms = r.get("msPerOp")
        if not ms:
            continue
        stage, width = topiary_stage(method), topiary_width(params)
        if stage is None:
            continue
        # PyTorch trains MR.Q dense: the targets are judged on Topiary's dense rows; MST rows are shown beside.
        dense = params.get("regime", "dense") == "dense"
        shown = " ".join(f"{k}={v}" for k, v in params.items())
        print(f"Topiary {method} {shown}: {ms:.3f} ms/op, {1e3 / ms:.1f}/s"
              f" (read as stage '{stage}'{'' if width is None else f', width x{width:g}'})")
        for tr in (t or {}).get("rows", []):
            if tr["stage"] != stage or "ms" not in tr or (width is not None and tr["width"] != width):
                continue
            ratio = tr["ms"] / ms
            target = (TARGETS.get(tr["mode"]) if dense and tr["width"] == 1 and t.get("device_kind") == "cuda"
                      else None)
            verdict = "" if target is None else f"; target >= {target:g}x: {'met' if ratio >= target else 'NOT met'}"
            print(f"  vs torch {tr['mode']:<8} W x{tr['width']:g}: Topiary {ratio:.2f}x ({tr['ms']:.3f} ms / {ms:.3f} ms)"
                  f"{verdict}")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--summary"]:
        if len(args) not in (2, 3):
            print(__doc__)
            sys.exit(2)
        sys.exit(summary(args[1], args[2] if len(args) == 3 else None))
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        sys.exit(0)
    sys.exit(run(args))
