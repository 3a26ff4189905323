package dev.topiary.rl.replay;

/**
 * The host-side bookkeeping of the ring: what each slot holds, which slots start a valid sub-trajectory, and the
 * changes to the sampling tree each write causes. Pure Java, no backend: the device holds the data and the tree.
 *
 * <p>Slot j holds a transition (s_j, a_j, r_j, notDone_j) whose next observation is in slot j+1; an episode's end
 * writes its final observation into an extra slot. Start s is valid when the H transitions s .. s+H−1 and the
 * observations s .. s+H are one episode's, or when that episode terminated inside the window (later steps are
 * masked by not-done). As in MR.Q, a window that contains a truncated (time-limit) transition is never valid.
 */
final class SlotBook {
    static final byte EMPTY = 0;
    static final byte TRANSITION = 1;
    static final byte FINAL_OBSERVATION = 2;

    final int capacity;
    final int horizon;
    final byte[] kind;
    final byte[] valid;
    final float[] absReward;
    int next;
    int episodeLength;
    long transitions;
    int validCount;
    boolean seenTerminal;

    /** Tree changes of the last write: slot and new validity. */
    final int[] changeSlot;
    final boolean[] changeValid;
    int changes;

    SlotBook(int capacity, int horizon) {
        this.capacity = capacity;
        this.horizon = horizon;
        this.kind = new byte[capacity];
        this.valid = new byte[capacity];
        this.absReward = new float[capacity];
        this.changeSlot = new int[horizon + 2];
        this.changeValid = new boolean[horizon + 2];
    }

    /** Records a transition with reward magnitude {@code absReward}; returns its slot. */
    int writeTransition(float absR) {
        changes = 0;
        int j = next;
        occupy(j, TRANSITION, absR);
        if (episodeLength >= horizon) {
            // Observation j completes the window that starts H slots back.
            setValid(Math.floorMod(j - horizon, capacity), true);
        }
        episodeLength++;
        next = (j + 1) % capacity;
        return j;
    }

    /** Records the final observation of the episode whose last transition was just written; returns its slot. */
    int writeFinal(boolean terminated) {
        changes = 0;
        int p = next;
        occupy(p, FINAL_OBSERVATION, 0f);
        if (terminated) {
            seenTerminal = true;
            // Windows reaching past a terminal transition are masked by not-done, so they are all valid.
            for (int k = 1; k <= Math.min(episodeLength, horizon); k++) {
                setValid(Math.floorMod(p - k, capacity), true);
            }
        }
        episodeLength = 0;
        next = (p + 1) % capacity;
        return p;
    }

    private void occupy(int slot, byte what, float absR) {
        if (valid[slot] != 0) {
            setValid(slot, false);
        }
        if (kind[slot] == TRANSITION) {
            transitions--;
        }
        kind[slot] = what;
        if (what == TRANSITION) {
            transitions++;
        }
        absReward[slot] = absR;
    }

    private void setValid(int slot, boolean v) {
        if ((valid[slot] != 0) == v) {
            return;
        }
        valid[slot] = (byte) (v ? 1 : 0);
        validCount += v ? 1 : -1;
        changeSlot[changes] = slot;
        changeValid[changes] = v;
        changes++;
    }

    /** Mean |r| over the stored transitions, summed in slot order so it is reproducible. */
    double meanAbsReward() {
        double sum = 0;
        for (float r : absReward) {
            sum += r;
        }
        return transitions == 0 ? 0 : sum / transitions;
    }

    /** Rebuilds validity from the sampling tree's leaves (a valid start always has a positive weight). */
    void restoreValidity(float[] leaves) {
        validCount = 0;
        for (int i = 0; i < capacity; i++) {
            valid[i] = (byte) (leaves[i] > 0 ? 1 : 0);
            validCount += valid[i];
        }
        changes = 0;
    }
}
