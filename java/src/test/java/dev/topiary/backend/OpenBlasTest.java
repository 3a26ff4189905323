package dev.topiary.backend;

import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.baseline.OpenBlas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenBLAS baseline binding: where the library is installed its cblas_sgemm agrees with the reference for every
 * transpose; where it is not, loading explains what is missing (with the install command) instead of throwing.
 */
class OpenBlasTest {

    @Test
    void missingLibraryIsExplainedNotThrown() {
        OpenBlas.Result r = OpenBlas.probe(List.of("/nonexistent/libopenblas.so.0", "libnot-openblas-at-all.so.9"));
        assertFalse(r.available());
        String reasons = String.join("; ", r.reasons());
        assertTrue(reasons.contains(OpenBlas.INSTALL), reasons);
        IllegalStateException e = assertThrows(IllegalStateException.class, r::require);
        assertTrue(e.getMessage().contains(OpenBlas.INSTALL), e.getMessage());
    }

    @Test
    void sgemmMatchesTheReference() {
        OpenBlas.Result loaded = OpenBlas.load();
        Assumptions.assumeTrue(loaded.available(), () -> "OpenBLAS not installed: " + loaded.reasons());
        OpenBlas blas = loaded.require();
        assertFalse(blas.config().isEmpty());
        assertTrue(blas.threads() >= 1);
        Backend cpu = Parity.candidates().get(0);
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int m = 37;
        int n = 45;
        int k = 53;
        for (Trans ta : Trans.values()) {
            for (Trans tb : Trans.values()) {
                int ar = ta == Trans.N ? m : k;
                int ac = ta == Trans.N ? k : m;
                int br = tb == Trans.N ? k : n;
                int bc = tb == Trans.N ? n : k;
                float[] a = Parity.normal(r, ar * ac, 1);
                float[] b = Parity.normal(r, br * bc, 1);
                float[] c = Parity.normal(r, m * n, 1);
                double[] expected;
                try (TensorArena arena = Parity.reference().newArena()) {
                    Tensor ct = arena.f32(m, n, c);
                    Parity.reference().blas().gemm(ta, tb, 0.5f, arena.f32(ar, ac, a), arena.f32(br, bc, b), 2f, ct);
                    expected = ct.toDoubles();
                }
                try (TensorArena arena = cpu.newArena()) {
                    Tensor ct = arena.f32(m, n, c);
                    blas.sgemm(ta, tb, 0.5f, arena.f32(ar, ac, a), arena.f32(br, bc, b), 2f, ct);
                    Parity.assertClose("cblas_sgemm " + ta + tb + " seed " + seed, expected, ct.toFloats(),
                            Parity.tolerance(k));
                }
            }
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        OpenBlas.Result loaded = OpenBlas.load();
        Assumptions.assumeTrue(loaded.available(), () -> "OpenBLAS not installed: " + loaded.reasons());
        Backend cpu = Parity.candidates().get(0);
        try (TensorArena arena = cpu.newArena()) {
            assertThrows(IllegalArgumentException.class, () -> loaded.require().sgemm(Trans.N, Trans.N, 1f,
                    arena.f32(3, 4), arena.f32(5, 6), 0f, arena.f32(3, 6)));
        }
    }
}
