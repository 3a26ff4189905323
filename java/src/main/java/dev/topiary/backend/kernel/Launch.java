package dev.topiary.backend.kernel;

/** A launch configuration: grid and block dimensions and dynamic shared memory in bytes. */
public record Launch(int gx, int gy, int gz, int bx, int by, int bz, long sharedBytes) {

    /** A one-dimensional launch covering {@code n} threads with blocks of {@code block} threads. */
    public static Launch cover(long n, int block) {
        long blocks = Math.max(1, (n + block - 1) / block);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " threads do not fit in a one-dimensional grid");
        }
        return new Launch((int) blocks, 1, 1, block, 1, 1, 0);
    }

    public static Launch grid(int gx, int gy, int bx, int by, long sharedBytes) {
        return new Launch(gx, gy, 1, bx, by, 1, sharedBytes);
    }

    public Launch withShared(long bytes) {
        return new Launch(gx, gy, gz, bx, by, bz, bytes);
    }

    @Override
    public String toString() {
        return "grid (" + gx + "," + gy + "," + gz + ") block (" + bx + "," + by + "," + bz + ") shared " + sharedBytes;
    }
}
