package dev.topiary.backend.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The project's CUDA kernels compiled with g++ against the CUDA execution-model emulation ({@code native/emu}) and
 * called through FFM: the device CI has. Memory is {@code malloc}'d by the library itself, so an AddressSanitizer
 * build sees every out-of-bounds access exactly at the allocation's edge. Launches run synchronously on the calling
 * thread.
 */
public final class EmuDevice implements Device {
    /** System property naming the emulated-kernel library; the build sets it for the tests. */
    public static final String LIBRARY_PROPERTY = "topiary.emu.lib";

    private static final Linker LINKER = Linker.nativeLinker();

    private final Path library;
    private final SymbolLookup lookup;
    private final MethodHandle lastError;
    /**
     * The library's malloc and free: FFM's default lookup would bind libc's own, bypassing a preloaded
     * AddressSanitizer runtime, which then could not see the edges of device buffers.
     */
    private final MethodHandle deviceAlloc;
    private final MethodHandle deviceFree;
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    private EmuDevice(Path library) {
        this.library = library;
        this.lookup = SymbolLookup.libraryLookup(library, Arena.global());
        this.lastError = LINKER.downcallHandle(lookup.findOrThrow("emu_last_error"),
                FunctionDescriptor.of(ValueLayout.ADDRESS));
        this.deviceAlloc = LINKER.downcallHandle(lookup.findOrThrow("emu_device_alloc"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        this.deviceFree = LINKER.downcallHandle(lookup.findOrThrow("emu_device_free"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** Opens the emulated kernels at {@code library}, with a message saying how to build them when missing. */
    public static EmuDevice open(Path library) {
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException("emulated kernels not found at " + library + "; build them with "
                    + "'./mvnw -B -DskipTests package' (needs g++ 12 or newer) or set -D" + LIBRARY_PROPERTY);
        }
        return new EmuDevice(library);
    }

    /** The library named by {@value #LIBRARY_PROPERTY}, or null when the property is unset. */
    public static Path configuredLibrary() {
        String p = System.getProperty(LIBRARY_PROPERTY);
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    @Override
    public String description() {
        return "emulated kernels (" + library.getFileName() + ", CUDA execution model on the CPU)";
    }

    @Override
    public long alloc(long bytes) {
        try {
            MemorySegment p = (MemorySegment) deviceAlloc.invokeExact(bytes);
            if (p.address() == 0) {
                throw new OutOfMemoryError("malloc(" + bytes + ") failed for an emulated device buffer");
            }
            memsetZero(p.address(), bytes);
            return p.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void free(long ptr) {
        try {
            deviceFree.invokeExact(MemorySegment.ofAddress(ptr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void copyToDevice(MemorySegment host, long dst, long bytes) {
        MemorySegment.copy(host, 0, view(dst, bytes), 0, bytes);
    }

    @Override
    public void copyToHost(long src, MemorySegment host, long bytes) {
        MemorySegment.copy(view(src, bytes), 0, host, 0, bytes);
    }

    @Override
    public void copyOnDevice(long src, long dst, long bytes) {
        MemorySegment.copy(view(src, bytes), 0, view(dst, bytes), 0, bytes);
    }

    @Override
    public void memsetZero(long ptr, long bytes) {
        view(ptr, bytes).fill((byte) 0);
    }

    @Override
    public void launch(Kernel kernel, Launch l, Object... args) {
        if (args.length != kernel.args().size()) {
            throw new IllegalArgumentException("kernel " + kernel.name() + " takes " + kernel.args().size()
                    + " arguments but " + args.length + " were given");
        }
        MethodHandle h = handles.computeIfAbsent(kernel.name(), n -> bind(kernel));
        List<Object> call = new ArrayList<>(7 + args.length);
        call.add(l.gx());
        call.add(l.gy());
        call.add(l.gz());
        call.add(l.bx());
        call.add(l.by());
        call.add(l.bz());
        call.add(l.sharedBytes());
        for (int i = 0; i < args.length; i++) {
            call.add(kernel.args().get(i) == ArgType.PTR ? MemorySegment.ofAddress((Long) args[i]) : args[i]);
        }
        int status;
        synchronized (this) {
            try {
                status = (int) h.invokeWithArguments(call);
            } catch (Throwable t) {
                throw new IllegalStateException("emulated launch of " + kernel.name() + " (" + l + ") failed: " + t, t);
            }
            if (status != 0) {
                throw new IllegalStateException("kernel " + kernel.name() + " (" + l + ") failed under emulation: "
                        + errorMessage());
            }
        }
    }

    @Override
    public void sync() {
        // Launches finish before they return.
    }

    @Override
    public void close() {
        handles.clear();
    }

    /** Every kernel the library exports, by name, with its parameter signature (see {@link #signature(Kernel)}). */
    public Map<String, String> exportedKernels() {
        try {
            MethodHandle count = LINKER.downcallHandle(lookup.findOrThrow("emu_kernel_count"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle name = LINKER.downcallHandle(lookup.findOrThrow("emu_kernel_name"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            Map<String, String> out = new java.util.TreeMap<>();
            int n = (int) count.invokeExact();
            for (int i = 0; i < n; i++) {
                String k = ((MemorySegment) name.invokeExact(i)).reinterpret(4096).getString(0);
                out.put(k, exportedSignature(k));
            }
            return out;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The signature letters of a Java declaration: p pointer, i int, l 64-bit integer, f float, d double. */
    public static String signature(Kernel kernel) {
        StringBuilder sb = new StringBuilder();
        for (ArgType a : kernel.args()) {
            sb.append(switch (a) {
                case PTR -> 'p';
                case I32 -> 'i';
                case I64 -> 'l';
                case F32 -> 'f';
                case F64 -> 'd';
            });
        }
        return sb.toString();
    }

    private String exportedSignature(String kernel) throws Throwable {
        MethodHandle sig = LINKER.downcallHandle(lookup.findOrThrow("emu_kernel_signature"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = (MemorySegment) sig.invokeExact(a.allocateFrom(kernel));
            return s.address() == 0 ? null : s.reinterpret(4096).getString(0);
        }
    }

    private MethodHandle bind(Kernel kernel) {
        MemorySegment sym = lookup.find("emu_launch_" + kernel.name()).orElseThrow(() -> new IllegalStateException(
                "kernel " + kernel.name() + " is not in " + library + "; was its .cu file built into the emulator?"));
        String exported;
        try {
            exported = exportedSignature(kernel.name());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (!signature(kernel).equals(exported)) {
            // A wrong parameter list would pass garbage to the kernel: refuse before the first launch.
            throw new IllegalStateException("kernel " + kernel.name() + " is declared in Java as (" + signature(kernel)
                    + ") but the .cu file defines (" + exported + "); letters: p pointer, i int, l 64-bit, f float, "
                    + "d double");
        }
        List<MemoryLayout> params = new ArrayList<>(List.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG));
        for (ArgType a : kernel.args()) {
            params.add(switch (a) {
                case PTR -> ValueLayout.ADDRESS;
                case I32 -> ValueLayout.JAVA_INT;
                case I64 -> ValueLayout.JAVA_LONG;
                case F32 -> ValueLayout.JAVA_FLOAT;
                case F64 -> ValueLayout.JAVA_DOUBLE;
            });
        }
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                params.toArray(MemoryLayout[]::new)));
    }

    private String errorMessage() {
        try {
            MemorySegment s = (MemorySegment) lastError.invokeExact();
            return s.address() == 0 ? "(no message)" : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "(emu_last_error failed: " + t + ")";
        }
    }

    private static MemorySegment view(long ptr, long bytes) {
        return MemorySegment.ofAddress(ptr).reinterpret(bytes);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
