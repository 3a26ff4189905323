package dev.topiary.backend.cpu;

import dev.topiary.backend.Philox;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The vectorised Philox must produce exactly the scalar words, at every alignment and length. */
class PhiloxLanesTest {

    @Test
    void wordsEqualTheScalarGeneratorAtEveryAlignment() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            long seed = r.nextLong();
            long stream = r.nextLong();
            long first = trial < 100 ? trial : r.nextLong(1L << 62);
            int len = r.nextInt(trial < 200 ? 80 : 5000);
            int[] expected = new int[len + 2];
            int[] actual = new int[len + 2];
            Philox.words(seed, stream, first, expected, 2, len);
            PhiloxLanes.words(seed, stream, first, actual, 2, len);
            assertArrayEquals(expected, actual, "first " + first + " len " + len);
        }
    }

    @Test
    void normalWordsEqualTheScalarGenerator() {
        SplittableRandom r = new SplittableRandom(6);
        for (int trial = 0; trial < 100; trial++) {
            long seed = r.nextLong();
            long stream = r.nextLong();
            long first = r.nextLong();
            int count = r.nextInt(100);
            int[] expected = new int[2 * count + 1];
            int[] actual = new int[2 * count + 1];
            Philox.normalWords(seed, stream, first, expected, 1, count);
            PhiloxLanes.normalWords(seed, stream, first, actual, 1, count);
            assertArrayEquals(expected, actual, "first " + first + " count " + count);
        }
    }
}
