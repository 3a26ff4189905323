package dev.topiary.rl.mrq;

import dev.topiary.backend.kernel.Device;
import dev.topiary.backend.kernel.EmuDevice;
import dev.topiary.backend.kernel.Kernel;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.backend.kernel.Launch;
import dev.topiary.env.Box;
import dev.topiary.rl.ActionCodec;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device memory stays flat over a long run: after a warm-up that reaches every code path (encoder bursts at each
 * target period, value and policy steps, LAP priorities, RigL topology updates of the critic, replay inserts),
 * further MR.Q training calls allocate and free nothing on the device. Counted at the {@link Device} boundary, where
 * the CUDA backend's pool takes its memory from the driver, on the emulated kernels CI runs.
 */
class DeviceMemoryFlatTest {

    /** A {@link Device} that counts allocations, frees and live bytes on the way to the real one. */
    static final class CountingDevice implements Device {
        private final Device inner;
        private final java.util.Map<Long, Long> live = new java.util.HashMap<>();
        long allocs;
        long frees;
        long liveBytes;

        CountingDevice(Device inner) {
            this.inner = inner;
        }

        @Override
        public String description() {
            return "counting " + inner.description();
        }

        @Override
        public long alloc(long bytes) {
            long p = inner.alloc(bytes);
            allocs++;
            liveBytes += bytes;
            live.put(p, bytes);
            return p;
        }

        @Override
        public void free(long ptr) {
            frees++;
            liveBytes -= live.remove(ptr);
            inner.free(ptr);
        }

        @Override
        public void copyToDevice(MemorySegment host, long dst, long bytes) {
            inner.copyToDevice(host, dst, bytes);
        }

        @Override
        public void copyToHost(long src, MemorySegment host, long bytes) {
            inner.copyToHost(src, host, bytes);
        }

        @Override
        public void copyOnDevice(long src, long dst, long bytes) {
            inner.copyOnDevice(src, dst, bytes);
        }

        @Override
        public void memsetZero(long ptr, long bytes) {
            inner.memsetZero(ptr, bytes);
        }

        @Override
        public void launch(Kernel kernel, Launch launch, Object... args) {
            inner.launch(kernel, launch, args);
        }

        @Override
        public void sync() {
            inner.sync();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void mrqTrainingCallsAllocateNothingOnTheDeviceAfterWarmUp() {
        Path lib = EmuDevice.configuredLibrary();
        assertNotNull(lib, "the build sets -D" + EmuDevice.LIBRARY_PROPERTY + "; run this test through Maven");
        CountingDevice device = new CountingDevice(EmuDevice.open(lib));
        // RigL every 4 critic steps until 0.75 T, so topology updates keep happening in the measured window.
        RegimePlan plan = new RegimePlan("mst-fast", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 4, 0.3, 0.75),
                RegimeConfig.staticSparse(0.6));
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(1.0 / 32)
                .withGeneric(new MrqHyperParameters.Generic(8, 1000, 0.99, 5));
        ActionCodec codec = new ActionCodec(Box.uniform(-1, 1, 2));
        try (KernelBackend b = new KernelBackend("counted", device, 64, 0.3);
             MrqAgent agent = new MrqAgent(b, 5, codec, hp, plan, 120, 400, 17)) {
            SplittableRandom rng = new SplittableRandom(5);
            double[] obs = rng.doubles(5, -1, 1).toArray();
            for (int t = 0; t < 40; t++) {
                obs = observe(agent, rng, obs, t);
            }
            for (int t = 0; t < 30; t++) {
                obs = observe(agent, rng, obs, 40 + t);
                agent.train();
            }
            b.sync();
            long allocs = device.allocs;
            long frees = device.frees;
            long bytes = device.liveBytes;
            assertTrue(allocs > 0 && bytes > 0, "the agent's memory came through the counting device");
            java.util.List<Object> updatesBefore = agent.modules().stream().map(m -> (Object) m.lastUpdate()).toList();
            for (int t = 0; t < 40; t++) {
                obs = observe(agent, rng, obs, 70 + t);
                agent.train();
                agent.metrics();
            }
            b.sync();
            java.util.List<Object> updatesAfter = agent.modules().stream().map(m -> (Object) m.lastUpdate()).toList();
            boolean updated = false;
            for (int i = 0; i < updatesAfter.size(); i++) {
                updated |= updatesAfter.get(i) != null && updatesAfter.get(i) != updatesBefore.get(i);
            }
            assertTrue(updated, "RigL updated the critic's topology in the measured window");
            assertEquals(allocs, device.allocs, "device allocations during 40 training calls after the warm-up");
            assertEquals(frees, device.frees, "device frees during 40 training calls after the warm-up");
            assertEquals(bytes, device.liveBytes, "live device bytes");
        }
    }

    private static double[] observe(MrqAgent agent, SplittableRandom rng, double[] obs, int t) {
        double[] action = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
        double[] next = rng.doubles(5, -1, 1).toArray();
        boolean end = t % 25 == 24;
        agent.observe(obs, action, rng.nextDouble(-1, 1), next, false, end);
        return end ? rng.doubles(5, -1, 1).toArray() : next;
    }
}
