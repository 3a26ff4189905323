/* C ABI of an emulated kernel library (libtopiary_emu.so), as bound from Java through FFM.
 *
 * Every kernel family exports, per kernel, one entry point made by EMU_EXPORT_KERNEL
 * (emu_launch.h), shaped like cuLaunchKernel:
 *
 *     int emu_launch_<name>(unsigned gx, unsigned gy, unsigned gz,
 *                           unsigned bx, unsigned by, unsigned bz,
 *                           unsigned long dyn_shmem_bytes, <the kernel's parameters>);
 *
 * It runs the whole grid on the CPU and returns when it has finished: EMU_OK, or one of the
 * codes below with a message from emu_last_error(). A user error never aborts the process. */
#ifndef EMU_ABI_H
#define EMU_ABI_H

#define EMU_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

enum emu_status {
    EMU_OK = 0,
    EMU_ERR_CONFIG = 1,   /* invalid grid, block or shared memory size, or EMU_* variable */
    EMU_ERR_DEADLOCK = 2, /* no thread of a block could make progress */
    EMU_ERR_STRICT = 3,   /* EMU_STRICT=1: a thread exited while others waited at __syncthreads */
    EMU_ERR_RESOURCE = 4  /* fiber stacks, shared memory or worker threads could not be allocated */
};

#define EMU_MAX_BLOCK_THREADS 1024
#define EMU_MAX_DYN_SHMEM (227u * 1024u) /* the sm_90 opt-in maximum per block */

/* The message of the latest failed launch in this process ("" if none). The text stays valid
 * until the next launch fails. One launch runs at a time, so a caller that launches from several
 * threads reads it under the same lock as the launch. */
EMU_API const char* emu_last_error(void);

/* The kernels this library exports, for the Java side's inventory check: their number, the name of the i-th
 * (registration order), and the parameter signature of a kernel by name (one letter per parameter: p pointer,
 * i 32-bit integer, l 64-bit integer, f float, d double), or NULL when no kernel has that name. */
EMU_API int emu_kernel_count(void);
EMU_API const char* emu_kernel_name(int i);
EMU_API const char* emu_kernel_signature(const char* name);

/* malloc and free as this library sees them, for the emulated device's memory. A caller that looked malloc up in
 * libc itself (FFM's default lookup does) would bypass an AddressSanitizer runtime preloaded ahead of libc, and the
 * sanitizer would not see the edges of device buffers. */
EMU_API void* emu_device_alloc(unsigned long bytes);
EMU_API void emu_device_free(void* p);

#ifdef __cplusplus
}
#endif

#endif
