package dev.topiary.bench;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.cuda.CudaDevice;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.backend.kernel.KernelTensor;

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

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The vendor baselines of the GPU benchmarks, cuBLAS SGEMM (fp32 and TF32) and cuSPARSE CSR SpMM, bound through FFM
 * to whichever CUDA major version is installed ({@code libcublas.so.13}, else {@code .so.12}). JCublas/JCusparse 12.6
 * would load only next to CUDA 12's libraries, and the GPU machines have CUDA 13, so these are plain downcalls.
 * Benchmarks only: nothing on the training path touches them, and a machine without them reports
 * "not available: why" and runs everything else.
 *
 * <p>Every call is queued on the CUDA backend's own stream ({@link CudaDevice#streamHandle()}), so
 * {@code backend.sync()} waits for the vendor kernels exactly as for ours.
 */
final class VendorGpu {
    /** Where CUDA's libraries usually are; {@code -Dtopiary.cuda.lib=DIR} is tried first. */
    private static final List<String> DIRS = List.of("/usr/local/cuda/lib64",
            "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu");
    private static final Linker LINKER = Linker.nativeLinker();
    private static final int OP_N = 0;
    private static final int OP_T = 1;
    private static final int CUBLAS_DEFAULT_MATH = 0;
    private static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    private static final int CUDA_R_32F = 0;
    private static final int CUSPARSE_INDEX_32I = 2;
    private static final int CUSPARSE_INDEX_BASE_ZERO = 0;
    private static final int CUSPARSE_ORDER_COL = 1;
    private static final int CUSPARSE_SPMM_ALG_DEFAULT = 0;

    /** A library and its path, or why it is not available. */
    record Loaded(SymbolLookup lookup, String path, String reason) {
        boolean available() {
            return lookup != null;
        }
    }

    private VendorGpu() {
    }

    static Loaded cublas() {
        return find("cublas", "cublasSgemm_v2");
    }

    static Loaded cusparse() {
        return find("cusparse", "cusparseSpMM");
    }

    /** Looks for lib{name}.so.13, .so.12, .so in -Dtopiary.cuda.lib, the usual folders, then the loader's path. */
    private static Loaded find(String name, String symbol) {
        List<String> tried = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        String own = System.getProperty("topiary.cuda.lib");
        if (own != null) {
            dirs.add(own);
        }
        dirs.addAll(DIRS);
        for (String suffix : List.of(".so.13", ".so.12", ".so")) {
            String file = "lib" + name + suffix;
            for (String dir : dirs) {
                Path p = Path.of(dir, file);
                if (Files.exists(p)) {
                    Loaded l = open(p.toString(), symbol, tried);
                    if (l != null) {
                        return l;
                    }
                }
            }
            Loaded l = open(file, symbol, tried);
            if (l != null) {
                return l;
            }
        }
        return new Loaded(null, "", "lib" + name + ".so.13/.so.12 not found (tried " + dirs + " and the loader's "
                + "path; last error: " + (tried.isEmpty() ? "none" : tried.getLast()) + ")");
    }

    private static Loaded open(String file, String symbol, List<String> tried) {
        try {
            SymbolLookup l = file.contains("/") ? SymbolLookup.libraryLookup(Path.of(file), Arena.global())
                    : SymbolLookup.libraryLookup(file, Arena.global());
            if (l.find(symbol).isEmpty()) {
                tried.add(file + " has no " + symbol);
                return null;
            }
            return new Loaded(l, file, "");
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            tried.add(file + ": " + e.getMessage());
            return null;
        }
    }

    private static MethodHandle fn(SymbolLookup l, String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(l.find(name).orElseThrow(), d);
    }

    private static void check(String call, Object status) {
        if ((int) status != 0) {
            throw new IllegalStateException(call + " returned status " + status);
        }
    }

    /** The CUDA device under a backend, or an explanation of why the baselines need one. */
    static CudaDevice device(Backend b) {
        if (b instanceof KernelBackend k && k.device() instanceof CudaDevice d) {
            return d;
        }
        throw new IllegalStateException("the cuBLAS/cuSPARSE baselines need the CUDA backend, not " + b.name());
    }

    /** One cuBLAS handle on the backend's stream. */
    static final class Cublas implements AutoCloseable {
        private final MethodHandle sgemm;
        private final MethodHandle setMathMode;
        private final MethodHandle destroy;
        private final MemorySegment handle;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment one = arena.allocateFrom(JAVA_FLOAT, 1f);
        private final MemorySegment zero = arena.allocateFrom(JAVA_FLOAT, 0f);
        final String version;

