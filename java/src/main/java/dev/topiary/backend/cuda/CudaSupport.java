package dev.topiary.backend.cuda;

import dev.topiary.backend.kernel.KernelBackend;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * The GPU probe's work and the CUDA backend's factory. Nothing outside this package touches JCuda, and nothing here
 * runs until called, so machines without a driver never load its native library by accident.
 */
public final class CudaSupport {
    private CudaSupport() {
    }

    /** Returns the device description, or throws with the reasons a GPU cannot be used (caught by the probe). */
    public static String probe(List<String> reasons) {
        KernelImage image = KernelImage.load();
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
        } catch (Throwable t) {
            reasons.add(explainDriverFailure(t));
            if (!image.built()) {
                reasons.add(image.reason());
            }
            return null;
        }
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            reasons.add("the NVIDIA driver is installed but reports no CUDA device");
            return null;
        }
        if (!image.built()) {
            reasons.add(image.reason());
            return null;
        }
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        return CudaDevice.describe(dev) + (count[0] > 1 ? " (+" + (count[0] - 1) + " more)" : "");
    }

    /** Opens the CUDA backend on GPU {@code ordinal}. */
    public static KernelBackend open(int ordinal) {
        return open(ordinal, 256);
    }

    /** Opens the CUDA backend on GPU {@code ordinal} with {@code blockSize} threads per one-dimensional block. */
    public static KernelBackend open(int ordinal, int blockSize) {
        return new KernelBackend("cuda", CudaDevice.open(ordinal), blockSize, 0.3);
    }

    static String explainDriverFailure(Throwable t) {
        List<String> chain = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            chain.add(c.toString());
        }
        String all = String.join(" ", chain);
        if (all.contains("libcuda.so")) {
            return "the NVIDIA driver library libcuda.so.1 is not installed (no GPU driver on this machine)";
        }
        if (all.contains("CUDA_ERROR_NO_DEVICE")) {
            return "the NVIDIA driver is installed but found no CUDA device (CUDA_ERROR_NO_DEVICE)";
        }
        if (all.contains("UnsatisfiedLinkError") || all.contains("NoClassDefFoundError")) {
            return "JCuda's driver binding could not load: " + t;
        }
        return "CUDA initialisation failed: " + t;
    }
}
