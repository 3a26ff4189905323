package dev.topiary.backend.cpu;

import dev.topiary.backend.Philox;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Selection of the {@code k} eligible entries of a mask with the smallest unsigned 32-bit keys, ties to the lower flat
 * index, by radix select rather than sorting. Selected entries have their mask flipped: cleared when pruning
 * (eligible = active), set when growing (eligible = inactive).
 *
 * <p>Pass 1 (parallel, fixed chunks) histograms the top 12 bits of the eligible keys per chunk, which also counts
 * them; the bucket holding the k-th key follows from the merged histogram. Pass 2 (parallel) flips every eligible entry
 * below that bucket and gathers the entries inside it, in index order. Two serial 10-bit passes over those
 * candidates find the exact threshold key T: entries below T are flipped, then the lowest-index entries equal to T
 * until exactly k. Only integer counts are merged, so the result is the same for every thread count.
 *
 * <p>Keys are ordered so that "smallest first" is the selection order: for pruning the bits of |w| plus one (NaN maps
 * to 0, below every number, so NaN weights are pruned first); for growing by magnitude the distance of |s| below +∞
 * (largest first, NaN last); for random growth the raw Philox word. Magnitude keys are recomputed from the floats in
 * each pass (cheaper than storing them); Philox keys are generated once into scratch.
 *
 * <p>Scratch is sized on first use for a given size and reused afterwards. One selection runs at a time (callers
 * synchronise).
 */
