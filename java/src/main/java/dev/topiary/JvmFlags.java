package dev.topiary;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The startup check for applications that embed Topiary: the JVM must be started with
 * {@value #FLAGS}. Without the Vector API module the CPU backend cannot load, so that is an error with the fix;
 * without native access, the JDK only warns when FFM first loads a native library (the kernel emulator, OpenBLAS,
 * MuJoCo), so Topiary says once which flag silences it.
 */
public final class JvmFlags {
    /** What every JVM running Topiary needs. */
    public static final String FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private JvmFlags() {
    }

    /** Throws {@link IllegalStateException} naming the missing flag when the Vector API module is absent. */
    public static void check() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("Topiary's CPU backend needs the Vector API, but this JVM was started "
                    + "without --add-modules=jdk.incubator.vector. Start java with " + FLAGS + " (Maven Surefire: "
                    + "<argLine>; Gradle: jvmArgs; an executable jar: the launcher script).");
        }
        if (!JvmFlags.class.getModule().isNativeAccessEnabled() && WARNED.compareAndSet(false, true)) {
            System.err.println("topiary: native access is not enabled; the JDK will warn when a native library "
                    + "loads. Add --enable-native-access=ALL-UNNAMED to the java command line to allow it.");
        }
    }

    /** Runs {@link #check()}: exit status 0 and "ok" when the flags are right (for scripts and tests). */
    public static void main(String[] args) {
        check();
        System.out.println("ok");
    }
}
