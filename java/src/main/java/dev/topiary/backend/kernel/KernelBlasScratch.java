package dev.topiary.backend.kernel;

/**
 * A device buffer owned by one op family, grown (never shrunk) to the largest request and freed when the backend
 * closes, so repeated calls of the same op allocate nothing.
 */
final class KernelBlasScratch {
    private final Device device;
    private long ptr;
    private long bytes;

    KernelBlasScratch(Device device) {
        this.device = device;
    }

    /** A buffer of at least {@code need} bytes; its contents are unspecified. */
    long ensure(long need) {
        if (need > bytes) {
            release();
            // Grow by at least half again so a slowly rising size does not reallocate on every call.
            long size = Math.max(need, bytes + bytes / 2);
            ptr = device.alloc(size);
            bytes = size;
        }
        return ptr;
    }

    void release() {
        if (ptr != 0) {
            device.sync();
            device.free(ptr);
            ptr = 0;
            bytes = 0;
        }
    }
}
