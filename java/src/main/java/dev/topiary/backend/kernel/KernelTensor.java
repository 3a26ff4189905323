package dev.topiary.backend.kernel;

import dev.topiary.backend.Backend;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A tensor in a {@link Device}'s memory, addressed by a device pointer. Host transfers go through staging memory. */
public final class KernelTensor extends Tensor {
    private final Device device;
    private final long ptr;

    KernelTensor(Backend backend, Device device, DType dtype, int rows, int cols, long ptr) {
        super(backend, dtype, rows, cols);
        this.device = device;
        this.ptr = ptr;
    }

    /** The device address of element 0. */
    public long ptr() {
        return ptr;
    }

    /** The device address of {@code t}, or 0 (a null pointer) for a null tensor: kernels treat 0 as "absent". */
    public static long ptr(Tensor t) {
        return t == null ? 0L : ((KernelTensor) t).ptr;
    }

    private long bytes() {
        return size() * dtype().bytes;
    }

    @Override
    public void copyFrom(double[] src) {
        checkLength(src.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Math.max(1, bytes()), 64);
            for (int i = 0; i < src.length; i++) {
                switch (dtype()) {
                    case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, src[i]);
                    case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) src[i]);
                    case I32 -> s.setAtIndex(ValueLayout.JAVA_INT, i, (int) src[i]);
                    case U8 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) (int) src[i]);
                }
            }
            device.copyToDevice(s, ptr, bytes());
        }
    }

    @Override
    public void copyTo(double[] dst) {
        checkLength(dst.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Math.max(1, bytes()), 64);
            device.copyToHost(ptr, s, bytes());
            for (int i = 0; i < dst.length; i++) {
                dst[i] = switch (dtype()) {
                    case F64 -> s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    case F32 -> s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    case I32 -> s.getAtIndex(ValueLayout.JAVA_INT, i);
                    case U8 -> s.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
                };
            }
        }
    }

    @Override
    public void copyFrom(float[] src) {
        if (dtype() != DType.F32) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        device.copyToDevice(MemorySegment.ofArray(src), ptr, bytes());
    }

    @Override
    public void copyTo(float[] dst) {
        if (dtype() != DType.F32) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        device.copyToHost(ptr, MemorySegment.ofArray(dst), bytes());
    }

    @Override
    public void copyFrom(int[] src) {
        if (dtype() != DType.I32) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        device.copyToDevice(MemorySegment.ofArray(src), ptr, bytes());
    }

    @Override
    public void copyTo(int[] dst) {
        if (dtype() != DType.I32) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        device.copyToHost(ptr, MemorySegment.ofArray(dst), bytes());
    }

    @Override
    public void copyFrom(byte[] src) {
        if (dtype() != DType.U8) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        device.copyToDevice(MemorySegment.ofArray(src), ptr, bytes());
    }

    @Override
    public void copyTo(byte[] dst) {
        if (dtype() != DType.U8) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        device.copyToHost(ptr, MemorySegment.ofArray(dst), bytes());
    }
}
