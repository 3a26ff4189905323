package dev.topiary.rl.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which slots start a valid window, worked by hand for H = 2 in a ring of 12 slots. */
class SlotBookTest {

    private static void episode(SlotBook book, int length, boolean terminated, float reward) {
        for (int t = 0; t < length; t++) {
            book.writeTransition(reward);
        }
        book.writeFinal(terminated);
    }

    private static byte[] valid(int... slots) {
        byte[] v = new byte[12];
        for (int s : slots) {
            v[s] = 1;
        }
        return v;
    }

    @Test
    void terminatedEpisodesKeepTheirLastWindowsAndTruncatedOnesLoseThem() {
        SlotBook book = new SlotBook(12, 2);
        // Episode A, 4 transitions in slots 0-3 then terminated (final observation in slot 4).
        // Writing slot 2 completes start 0 (observations 0..2), slot 3 completes start 1; the termination makes
        // starts 2 and 3 valid too (their windows run past the terminal step, which not-done masks).
        episode(book, 4, true, 1f);
        assertArrayEquals(valid(0, 1, 2, 3), book.valid);
        assertTrue(book.seenTerminal);
        // Episode B, 3 transitions in slots 5-7 then truncated (final observation in slot 8). Slot 7 completes
        // start 5; starts 6 and 7 would contain the cut transition 7, so MR.Q never samples them.
        episode(book, 3, false, 2f);
        assertArrayEquals(valid(0, 1, 2, 3, 5), book.valid);
        assertEquals(7, book.transitions);
        assertEquals(5, book.validCount);
        assertEquals((4 * 1 + 3 * 2) / 7.0, book.meanAbsReward(), 1e-12);
    }

    @Test
    void theRingOverwritesTheOldestSlotsAndTheirStarts() {
        SlotBook book = new SlotBook(12, 2);
        episode(book, 4, true, 1f);
        episode(book, 3, false, 1f);
        // Episode C runs through slots 9, 10, 11, 0, 1: writing slot 0 and 1 invalidates starts 0 and 1 (their data
        // is gone); slot 11 completes start 9, slot 0 start 10, slot 1 start 11.
        for (int t = 0; t < 5; t++) {
            book.writeTransition(3f);
        }
        assertArrayEquals(valid(2, 3, 5, 9, 10, 11), book.valid);
        assertEquals(2, book.next);
        assertEquals(4 + 3 + 5 - 2, book.transitions, "two transitions of episode A were overwritten");
        // Terminating C puts its final observation in slot 2 (removing start 2), and validates starts 0 and 1.
        book.writeFinal(true);
        assertArrayEquals(valid(0, 1, 3, 5, 9, 10, 11), book.valid);
        assertEquals(1, book.kind[0]);
        assertEquals(SlotBook.FINAL_OBSERVATION, book.kind[2]);
    }

    @Test
    void shortEpisodesAndValidityRebuiltFromLeaves() {
        SlotBook book = new SlotBook(12, 2);
        // One transition then truncated: nothing valid. One transition then terminated: its start is valid.
        episode(book, 1, false, 1f);
        assertEquals(0, book.validCount);
        episode(book, 1, true, 1f);
        assertArrayEquals(valid(2), book.valid);
        float[] leaves = new float[12];
        leaves[2] = 1.5f;
        leaves[7] = 1f;
        book.restoreValidity(leaves);
        assertArrayEquals(valid(2, 7), book.valid);
        assertEquals(2, book.validCount);
        assertFalse(book.valid[0] != 0);
    }
}
