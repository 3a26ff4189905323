package dev.topiary.baseline;

import dev.topiary.backend.BlasOps;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.cpu.CpuTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Debian's OpenBLAS ({@code libopenblas0-pthread}) through an FFM downcall to {@code cblas_sgemm}: the measured
 * ceiling our CPU GEMM is compared against in tests and benchmarks. Never used on the training path, so a machine
 * without the library trains normally; {@link #load()} then explains what is missing instead of throwing.
 */
public final class OpenBlas {
    /** The command that installs the library on Debian and Ubuntu. */
    public static final String INSTALL = "apt-get install -y libopenblas0-pthread";

    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "libopenblas.so.0");
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static volatile Result cached;

    private final String path;
    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final MethodHandle getThreads;
    private final MethodHandle config;
    private final MethodHandle coreName;

    /** What {@link #load()} found: the library, or the reasons it is unavailable. */
    public record Result(Optional<OpenBlas> library, List<String> reasons) {
        public boolean available() {
            return library.isPresent();
        }

        /** The library; throws with the reasons (and the install command) when it is missing. */
        public OpenBlas require() {
            return library.orElseThrow(() -> new IllegalStateException("OpenBLAS is unavailable: "
                    + String.join("; ", reasons)));
        }
    }

    private OpenBlas(String path, SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        this.path = path;
        this.sgemm = linker.downcallHandle(lib.findOrThrow("cblas_sgemm"), FunctionDescriptor.ofVoid(JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT));
        this.setThreads = linker.downcallHandle(lib.findOrThrow("openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        this.getThreads = linker.downcallHandle(lib.findOrThrow("openblas_get_num_threads"),
                FunctionDescriptor.of(JAVA_INT));
        this.config = linker.downcallHandle(lib.findOrThrow("openblas_get_config"), FunctionDescriptor.of(ADDRESS));
        this.coreName = linker.downcallHandle(lib.findOrThrow("openblas_get_corename"),
                FunctionDescriptor.of(ADDRESS));
    }

    /** Finds and binds the library once per JVM; never throws. */
    public static Result load() {
        Result r = cached;
        if (r == null) {
            synchronized (OpenBlas.class) {
                if (cached == null) {
                    cached = probe(CANDIDATES);
                }
                r = cached;
            }
        }
        return r;
    }

    /**
     * Tries each library path or loader name in order and binds the first that loads; never throws. {@link #load()}
     * uses the standard candidates; tests pass others to see the explanation a machine without OpenBLAS gets.
     */
    public static Result probe(List<String> candidates) {
        List<String> reasons = new ArrayList<>();
        for (String candidate : candidates) {
            boolean absolute = candidate.startsWith("/");
            if (absolute && !Files.exists(Path.of(candidate))) {
                continue;
            }
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(candidate, Arena.global());
                return new Result(Optional.of(new OpenBlas(candidate, lib)), List.of());
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException
                     | java.util.NoSuchElementException e) {
                reasons.add(candidate + ": " + e.getMessage());
            }
        }
        reasons.add(0, "libopenblas.so.0 was not found (looked in the openblas-pthread directory and on the "
                + "loader path); install it with: " + INSTALL);
        return new Result(Optional.empty(), List.copyOf(reasons));
    }

    /** The file the library was loaded from. */
    public String path() {
        return path;
    }

    /** OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
    public String config() {
        return cString(config);
    }

    /** The kernel family OpenBLAS picked for this CPU, e.g. "Haswell" or "SkylakeX". */
    public String coreName() {
        return cString(coreName);
    }

    public void setThreads(int threads) {
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int threads() {
        try {
            return (int) getThreads.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} on row-major float matrices in native memory; lda, ldb, ldc are the
     * stored row lengths.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda,
                    b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The same on CPU-backend tensors, with the shapes checked as {@link BlasOps#gemm} checks them. */
    public void sgemm(BlasOps.Trans ta, BlasOps.Trans tb, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        boolean transA = ta == BlasOps.Trans.T;
        boolean transB = tb == BlasOps.Trans.T;
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        int kb = transB ? b.cols() : b.rows();
        if (k != kb || c.rows() != m || c.cols() != n || a.dtype() != DType.F32 || b.dtype() != DType.F32
                || c.dtype() != DType.F32) {
            throw new IllegalArgumentException("OpenBlas.sgemm(" + ta + tb + "): A " + a.describe() + ", B "
                    + b.describe() + ", C " + c.describe() + " do not form an F32 product");
        }
        // BLAS rejects leading dimensions below 1, even for empty matrices.
        sgemm(transA, transB, m, n, k, alpha, CpuTensor.seg(a), Math.max(1, a.cols()), CpuTensor.seg(b),
                Math.max(1, b.cols()), beta, CpuTensor.seg(c), Math.max(1, n));
    }

    private static String cString(MethodHandle h) {
        try {
            MemorySegment s = (MemorySegment) h.invokeExact();
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