        Cublas(Backend backend) throws Throwable {
            Loaded l = cublas();
            if (!l.available()) {
                throw new IllegalStateException("cuBLAS not available: " + l.reason());
            }
            SymbolLookup s = l.lookup();
            sgemm = fn(s, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG,
                    JAVA_INT));
            setMathMode = fn(s, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            destroy = fn(s, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", fn(s, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS))
                    .invoke(out));
            handle = out.get(ADDRESS, 0);
            check("cublasSetStream_v2", fn(s, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_LONG)).invoke(handle, device(backend).streamHandle()));
            MemorySegment v = arena.allocate(JAVA_INT);
            check("cublasGetVersion_v2", fn(s, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    ADDRESS)).invoke(handle, v));
            version = l.path() + " " + v.get(JAVA_INT, 0);
        }

        void tf32(boolean on) throws Throwable {
            check("cublasSetMathMode", setMathMode.invoke(handle,
                    on ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
        }

        /**
         * {@code C = op(A) op(B)} on row-major tensors, as {@code BlasOps.gemm} defines it. cuBLAS is column-major, and
         * a row-major matrix read column-major is its transpose, so this asks cuBLAS for
         * {@code Cᵀ = op(B)ᵀ op(A)ᵀ}: the operands swap, each keeps its own transpose flag.
         */
        void gemm(Trans ta, Trans tb, Tensor a, Tensor b, Tensor c) throws Throwable {
            int m = c.rows();
            int n = c.cols();
            int k = ta == Trans.N ? a.cols() : a.rows();
            check("cublasSgemm_v2", sgemm.invoke(handle, tb == Trans.N ? OP_N : OP_T, ta == Trans.N ? OP_N : OP_T,
                    n, m, k, one, KernelTensor.ptr(b), b.cols(), KernelTensor.ptr(a), a.cols(), zero,
                    KernelTensor.ptr(c), n));
        }

        @Override
        public void close() {
            try {
                destroy.invoke(handle);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            arena.close();
        }
    }

    /**
     * cuSPARSE's SpMM for a compact (CSR) layer's forward {@code Y = X Wᵀ} with W's own CSR arrays. Column-major
     * again: {@code Yᵀ (n×m) = W (CSR n×k) · Xᵀ}, where row-major X read column-major with leading dimension k is Xᵀ.
     */
    static final class Cusparse implements AutoCloseable {
        private final MethodHandle spmm;
        private final MethodHandle destroySp;
        private final MethodHandle destroyDn;
        private final MethodHandle destroy;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment one = arena.allocateFrom(JAVA_FLOAT, 1f);
        private final MemorySegment zero = arena.allocateFrom(JAVA_FLOAT, 0f);
        private final MemorySegment handle;
        private final MemorySegment a;
        private final MemorySegment b;
        private final MemorySegment c;
        private final long buffer;
        private final CudaDevice device;
        final String version;

        Cusparse(Backend backend, SparseWeight w, Tensor x, Tensor y) throws Throwable {
            Loaded l = cusparse();
            if (!l.available()) {
                throw new IllegalStateException("cuSPARSE not available: " + l.reason());
            }
            if (w.layout() != SparseWeight.Layout.COMPACT) {
                throw new IllegalArgumentException("cuSPARSE SpMM needs a COMPACT (CSR) weight, not " + w.layout());
            }
            device = device(backend);
            SymbolLookup s = l.lookup();
            FunctionDescriptor spmmArgs = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG);
            spmm = fn(s, "cusparseSpMM", spmmArgs);
            destroySp = fn(s, "cusparseDestroySpMat", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroyDn = fn(s, "cusparseDestroyDnMat", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroy = fn(s, "cusparseDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MemorySegment out = arena.allocate(ADDRESS);
            check("cusparseCreate", fn(s, "cusparseCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(out));
            handle = out.get(ADDRESS, 0);
            check("cusparseSetStream", fn(s, "cusparseSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_LONG)).invoke(handle, device.streamHandle()));
            int m = x.rows();
            int k = x.cols();
            int n = w.rows();
            check("cusparseCreateCsr", fn(s, "cusparseCreateCsr", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT)).invoke(out, (long) n, (long) k, (long) w.nnz(), KernelTensor.ptr(w.rowPtr()),
                    KernelTensor.ptr(w.colIdx()), KernelTensor.ptr(w.values()), CUSPARSE_INDEX_32I,
                    CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F));
            a = out.get(ADDRESS, 0);
            MethodHandle dn = fn(s, "cusparseCreateDnMat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
            check("cusparseCreateDnMat(X)", dn.invoke(out, (long) k, (long) m, (long) k, KernelTensor.ptr(x),
                    CUDA_R_32F, CUSPARSE_ORDER_COL));
            b = out.get(ADDRESS, 0);
            check("cusparseCreateDnMat(Y)", dn.invoke(out, (long) n, (long) m, (long) n, KernelTensor.ptr(y),
                    CUDA_R_32F, CUSPARSE_ORDER_COL));
            c = out.get(ADDRESS, 0);
            MemorySegment size = arena.allocate(JAVA_LONG);
            check("cusparseSpMM_bufferSize", fn(s, "cusparseSpMM_bufferSize", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                    ADDRESS)).invoke(handle, OP_N, OP_N, one, a, b, zero, c, CUDA_R_32F, CUSPARSE_SPMM_ALG_DEFAULT,
                    size));
            buffer = device.alloc(Math.max(16, size.get(JAVA_LONG, 0)));
            MemorySegment v = arena.allocate(JAVA_INT);
            check("cusparseGetVersion", fn(s, "cusparseGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    ADDRESS)).invoke(handle, v));
            version = l.path() + " " + v.get(JAVA_INT, 0);
        }

        void forward() throws Throwable {
            check("cusparseSpMM", spmm.invoke(handle, OP_N, OP_N, one, a, b, zero, c, CUDA_R_32F,
                    CUSPARSE_SPMM_ALG_DEFAULT, buffer));
        }

        @Override
        public void close() {
            try {
                destroySp.invoke(a);
                destroyDn.invoke(b);
                destroyDn.invoke(c);
                destroy.invoke(handle);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            device.free(buffer);
            arena.close();
        }
    }
}
