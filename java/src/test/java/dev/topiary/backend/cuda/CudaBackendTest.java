package dev.topiary.backend.cuda;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.backend.kernel.KernelInventoryTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA device itself, beneath the ops the parity suite checks: the kernel image holds every declared kernel,
 * copies round-trip at awkward sizes, fresh allocations are zero, the pool reuses memory, and the parity suite
 * really has CUDA among its candidates. Skipped, with the probe's reasons, wherever no GPU is usable.
 */
@RequiresGpu
class CudaBackendTest {
    private static final int[] BYTES = {1, 7, 31, 257, 4099, (1 << 20) + 3};

    @Test
    void theParitySuiteChecksCudaAtTwoBlockSizes() {
        List<Integer> blocks = new ArrayList<>();
        for (Backend b : Parity.candidates()) {
            if (b instanceof KernelBackend k && k.device() instanceof CudaDevice) {
                blocks.add(k.blockSize());
            }
        }
        assertEquals(List.of(64, 256), blocks, "CUDA backends among the parity candidates: " + blocks);
    }

    /**
     * MR.Q's graphed steps as real CUDA graphs: bit-identical to op-by-op launches, one graph launch per training
     * call, and two runs bit-identical to each other (no order-dependent float atomics anywhere).
     */
    @Test
    void mrqTrainingAsCudaGraphsMatchesEagerAndIsRunToRunIdentical() {
        dev.topiary.rl.mrq.MrqGraphedTest.assertGraphedMatchesEager(() -> CudaSupport.open(0, 64));
        List<double[]> first = dev.topiary.rl.mrq.MrqGraphedTest.trainedParameters(CudaSupport.open(0, 256));
        List<double[]> second = dev.topiary.rl.mrq.MrqGraphedTest.trainedParameters(CudaSupport.open(0, 256));
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i), "parameter tensor " + i + " differs between two runs");
        }
    }

    @Test
    void theKernelImageHoldsEveryDeclaredKernel() {
        try (CudaDevice d = CudaDevice.open(0)) {
            List<String> missing = new ArrayList<>();
            KernelInventoryTest.INVENTORY.values().forEach(names -> names.stream()
                    .filter(n -> !d.hasKernel(n)).forEach(missing::add));
            assertTrue(missing.isEmpty(), "kernels missing from the fatbins: " + missing);
            assertFalse(d.hasKernel("no_such_kernel"));
            assertTrue(d.description().contains("sm_") && d.description().contains("driver CUDA"), d.description());
        }
    }

    @Test
    void copiesRoundTripAndFreshAllocationsAreZero() {
        SplittableRandom r = new SplittableRandom(Parity.freshSeed());
        try (CudaDevice d = CudaDevice.open(0); Arena arena = Arena.ofConfined()) {
            for (int n : BYTES) {
                byte[] data = new byte[n];
                r.nextBytes(data);
                long a = d.alloc(n);
                long b = d.alloc(n);
                byte[] back = new byte[n];
                d.copyToHost(a, MemorySegment.ofArray(back), n);
                assertArrayEquals(new byte[n], back, "a fresh allocation of " + n + " bytes is zero");
                MemorySegment host = arena.allocate(n);
                host.copyFrom(MemorySegment.ofArray(data));
                d.copyToDevice(host, a, n);                           // native segment
                d.copyOnDevice(a, b, n);
                d.copyToHost(b, MemorySegment.ofArray(back), n);      // heap segment, through staging
                assertArrayEquals(data, back, n + " bytes host → device → device → host");
                d.memsetZero(b, n);
                MemorySegment out = arena.allocate(n);
                out.fill((byte) 0x5A);                                // poison: every byte must be overwritten
                d.copyToHost(b, out, n);
                assertArrayEquals(new byte[n], out.toArray(ValueLayout.JAVA_BYTE), "memsetZero of " + n + " bytes");
                d.free(a);
                d.free(b);
            }
        }
    }

    @Test
    void thePoolReusesFreedMemory() {
        try (CudaDevice d = CudaDevice.open(0)) {
            for (int i = 0; i < 3; i++) {
                long p = d.alloc(1 << 20);
                d.free(p);
            }
            long before = d.driverAllocations();
            for (int i = 0; i < 10; i++) {
                d.free(d.alloc(1 << 20));
            }
            assertEquals(before, d.driverAllocations(), "steady-state allocations must come from the pool");
        }
    }

    @Test
    void tensorsRoundTripThroughTheBackend() {
        try (KernelBackend b = CudaSupport.open(0); TensorArena a = b.newArena()) {
            float[] v = Parity.normal(new SplittableRandom(Parity.freshSeed()), 257 * 31, 1);
            Tensor t = a.f32(257, 31, v);
            Tensor u = a.f32(257, 31);
            b.elements().copy(t, u);
            b.sync();
            assertArrayEquals(v, u.toFloats());
        }
    }
}
