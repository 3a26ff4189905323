package dev.topiary.backend.cuda;

import dev.topiary.backend.kernel.Device;
import dev.topiary.backend.kernel.DeviceGraph;
import dev.topiary.backend.kernel.GraphNode;
import dev.topiary.backend.kernel.Kernel;
import dev.topiary.backend.kernel.Launch;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static jcuda.driver.JCudaDriver.*;

/**
 * A CUDA GPU through JCuda's driver API: the device's primary context, one non-blocking stream, the build's kernel
 * image, and a caching allocator ({@link DevicePool}) so that steady-state training allocates no device memory.
 * Every CUDA result is checked; errors name the kernel or call. Launches are asynchronous, so a kernel's own fault
 * surfaces at the next synchronising call; {@code -Dtopiary.cuda.syncEachLaunch=true} synchronises after every
 * launch to name the failing kernel.
 */
public final class CudaDevice implements Device {
    private static final boolean SYNC_EACH = Boolean.getBoolean("topiary.cuda.syncEachLaunch");

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Stream stream = new Stream();
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final DevicePool pool;
    private final String description;
    /** The thread this device last made its context current on (the driver's current context is per thread). */
    private Thread boundTo;

    /** A stream whose driver handle can be read, for vendor libraries that must queue on it (the baselines). */
    private static final class Stream extends CUstream {
        long handle() {
            return getNativePointer();
        }
    }

