package dev.topiary.backend.cuda;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BackendChoice;
import dev.topiary.backend.Backends;
import dev.topiary.backend.GpuProbe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Without a usable GPU (every CI machine): an explicit {@code cuda} choice fails at once with the probe's reasons,
 * and {@code auto} falls back to the CPU with exactly one warning that carries them.
 */
class NoGpuTest {

    @Test
    void cudaFailsFastWithTheProbesReasonsAndAutoFallsBackOnce() {
        GpuProbe.Result gpu = GpuProbe.probe();
        assumeFalse(gpu.available(), "a GPU is usable here (" + gpu.device() + "): CudaBackendTest covers it");
        assertFalse(gpu.reasons().isEmpty(), "an unavailable GPU must come with reasons");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.open(BackendChoice.CUDA));
        for (String reason : gpu.reasons()) {
            assertTrue(e.getMessage().contains(reason), e.getMessage() + " should name: " + reason);
        }
        List<String> warnings = new ArrayList<>();
        try (Backend b = Backends.open(BackendChoice.AUTO, warnings::add)) {
            assertEquals("cpu", b.name());
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains(gpu.reasons().getFirst()), warnings.getFirst());
    }
}
