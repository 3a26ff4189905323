package dev.topiary.env;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpointable generator: published reference values, restore, named streams. */
class RngTest {

    @Test
    void seedingUsesSplitMix64() {
        // SplitMix64 from state 0 produces 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, ...
        long[] s = Rng.seeded(0).state();
        assertEquals(0xE220A8397B1DCDAFL, s[0]);
        assertEquals(0x6E789E6AA1B965F4L, s[1]);
        assertEquals(0x06C45D188009454FL, s[2]);
    }

    @Test
    void xoshiro256StarStarByHand() {
        // State (1, 2, 3, 4): out = rotl(2·5, 7)·9 = 1280·9 = 11520. Update: t = 2 << 17; s2 = 3^1 = 2; s3 = 4^2 = 6;
        // s1 = 2^2 = 0; s0 = 1^6 = 7; s2 = 2 ^ 262144 = 262146; s3 = rotl(6, 45) = 6·2^45.
        // Next out = rotl(0·5, 7)·9 = 0. Update: s2 = 262146^7 = 262149; s1 = 0^262149 = 262149; ...
        // Third out = rotl(262149·5, 7)·9 = 1310745·128·9 = 1509978240.
        Rng r = Rng.fromState(new long[]{1, 2, 3, 4});
        assertEquals(11520L, r.nextLong());
        assertArrayEquals(new long[]{7, 0, 262146, 6L << 45}, r.state());
        assertEquals(0L, r.nextLong());
        assertEquals(1509978240L, r.nextLong());
    }

    @Test
    void restoredGeneratorContinuesIdentically() {
        Rng a = Rng.seeded(42);
        for (int i = 0; i < 17; i++) {
            a.nextDouble();
        }
        Rng b = Rng.fromState(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertThrows(IllegalArgumentException.class, () -> b.restore(new long[4]));
        assertThrows(IllegalArgumentException.class, () -> b.restore(new long[3]));
    }

    @Test
    void namedStreamsDifferAndRepeat() {
        assertEquals(Rng.derive(7, "env.reset").nextLong(), Rng.derive(7, "env.reset").nextLong());
        assertNotEquals(Rng.derive(7, "env.reset").nextLong(), Rng.derive(7, "buffer.sample").nextLong());
        assertNotEquals(Rng.derive(7, "env.reset").nextLong(), Rng.derive(8, "env.reset").nextLong());
    }

    @Test
    void drawsStayInRangeAndLookUniform() {
        Rng r = Rng.seeded(1);
        int[] counts = new int[6];
        double sum = 0;
        double sumSq = 0;
        int n = 60_000;
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            assertTrue(u >= 0 && u < 1);
            counts[r.nextInt(6)]++;
            double z = r.normal();
            sum += z;
            sumSq += z * z;
        }
        for (int c : counts) {
            assertEquals(n / 6.0, c, 5 * Math.sqrt(n / 6.0));
        }
        assertEquals(0, sum / n, 0.03);
        assertEquals(1, sumSq / n, 0.03);
    }
}
