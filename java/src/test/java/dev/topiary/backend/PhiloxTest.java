package dev.topiary.backend;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Philox4x32-10 against the known-answer vectors of the Random123 distribution ({@code kat_vectors}), with our
 * counter layout: (c0, c1) = block low, high; (c2, c3) = stream low, high; key (k0, k1) = seed low, high.
 */
class PhiloxTest {

    private static int[] kat(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        long block = (c0 & 0xFFFFFFFFL) | ((long) c1 << 32);
        long stream = (c2 & 0xFFFFFFFFL) | ((long) c3 << 32);
        long seed = (k0 & 0xFFFFFFFFL) | ((long) k1 << 32);
        Philox.block(seed, stream, block, out);
        return out;
    }

    @Test
    void knownAnswerVectors() {
        assertArrayEquals(new int[]{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, kat(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[]{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                kat(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[]{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                kat(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void wordIsElementIModFourOfBlockIOverFour() {
        int[] block = new int[4];
        Philox.block(7, 9, 5, block);
        for (int w = 0; w < 4; w++) {
            assertEquals(block[w] & 0xFFFFFFFFL, Philox.word(7, 9, 20 + w));
        }
    }

    @Test
    void bulkWordsMatchSingleWordsAcrossBlockBoundaries() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 50; trial++) {
            long seed = r.nextLong();
            long stream = r.nextLong();
            long first = r.nextLong(1L << 40);
            int len = r.nextInt(13);
            int[] dst = new int[len + 3];
            Philox.words(seed, stream, first, dst, 3, len);
            for (int j = 0; j < len; j++) {
                assertEquals(Philox.word(seed, stream, first + j), dst[3 + j] & 0xFFFFFFFFL);
            }
            int[] pairs = new int[2 * len];
            Philox.normalWords(seed, stream, first, pairs, 0, len);
            for (int j = 0; j < len; j++) {
                assertEquals(Philox.normal(seed, stream, first + j), Philox.boxMuller(pairs[2 * j], pairs[2 * j + 1]));
            }
        }
    }

    @Test
    void conversionsStayInsideTheirIntervals() {
        assertEquals(0f, Philox.toUniform(0));
        assertTrue(Philox.toUniform(0xFFFFFFFFL) < 1f);
        assertTrue(Philox.toOpenUniform(0) > 0);
        assertTrue(Philox.toOpenUniform(0xFFFFFFFFL) < 1.0);
        assertTrue(Double.isFinite(Philox.boxMuller(0, 0)));
        assertEquals(0, Philox.below(3, 4, 5, 1));
        for (int i = 0; i < 1000; i++) {
            int x = Philox.below(3, 4, i, 7);
            assertTrue(x >= 0 && x < 7);
        }
    }

    @Test
    void streamsAndSeedsGiveDifferentNumbers() {
        assertTrue(Philox.word(1, 0, 0) != Philox.word(1, 1, 0));
        assertTrue(Philox.word(1, 0, 0) != Philox.word(2, 0, 0));
        assertTrue(Philox.word(1, 0, 0) != Philox.word(1, 0, 1));
    }
}