final class RadixSelect {
    /** Kinds of key and eligibility. */
    enum Kind {
        /** |values| ascending among active entries; selected entries are cleared. */
        SMALLEST_ABS,
        /** |scores| descending among inactive entries; selected entries are set. */
        LARGEST_ABS,
        /** Philox words ascending among inactive entries; selected entries are set. */
        PHILOX_INACTIVE,
        /** Philox words ascending among all entries, after clearing the whole mask; selected entries are set. */
        PHILOX_ALL
    }

    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(IS.length() * Byte.SIZE));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int LANES = IS.length();
    /** Entries per task: large enough that per-chunk histograms stay cheap to merge, small enough to balance. */
    static final int CHUNK = 1 << 16;
    private static final int TOP_SHIFT = 20;
    private static final int TOP_BINS = 1 << (32 - TOP_SHIFT);
    private static final int LOW_BITS = 10;
    private static final int LOW_BINS = 1 << LOW_BITS;
    private static final int NAN_BITS = 0x7F800000;
    /** Keys staged per chunk between vector compaction and the scalar histogram (plus one vector of slack). */
    private static final int STAGE = 256;
    /** Length of one staging area: keys in the first, indices in the second. */
    private static final int STAGE_SPAN = STAGE + IntVector.SPECIES_PREFERRED.length();

    private final CpuBackend backend;
    private final IntConsumer keyPass = this::histogramChunk;
    private final IntConsumer markPass = this::markChunk;
    private final int[] total = new int[TOP_BINS];
    private final int[] lowHist = new int[LOW_BINS];

    private Kind kind;
    private MemorySegment src;
    private MemorySegment mask;
    private int n;
    private long seed;
    private long stream;
    private int bucket;

    private int[] keys = new int[0];
    private int[][] hist = new int[0][];
    private int[][] stage = new int[0][];
    private int[] candOffset = new int[0];
    private int[] candIdx = new int[0];
    private int[] candKey = new int[0];

    RadixSelect(CpuBackend backend) {
        this.backend = backend;
    }

    /**
     * Pass 1: histograms the keys of the eligible entries among {@code n} ({@code src} holds the F32 values or scores;
     * null for Philox kinds) and returns how many are eligible. Must be followed by {@link #select}.
     */
    long prepare(Kind kind, MemorySegment src, MemorySegment mask, int n, long seed, long stream) {
        this.kind = kind;
        this.src = src;
        this.mask = mask;
        this.n = n;
        this.seed = seed;
        this.stream = stream;
        int chunks = chunks(n);
        ensureScratch(n, chunks);
        backend.pool().run(chunks, keyPass);
        long eligible = 0;
        for (int c = 0; c < chunks; c++) {
            for (int h : hist[c]) {
                eligible += h;
            }
        }
        return eligible;
    }

    /** Pass 2 and the refinement: flips exactly {@code k} eligible entries (k ≤ the count {@link #prepare} gave). */
    void select(int k) {
        if (k > 0) {
            int chunks = chunks(n);
            int below = findBucket(chunks, k);
            int candidates = 0;
            for (int c = 0; c < chunks; c++) {
                candOffset[c] = candidates;
                candidates += hist[c][bucket];
            }
            if (candIdx.length < candidates) {
                candIdx = new int[Math.max(candidates, candIdx.length * 2)];
                candKey = new int[candIdx.length];
            }
            backend.pool().run(chunks, markPass);
            refine(candidates, k - below);
        }
        src = null;
        mask = null;
    }

    /** Merges the chunk histograms, sets {@link #bucket} to the one holding the k-th key, returns the count below. */
    private int findBucket(int chunks, int k) {
        Arrays.fill(total, 0);
        for (int c = 0; c < chunks; c++) {
            int[] h = hist[c];
            for (int b = 0; b < TOP_BINS; b++) {
                total[b] += h[b];
            }
        }
        int below = 0;
        int b = 0;
        while (below + total[b] < k) {
            below += total[b];
            b++;
        }
        bucket = b;
        return below;
    }

    private static int chunks(int n) {
        return Math.max(1, (n + CHUNK - 1) / CHUNK);
    }

    private void ensureScratch(int n, int chunks) {
        boolean philox = kind == Kind.PHILOX_INACTIVE || kind == Kind.PHILOX_ALL;
        if (philox && keys.length < n) {
            keys = new int[n];
        }
        if (hist.length < chunks) {
            int[][] grownHist = Arrays.copyOf(hist, chunks);
            int[][] grownStage = Arrays.copyOf(stage, chunks);
            for (int c = hist.length; c < chunks; c++) {
                grownHist[c] = new int[TOP_BINS];
                grownStage[c] = new int[2 * STAGE_SPAN];
            }
            hist = grownHist;
            stage = grownStage;
            candOffset = new int[chunks];
        }
    }

    /** Pass 1 on one chunk: eligible keys are compacted by vector, then counted by a scalar loop. */
    private void histogramChunk(int c) {
        int lo = c * CHUNK;
        int hi = Math.min(n, lo + CHUNK);
        int[] h = hist[c];
        int[] staged = stage[c];
        Arrays.fill(h, 0);
        Kind kind = this.kind;
        MemorySegment mask = this.mask;
        if (kind == Kind.PHILOX_INACTIVE || kind == Kind.PHILOX_ALL) {
            PhiloxLanes.words(seed, stream, lo, keys, lo, hi - lo);
            if (kind == Kind.PHILOX_ALL) {
                mask.asSlice(lo, hi - lo).fill((byte) 0);
            }
        }
        // Locals, not fields, in the loops: stores through segments may alias the heap as far as the JIT knows.
        MemorySegment src = this.src;
        int[] keys = this.keys;
        int pending = 0;
        for (int i = lo; i < hi; i += LANES) {
            // Full vectors pass null lanes (unmasked memory access, much faster); only the tail is masked.
            VectorMask<Integer> lanes = hi - i >= LANES ? null : IS.indexInRange(i, hi);
            VectorMask<Integer> eligible = eligible(kind, maskBytes(mask, i, lanes), lanes);
            IntVector key = keys(kind, src, keys, i, lanes);
            key.compress(eligible).intoArray(staged, pending);
            pending += eligible.trueCount();
            if (pending >= STAGE) {
                count(staged, pending, h);
                pending = 0;
            }
        }
        count(staged, pending, h);
    }

    private static void count(int[] staged, int length, int[] h) {
        for (int j = 0; j < length; j++) {
            h[staged[j] >>> TOP_SHIFT]++;
        }
    }

    /** Mask bytes of lanes {@code i ..}; {@code lanes} null means a full vector, else the lanes in range. */
    private static ByteVector maskBytes(MemorySegment mask, int i, VectorMask<Integer> lanes) {
        return lanes == null ? ByteVector.fromMemorySegment(BS, mask, i, NATIVE)
                : ByteVector.fromMemorySegment(BS, mask, i, NATIVE, lanes.cast(BS));
    }

    private static void storeMaskBytes(ByteVector bytes, MemorySegment mask, int i, VectorMask<Integer> lanes) {
        if (lanes == null) {
            bytes.intoMemorySegment(mask, i, NATIVE);
        } else {
            bytes.intoMemorySegment(mask, i, NATIVE, lanes.cast(BS));
        }
    }

    private static VectorMask<Integer> eligible(Kind kind, ByteVector maskBytes, VectorMask<Integer> lanes) {
        VectorMask<Byte> active = maskBytes.compare(VectorOperators.NE, 0);
        VectorMask<Integer> eligible = (kind == Kind.SMALLEST_ABS ? active : active.not()).cast(IS);
        return lanes == null ? eligible : eligible.and(lanes);
    }

    /** The keys of lanes {@code i ..}: computed from the floats, or read from the Philox scratch. */
    private static IntVector keys(Kind kind, MemorySegment src, int[] keys, int i, VectorMask<Integer> lanes) {
        if (kind == Kind.PHILOX_INACTIVE || kind == Kind.PHILOX_ALL) {
            return lanes == null ? IntVector.fromArray(IS, keys, i) : IntVector.fromArray(IS, keys, i, lanes);
        }
        long at = (long) i * Float.BYTES;
        FloatVector x = lanes == null ? FloatVector.fromMemorySegment(FS, src, at, NATIVE)
                : FloatVector.fromMemorySegment(FS, src, at, NATIVE, lanes.cast(FS));
        IntVector bits = x.reinterpretAsInts().and(0x7FFFFFFF);
        VectorMask<Integer> nan = bits.compare(VectorOperators.GT, NAN_BITS);
        if (kind == Kind.SMALLEST_ABS) {
            return bits.add(1).blend(0, nan);
        }
        return IntVector.broadcast(IS, NAN_BITS).sub(bits).blend(NAN_BITS + 1, nan);
    }

    /** Pass 2 on one chunk: flips eligible entries below the bucket and stages those inside it as candidates. */
    private void markChunk(int c) {
        int lo = c * CHUNK;
        int hi = Math.min(n, lo + CHUNK);
        Kind kind = this.kind;
        MemorySegment src = this.src;
        MemorySegment mask = this.mask;
        int[] keys = this.keys;
        int[] staged = stage[c];
        int bucket = this.bucket;
        int pending = 0;
        byte flipped = (byte) (kind == Kind.SMALLEST_ABS ? 0 : 1);
        IntVector iota = IntVector.zero(IS).addIndex(1);
        int out = candOffset[c];
        for (int i = lo; i < hi; i += LANES) {
            VectorMask<Integer> lanes = hi - i >= LANES ? null : IS.indexInRange(i, hi);
            ByteVector bytes = maskBytes(mask, i, lanes);
            VectorMask<Integer> eligible = eligible(kind, bytes, lanes);
            IntVector key = keys(kind, src, keys, i, lanes);
            IntVector digit = key.lanewise(VectorOperators.LSHR, TOP_SHIFT);
            VectorMask<Integer> below = digit.compare(VectorOperators.LT, bucket).and(eligible);
            storeMaskBytes(bytes.blend(flipped, below.cast(BS)), mask, i, lanes);
            VectorMask<Integer> inBucket = digit.compare(VectorOperators.EQ, bucket).and(eligible);
            if (inBucket.anyTrue()) {
                // Staged, then copied in runs: a copy per vector would cost more than the vector work.
                key.compress(inBucket).intoArray(staged, pending);
                iota.add(i).compress(inBucket).intoArray(staged, STAGE_SPAN + pending);
                pending += inBucket.trueCount();
                if (pending >= STAGE) {
                    out = flushCandidates(staged, pending, out);
                    pending = 0;
                }
            }
        }
        flushCandidates(staged, pending, out);
    }

    private int flushCandidates(int[] staged, int count, int out) {
        System.arraycopy(staged, 0, candKey, out, count);
        System.arraycopy(staged, STAGE_SPAN, candIdx, out, count);
        return out + count;
    }

    /**
     * Narrows the candidates (all in the threshold's top bucket, in index order) by the two lower 10-bit digits,
     * flipping those below the threshold at each level, then takes the first {@code need} equal to it.
     */
    private void refine(int count, int need) {
        byte flipped = (byte) (kind == Kind.SMALLEST_ABS ? 0 : 1);
        for (int shift = LOW_BITS; shift >= 0; shift -= LOW_BITS) {
            Arrays.fill(lowHist, 0);
            for (int j = 0; j < count; j++) {
                lowHist[(candKey[j] >>> shift) & (LOW_BINS - 1)]++;
            }
            int below = 0;
            int b = 0;
            while (below + lowHist[b] < need) {
                below += lowHist[b];
                b++;
            }
            need -= below;
            int kept = 0;
            for (int j = 0; j < count; j++) {
                int digit = (candKey[j] >>> shift) & (LOW_BINS - 1);
                if (digit < b) {
                    mask.set(ValueLayout.JAVA_BYTE, candIdx[j], flipped);
                } else if (digit == b) {
                    candIdx[kept] = candIdx[j];
                    candKey[kept] = candKey[j];
                    kept++;
                }
            }
            count = kept;
        }
        for (int j = 0; j < need; j++) {
            mask.set(ValueLayout.JAVA_BYTE, candIdx[j], flipped);
        }
    }
}
