package dev.topiary.sweep;

import java.util.List;
import java.util.Locale;

/**
 * A rough compute estimate for a manifest, printed by {@code topiary sweep expand} before anything runs. It is
 * napkin math, not a measurement of the sweep:
 *
 * <ul>
 *   <li><b>CPU.</b> Seconds per training call {@code t(w) = CPU_FIXED_S + CPU_PER_W2_S · w²}, fitted to the two MR.Q
 *       profiles in {@code bench/results/} (2-core Zen 4, humanoid observations, batch 256, MST): 7.48 calls/s at
 *       width ×1 and 49.9 calls/s at ×0.25. Matmuls are 86% of the ×1 profile and their FLOPs grow as w², hence the
 *       form; the fixed part is per-call overhead that dominates at small widths.</li>
 *   <li><b>GPU.</b> No MR.Q training rate on a GPU is recorded in this repository yet, so the GPU figure is an
 *       assumption: {@code GPU_FIXED_S} per call (kernel launches and host round trips, from the LeanRL SAC
 *       figure of ~1.4 ms per update and environment step on an H100, from the LeanRL README, rounded up because
 *       MR.Q's update is larger) plus the ×1 CPU matmul time scaled by an assumed 200× GPU speed-up. Replace it with a measured
 *       rate ({@code ci/gpu-check.sh} prints updates/s) before planning a cluster budget around it.</li>
 * </ul>
 *
 * Warm-up steps (no training), acting, evaluation episodes, checkpoints and environment time are left out, and SAC
 * and DDPG are priced like MR.Q at the same width, so the figures are lower bounds, worst for small networks: the
 * quick preset's measured ×0.25 run (1 thread, 256-bit vectors, a shared machine, evaluations included) took about
 * 4× the CPU model's time per training call.
 */
public record Estimate(double cpuCoreHours, double cpuHoursAt2Cores, double gpuHours, long trainCalls) {
    /** Fixed seconds per MR.Q training call on 2 CPU cores (fit to the ×0.25 and ×1 profiles). */
    static final double CPU_FIXED_S = 0.0125;
    /** Seconds per call per w² on 2 CPU cores. */
    static final double CPU_PER_W2_S = 0.1212;
    /** Assumed fixed seconds per call on a GPU. */
    static final double GPU_FIXED_S = 0.003;
    /** Assumed speed-up of a data-centre GPU over 2 Zen 4 cores on MR.Q's matmuls. */
    static final double GPU_MATMUL_SPEEDUP = 200;

    /** The estimate for every run of {@code runs}. */
    public static Estimate of(List<Manifest.Entry> runs) {
        double cpuSeconds = 0;
        double gpuSeconds = 0;
        long calls = 0;
        for (Manifest.Entry e : runs) {
            long c = e.spec().schedule().trainCalls();
            double w2 = e.spec().widthMultiplier() * e.spec().widthMultiplier();
            calls += c;
            cpuSeconds += c * (CPU_FIXED_S + CPU_PER_W2_S * w2);
            gpuSeconds += c * (GPU_FIXED_S + CPU_PER_W2_S * w2 / GPU_MATMUL_SPEEDUP);
        }
        return new Estimate(2 * cpuSeconds / 3600, cpuSeconds / 3600, gpuSeconds / 3600, calls);
    }

    /** Three lines for the console, saying what the numbers are. */
    public String describe() {
        return String.format(Locale.ROOT, "estimate (napkin math, see dev.topiary.sweep.Estimate): %,d training calls;"
                        + "%n  CPU: about %s hours on a 2-core machine (%s core-hours), from measured MR.Q training "
                        + "calls only;%n  GPU: about %s GPU-hours at one run per GPU, from an ASSUMED per-call cost "
                        + "(no GPU rate is measured yet)", trainCalls, hours(cpuHoursAt2Cores), hours(cpuCoreHours),
                hours(gpuHours));
    }

    /** Two significant digits below 10, whole hours above. */
    static String hours(double h) {
        return h < 10 ? String.format(Locale.ROOT, "%.2g", h) : String.format(Locale.ROOT, "%,.0f", h);
    }
}
