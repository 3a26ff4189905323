"""Vendor baselines through PyTorch, on the same card in the same run as ci/gpu-check.sh's Java benchmarks.

A second source for the figures the Java benchmarks take from cuBLAS and cuSPARSE directly (through FFM): if those
libraries fail to load there, these still give the ceilings. The shapes are the benchmarks' layer: batch 256,
Y = X W^T with W width x width, dense (torch.mm, TF32 off and on) and CSR at each density (torch.sparse.mm).
Times are CUDA-event medians of many repeats after a warm-up, on random normal data (never zeros).

usage: python3 ci/gpu_torch_baselines.py [--full] OUT.json
"""
import json
import statistics
import sys

BATCH = 256


def median_ms(fn, repeats):
    import torch
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main(argv):
    full = "--full" in argv
    out = [a for a in argv if not a.startswith("--")]
    if len(out) != 1:
        print(__doc__)
        return 2
    try:
        import torch
    except ImportError as e:
        print(f"torch baselines: not available: {e}")
        return 0
    if not torch.cuda.is_available():
        print("torch baselines: not available: torch sees no CUDA device")
        return 0
    widths = [256, 1024, 4096] if full else [4096]
    densities = [0.02, 0.05, 0.1, 0.25, 0.4, 0.5, 1.0] if full else [0.1, 0.4, 1.0]
    g = torch.Generator(device="cuda").manual_seed(7)
    rows = []
    for w in widths:
        x = torch.randn(BATCH, w, device="cuda", generator=g)
        weight = torch.randn(w, w, device="cuda", generator=g) / w ** 0.5
        for tf32 in (False, True):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            ms = median_ms(lambda: torch.mm(x, weight.t()), 200)
            rows.append({"op": "torch.mm" + (" tf32" if tf32 else " fp32"), "width": w, "density": 1.0, "ms": ms,
                         "gflops": 2 * BATCH * w * w / ms / 1e6})
        torch.backends.cuda.matmul.allow_tf32 = False
        xt = x.t().contiguous()
        for d in densities:
            keep = torch.rand(w, w, device="cuda", generator=g) < d
            csr = (weight * keep).to_sparse_csr()
            ms = median_ms(lambda: torch.sparse.mm(csr, xt), 100)
            rows.append({"op": "torch.sparse.mm csr", "width": w, "density": d, "ms": ms,
                         "gflops_dense_equivalent": 2 * BATCH * w * w / ms / 1e6})
    meta = {"torch": torch.__version__, "cuda": torch.version.cuda, "device": torch.cuda.get_device_name(0),
            "batch": BATCH, "rows": rows}
    with open(out[0], "w") as f:
        json.dump(meta, f, indent=1)
    print(f"== PyTorch baselines ({meta['device']}, torch {meta['torch']}, CUDA {meta['cuda']}; median of CUDA-event"
          f" times)")
    for r in rows:
        print(f"  {r['op']:<22} W={r['width']:<5} d={r['density']:<5} {r['ms']:9.4f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
