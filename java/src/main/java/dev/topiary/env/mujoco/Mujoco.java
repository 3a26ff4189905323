package dev.topiary.env.mujoco;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * MuJoCo's C library through FFM: the only class that looks up its symbols. Everything MuJoCo in Topiary goes
 * through {@link #get()} and {@link MjSim}.
 *
 * <p>The library is, in order: the file named by {@code TOPIARY_MUJOCO_LIB} (a MuJoCo 3.x {@code libmujoco.so.3.*},
 * for example the one inside the {@code mujoco} Python package); Debian's {@code libmujoco.so.2.2.2}; any
 * {@code libmujoco.so} on the loader path. Loading checks {@code mj_version()} against a {@link MujocoLayout} for that
 * exact version, so a library and a layout that disagree fail here, before any memory is read.
 */
public final class Mujoco {
    /** What to do when no library loads; every MuJoCo error message ends with it. */
    public static final String HOW_TO_INSTALL = "install MuJoCo: on Debian or Ubuntu `sudo apt-get install "
            + "libmujoco2.2.2 libmujoco-samples` (the samples hold the humanoid model), or point TOPIARY_MUJOCO_LIB "
            + "at a MuJoCo 3.x libmujoco.so and run ci/mujoco-layout.sh for its headers";

    private static volatile Object loaded;   // a Mujoco, or the IllegalStateException that explains why not

    final int version;
    final String libraryName;
    final MujocoLayout layout;
    final MethodHandle loadXml;
    final MethodHandle makeData;
    final MethodHandle deleteData;
    final MethodHandle deleteModel;
    final MethodHandle resetData;
    final MethodHandle forward;
    final MethodHandle step;
    final MethodHandle step1;
    final MethodHandle step2;
    final MethodHandle subtreeVel;
    final MethodHandle name2id;

    private Mujoco(SymbolLookup lib, String libraryName) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mjVersion = linker.downcallHandle(find(lib, "mj_version"), FunctionDescriptor.of(JAVA_INT));
        this.version = (int) mjVersion.invokeExact();
        this.libraryName = libraryName;
        this.layout = MujocoLayout.forVersion(version);
        FunctionDescriptor modelData = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
        this.loadXml = linker.downcallHandle(find(lib, "mj_loadXML"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        this.makeData = linker.downcallHandle(find(lib, "mj_makeData"), FunctionDescriptor.of(ADDRESS, ADDRESS));
        this.deleteData = linker.downcallHandle(find(lib, "mj_deleteData"), FunctionDescriptor.ofVoid(ADDRESS));
        this.deleteModel = linker.downcallHandle(find(lib, "mj_deleteModel"), FunctionDescriptor.ofVoid(ADDRESS));
        this.resetData = linker.downcallHandle(find(lib, "mj_resetData"), modelData);
        this.forward = linker.downcallHandle(find(lib, "mj_forward"), modelData);
        this.step = linker.downcallHandle(find(lib, "mj_step"), modelData);
        this.step1 = linker.downcallHandle(find(lib, "mj_step1"), modelData);
        this.step2 = linker.downcallHandle(find(lib, "mj_step2"), modelData);
        this.subtreeVel = linker.downcallHandle(find(lib, "mj_subtreeVel"), modelData);
        this.name2id = linker.downcallHandle(find(lib, "mj_name2id"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }

    /** The loaded library, or an {@link IllegalStateException} that says why none loaded and how to install one. */
    public static Mujoco get() {
        Object state = loaded;
        if (state == null) {
            synchronized (Mujoco.class) {
                state = loaded;
                if (state == null) {
                    state = load(candidates());
                    loaded = state;
                }
            }
        }
        if (state instanceof IllegalStateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return (Mujoco) state;
    }

    /** Whether MuJoCo loads here; never throws. */
    public static boolean available() {
        try {
            get();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The MuJoCo version as {@code mj_version()} reports it (222 for 2.2.2). */
    public int version() {
        return version;
    }

    /** Which library file or name was loaded. */
    public String library() {
        return libraryName;
    }

    /** Where the struct layout came from. */
    public String layoutSource() {
        return layout.source();
    }

    /** "2.2.2" for 222, "3.3.0" for 330, "3.14.0" for 3014000. */
    public String versionString() {
        if (version >= 1_000_000) {   // 3.x numbers versions as MMmmmppp (3.14.0 is 3014000), 2.x as Mmp (222)
            return (version / 1_000_000) + "." + (version / 1000 % 1000) + "." + (version % 1000);
        }
        return (version / 100) + "." + (version / 10 % 10) + "." + (version % 10);
    }

    /** Tries {@code candidates} in order: a {@link Mujoco}, or the exception that explains why none could be used. */
    static Object load(List<String> candidates) {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            SymbolLookup lib;
            try {
                lib = candidate.contains("/") ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(candidate + " (" + e.getMessage() + ")");
                continue;
            }
            try {
                return new Mujoco(lib, candidate);
            } catch (IllegalStateException e) {
                return new IllegalStateException("MuJoCo " + candidate + " loaded but cannot be used: "
                        + e.getMessage(), e);
            } catch (Throwable e) {
                return new IllegalStateException("MuJoCo " + candidate + " loaded but a function is missing: " + e, e);
            }
        }
        return new IllegalStateException("no MuJoCo library loads here; tried " + String.join(", ", tried) + ". "
                + HOW_TO_INSTALL);
    }

    static List<String> candidates() {
        String env = System.getenv("TOPIARY_MUJOCO_LIB");
        if (env != null && !env.isBlank()) {
            // Only the named file: silently falling back to another MuJoCo would hide a typo.
            return List.of(Path.of(env).toAbsolutePath().toString());
        }
        return List.of("libmujoco.so.2.2.2", "libmujoco.so");
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("the MuJoCo library has no " + name));
    }
}