    private CudaDevice(int ordinal, KernelImage image) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        boundTo = Thread.currentThread();
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        this.description = describe(device) + ", kernels from CUDA " + image.toolkit() + " (image " + image.hash() + ")";
        loadModules(image);
        this.pool = new DevicePool();
    }

    /** Opens GPU {@code ordinal}; throws with the driver's and toolkit's versions when the image cannot load. */
    static CudaDevice open(int ordinal) {
        KernelImage image = KernelImage.load();
        if (!image.built()) {
            throw new IllegalStateException(image.reason());
        }
        return new CudaDevice(ordinal, image);
    }

    static String describe(CUdevice dev) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, dev);
        String n = new String(name).trim().replace("\0", "");
        int[] major = new int[1];
        int[] minor = new int[1];
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        long[] mem = new long[1];
        cuDeviceTotalMem(mem, dev);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        return String.format("%s (sm_%d%d, %.1f GiB), driver CUDA %d.%d", n, major[0], minor[0],
                mem[0] / (1024.0 * 1024 * 1024), driver[0] / 1000, (driver[0] % 1000) / 10);
    }

    private void loadModules(KernelImage image) {
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        for (String family : image.families()) {
            CUmodule m = new CUmodule();
            try {
                cuModuleLoadData(m, image.fatbin(family));
            } catch (CudaException | IOException e) {
                throw new IllegalStateException("the driver (CUDA " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10
                        + ") cannot load kernel family " + family + " built by CUDA toolkit " + image.toolkit() + ": "
                        + e.getMessage() + ". A CUDA 13 build needs driver 580 or newer; rebuild with an older nvcc "
                        + "for an older driver.", e);
            }
            modules.add(m);
        }
    }

    private CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f != null) {
            return f;
        }
        for (CUmodule m : modules) {
            CUfunction candidate = new CUfunction();
            JCudaDriver.setExceptionsEnabled(false);
            int r = cuModuleGetFunction(candidate, m, name);
            JCudaDriver.setExceptionsEnabled(true);
            if (r == CUresult.CUDA_SUCCESS) {
                functions.put(name, candidate);
                return candidate;
            }
        }
        throw new IllegalStateException("kernel " + name + " is not in the kernel image; was its .cu file built?");
    }

    @Override
    public String description() {
        return description;
    }

    /**
     * Makes this device's context current on the calling thread: JMH runs a benchmark's setup and iterations on its
     * own worker threads, which need not be the thread that opened the device. A field compare while the thread
     * stays the same.
     */
    private void bind() {
        Thread t = Thread.currentThread();
        if (t != boundTo) {
            cuCtxSetCurrent(context);
            boundTo = t;
        }
    }

    /** Whether the loaded kernel image holds {@code kernelName} (checked by the GPU tests for every declared kernel). */
    public boolean hasKernel(String kernelName) {
        bind();
        try {
            function(kernelName);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * The driver handle ({@code CUstream}, the same as a runtime {@code cudaStream_t}) of the stream every launch and
     * copy of this device is queued on, so that a vendor library called through FFM (cuBLAS, cuSPARSE: benchmark
     * baselines only) runs in the same order and {@link #sync()} waits for it too.
     */
    public long streamHandle() {
        return stream.handle();
    }

    @Override
    public long alloc(long bytes) {
        bind();
        long p = pool.take(bytes);
        memsetZero(p, bytes);
        return p;
    }

    @Override
    public void free(long ptr) {
        bind();
        pool.give(ptr);
    }

    /** Device memory the allocator obtained from the driver so far (not counting reuse). */
    public long driverAllocations() {
        return pool.driverAllocations();
    }

    @Override
    public void copyToDevice(MemorySegment host, long dst, long bytes) {
        bind();
        cuStreamSynchronize(stream);
        if (host.isNative()) {
            cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(host.asByteBuffer()), bytes);
            return;
        }
        // JCuda needs native memory: a heap segment (a Java array) goes through a staging copy.
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(Math.max(1, bytes), 64);
            MemorySegment.copy(host, 0, staging, 0, bytes);
            cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(staging.asByteBuffer()), bytes);
        }
    }

    @Override
    public void copyToHost(long src, MemorySegment host, long bytes) {
        bind();
        cuStreamSynchronize(stream);
        if (host.isNative()) {
            cuMemcpyDtoH(Pointer.to(host.asByteBuffer()), DevicePointer.at(src), bytes);
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(Math.max(1, bytes), 64);
            cuMemcpyDtoH(Pointer.to(staging.asByteBuffer()), DevicePointer.at(src), bytes);
            MemorySegment.copy(staging, 0, host, 0, bytes);
        }
    }

    @Override
    public void copyOnDevice(long src, long dst, long bytes) {
        bind();
        cuMemcpyDtoDAsync(DevicePointer.at(dst), DevicePointer.at(src), bytes, stream);
    }

    @Override
    public void memsetZero(long ptr, long bytes) {
        bind();
        cuMemsetD8Async(DevicePointer.at(ptr), (byte) 0, bytes, stream);
    }

    @Override
    public void launch(Kernel kernel, Launch l, Object... args) {
        bind();
        Pointer[] params = CudaGraph.arguments(kernel.args(), args);
        try {
            cuLaunchKernel(function(kernel.name()), l.gx(), l.gy(), l.gz(), l.bx(), l.by(), l.bz(),
                    Math.toIntExact(l.sharedBytes()), stream, Pointer.to(params), null);
            if (SYNC_EACH) {
                cuStreamSynchronize(stream);
            }
        } catch (CudaException e) {
            throw new IllegalStateException("kernel " + kernel.name() + " (" + l + ") failed: " + e.getMessage(), e);
        }
    }

    /** A real CUDA graph: one {@code cuGraphLaunch} per replay, whatever the node count. */
    @Override
    public DeviceGraph instantiate(List<GraphNode> nodes) {
        bind();
        return new CudaGraph(nodes, context, stream, this::function);
    }

    @Override
    public void sync() {
        bind();
        try {
            cuStreamSynchronize(stream);
        } catch (CudaException e) {
            throw new IllegalStateException("a queued kernel failed: " + e.getMessage()
                    + " (rerun with -Dtopiary.cuda.syncEachLaunch=true to name it)", e);
        }
    }

    @Override
    public void close() {
        bind();
        sync();
        pool.close();
        for (CUmodule m : modules) {
            cuModuleUnload(m);
        }
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(device);
    }
}
