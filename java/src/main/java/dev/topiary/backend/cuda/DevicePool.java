package dev.topiary.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

/**
 * A caching device allocator: freed blocks go to a free list per size class and are handed out again, so a training
 * loop that frees and reallocates the same shapes stops calling the driver (whose allocations synchronise the
 * device). Sizes round up to 512 bytes below 1 MiB and to 1 MiB above.
 */
final class DevicePool {
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Map<Long, Long> sizeOf = new HashMap<>();
    private long driverAllocations;

    synchronized long take(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<Long> list = free.get(size);
        if (list != null && !list.isEmpty()) {
            return list.pop();
        }
        DevicePointer p = new DevicePointer();
        cuMemAlloc(p, size);
        driverAllocations++;
        long a = p.address();
        sizeOf.put(a, size);
        return a;
    }

    synchronized void give(long address) {
        Long size = sizeOf.get(address);
        if (size == null) {
            throw new IllegalArgumentException("device address 0x" + Long.toHexString(address)
                    + " was not allocated by this pool");
        }
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    }

    synchronized long driverAllocations() {
        return driverAllocations;
    }

    synchronized void close() {
        for (long a : sizeOf.keySet()) {
            cuMemFree(DevicePointer.at(a));
        }
        sizeOf.clear();
        free.clear();
    }

    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 1);
        long unit = b < (1L << 20) ? 512 : (1L << 20);
        return (b + unit - 1) / unit * unit;
    }
}
