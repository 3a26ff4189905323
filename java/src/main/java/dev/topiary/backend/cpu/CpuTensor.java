package dev.topiary.backend.cpu;

import dev.topiary.backend.Backend;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A tensor in off-heap memory ({@link MemorySegment}), 64-byte aligned, owned by a {@link CpuArena}. */
public final class CpuTensor extends Tensor {
    private final MemorySegment seg;

    CpuTensor(Backend backend, DType dtype, int rows, int cols, MemorySegment seg) {
        super(backend, dtype, rows, cols);
        this.seg = seg;
    }

    /** The tensor's memory, {@code size() · dtype().bytes} bytes, row-major. */
    public MemorySegment seg() {
        return seg;
    }

    /** The segment of a tensor known to belong to a CPU backend. */
    public static MemorySegment seg(Tensor t) {
        return t == null ? null : ((CpuTensor) t).seg;
    }

    @Override
    public void copyFrom(double[] src) {
        checkLength(src.length);
        switch (dtype()) {
            case F64 -> MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_DOUBLE, 0, src.length);
            case F32 -> {
                for (int i = 0; i < src.length; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) src[i]);
                }
            }
            case I32 -> {
                for (int i = 0; i < src.length; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_INT, i, (int) src[i]);
                }
            }
            case U8 -> {
                for (int i = 0; i < src.length; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) (int) src[i]);
                }
            }
        }
    }

    @Override
    public void copyTo(double[] dst) {
        checkLength(dst.length);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = switch (dtype()) {
                case F64 -> seg.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                case F32 -> seg.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                case I32 -> seg.getAtIndex(ValueLayout.JAVA_INT, i);
                case U8 -> seg.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            };
        }
    }

    @Override
    public void copyFrom(float[] src) {
        if (dtype() != DType.F32) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_FLOAT, 0, src.length);
    }

    @Override
    public void copyTo(float[] dst) {
        if (dtype() != DType.F32) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, dst, 0, dst.length);
    }

    @Override
    public void copyFrom(int[] src) {
        if (dtype() != DType.I32) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_INT, 0, src.length);
    }

    @Override
    public void copyTo(int[] dst) {
        if (dtype() != DType.I32) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        MemorySegment.copy(seg, ValueLayout.JAVA_INT, 0, dst, 0, dst.length);
    }

    @Override
    public void copyFrom(byte[] src) {
        if (dtype() != DType.U8) {
            super.copyFrom(src);
            return;
        }
        checkLength(src.length);
        MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_BYTE, 0, src.length);
    }

    @Override
    public void copyTo(byte[] dst) {
        if (dtype() != DType.U8) {
            super.copyTo(dst);
            return;
        }
        checkLength(dst.length);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, dst, 0, dst.length);
    }
}
