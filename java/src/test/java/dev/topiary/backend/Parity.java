package dev.topiary.backend;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.backend.cuda.CudaSupport;
import dev.topiary.backend.kernel.EmuDevice;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.backend.ref.ReferenceBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared machinery of the parity tests: the oracle, the backends checked against it, fresh random inputs, and a
 * comparison by relative error whose tolerance grows with the reduction length.
 */
public final class Parity {
    /** Float32 unit roundoff. */
    public static final double EPS32 = 0x1p-24;

    /**
     * Absolute differences this small always pass: float32 spaces its subnormals {@code Float.MIN_VALUE} apart, so
     * a result that underflows (a saturated softmax's gradient, say) cannot be closer than a few of those steps.
     */
    static final double SUBNORMAL_SLACK = 16.0 * Float.MIN_VALUE;

    /** Awkward sizes every op is tried at. */
    public static final int[] SIZES = {1, 7, 31, 257, 1000};

    private static final ReferenceBackend REFERENCE = new ReferenceBackend();
    private static final List<Backend> CANDIDATES = new ArrayList<>();

    /**
     * True in the Surefire run that loads the AddressSanitizer build of the emulated kernels: only the emulated
     * backend is checked there (the CPU backend has no native code to sanitise).
     */
    public static final boolean ASAN = Boolean.getBoolean("topiary.emu.asan");

    /**
     * Which backends to check, when {@code -Dtopiary.parity.backends} names them (a comma list of {@code cpu},
     * {@code emu}, {@code cuda}). {@code ci/gpu-check.sh} asks for {@code cuda} alone: then a GPU that cannot be used
     * fails every parity test with the probe's reasons instead of letting the suite pass on the CPU.
     */
    public static final String BACKENDS_PROPERTY = "topiary.parity.backends";

    /**
     * True when the kernel backends run under {@code compute-sanitizer} ({@code -Dtopiary.parity.small=true}): they
     * are then checked at the small sizes the emulated kernels use, since the sanitizer slows every kernel tenfold
     * or more.
     */
    public static final boolean SMALL = Boolean.getBoolean("topiary.parity.small");

    static {
        String requested = System.getProperty(BACKENDS_PROPERTY, "").trim();
        if (!requested.isEmpty()) {
            addRequested(requested);
        } else {
            if (!ASAN) {
                // The CPU backend stays first: some tests take candidates().get(0) as "the CPU backend".
                CANDIDATES.add(new CpuBackend());
                CANDIDATES.add(new CpuBackend(1));
            }
            if (ASAN || Boolean.parseBoolean(System.getProperty("topiary.parity.emu", "false"))) {
                addEmulated();
            }
            if (GpuProbe.probe().available()) {
                addCuda();
            }
        }
    }

    /** Two block sizes per kernel backend, so a kernel that silently assumes one is caught. */
    private static void addEmulated() {
        CANDIDATES.add(KernelBackend.emulated(64));
        CANDIDATES.add(KernelBackend.emulated(256));
    }

    private static void addCuda() {
        CANDIDATES.add(CudaSupport.open(0, 64));
        CANDIDATES.add(CudaSupport.open(0, 256));
    }

    private static void addRequested(String requested) {
        for (String name : requested.split(",")) {
            switch (name.trim()) {
                case "cpu" -> {
                    CANDIDATES.add(new CpuBackend());
                    CANDIDATES.add(new CpuBackend(1));
                }
                case "emu" -> addEmulated();
                case "cuda" -> {
                    GpuProbe.Result gpu = GpuProbe.probe();
                    if (!gpu.available()) {
                        throw new IllegalStateException("-D" + BACKENDS_PROPERTY + " asks for cuda but no GPU is "
                                + "usable: " + String.join("; ", gpu.reasons()));
                    }
                    addCuda();
                }
                default -> throw new IllegalArgumentException("-D" + BACKENDS_PROPERTY + ": unknown backend '"
                        + name.trim() + "'; use a comma list of cpu, emu, cuda");
            }
        }
    }

    /**
     * Whether tests should spare {@code b} their largest inputs and longest loops: the emulated kernels (each CUDA
     * thread a fiber on the CPU), and every kernel backend under compute-sanitizer. CUDA on its own runs everything.
     */
    public static boolean reducedSizes(Backend b) {
        return b instanceof KernelBackend k && (SMALL || k.device() instanceof EmuDevice);
    }

    private Parity() {
    }

    public static Backend reference() {
        return REFERENCE;
    }

    /**
     * The backends checked against the reference: the CPU backend with all cores and with one thread, the emulated
     * kernels at two block sizes, and CUDA at two block sizes where a GPU is usable (or those named by
     * {@value #BACKENDS_PROPERTY}).
     */
    public static List<Backend> candidates() {
        return CANDIDATES;
    }

    /** A fresh seed per call, printed by failing tests so a failure can be replayed. */
    public static long freshSeed() {
        return System.nanoTime() ^ Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
    }

    public static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }

    public static float[] normal(SplittableRandom r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            a[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return a;
    }

    /** A 0/1 mask with exactly {@code round(density·n)} ones at random positions. */
    public static byte[] mask(SplittableRandom r, int n, double density) {
        int k = (int) Math.round(density * n);
        byte[] m = new byte[n];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            m[idx[i]] = 1;
        }
        return m;
    }

    /**
     * Tolerance for a float32 result whose elements each sum {@code reductionLength} products: a few units of
     * roundoff times the square root of the length (errors of a fixed-order sum grow like a random walk), never below
     * 16 ulps.
     */
    public static double tolerance(int reductionLength) {
        return EPS32 * Math.max(16, 8 * Math.sqrt(Math.max(1, reductionLength)));
    }

    /**
     * Asserts {@code |actual − expected| ≤ tol · (|expected| + rms(expected))} element by element: a relative error,
     * softened by the array's typical magnitude so that entries near zero through cancellation do not fail.
     */
    public static void assertClose(String what, double[] expected, float[] actual, double tol) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        assertClose(what, expected, a, tol);
    }

    public static void assertClose(String what, double[] expected, double[] actual, double tol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + " but expected " + expected.length);
        }
        double ss = 0;
        for (double e : expected) {
            ss += e * e;
        }
        double rms = expected.length == 0 ? 0 : Math.sqrt(ss / expected.length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) != Double.isNaN(a) || (Double.isInfinite(e) && e != a)) {
                fail(what + ": element " + i + " is " + a + " but expected " + e);
            }
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                continue;
            }
            if (Math.abs(a - e) <= SUBNORMAL_SLACK) {
                continue;
            }
            double denom = Math.abs(e) + rms;
            double err = denom == 0 ? Math.abs(a - e) : Math.abs(a - e) / denom;
            if (err > worst || Double.isNaN(err)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                worstAt = i;
            }
        }
        if (worst > tol) {
            fail(String.format("%s: relative error %.3g at element %d (got %s, expected %s) exceeds %.3g", what, worst,
                    worstAt, actual[worstAt], expected[worstAt], tol));
        }
    }

    /** Asserts exact equality of integer-valued results (indices, masks, counts). */
    public static void assertExact(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + " but expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Double.compare(expected[i], actual[i]) != 0) {
                fail(what + ": element " + i + " is " + actual[i] + " but expected " + expected[i]);
            }
        }
    }
}
