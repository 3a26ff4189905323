package dev.topiary.env.mujoco;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * MJCF models shipped on the classpath, as files MuJoCo can load: {@code mj_loadXML} reads only from a path (its
 * virtual file system is a large, version-dependent struct this binding does not map), so each resource is copied
 * once per JVM into a private temporary folder, removed when the JVM exits. (The JVM deletes in the reverse order
 * of registration, so each folder is registered before anything is written into it.)
 */
public final class MjcfResources {
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
    private static Path folder;

    private MjcfResources() {
    }

    /**
     * The file holding the classpath resource {@code resource} (an absolute name such as
     * {@code /dev/topiary/env/mujoco/loco/models/hopper.xml}); the same path on every call in this JVM.
     */
    public static synchronized Path file(String resource) {
        Path cached = EXTRACTED.get(resource);
        if (cached != null && Files.isRegularFile(cached)) {
            return cached;
        }
        try (InputStream in = MjcfResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no MJCF resource " + resource + " on the classpath; is the "
                        + "engine jar complete?");
            }
            // The resource's own path under the folder: two models called hopper.xml in different packages never
            // overwrite each other.
            Path file = folder().resolve(resource.replaceFirst("^/+", ""));
            createParents(file.getParent());
            Files.write(file, in.readAllBytes());
            file.toFile().deleteOnExit();
            EXTRACTED.put(resource, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the MJCF resource " + resource + " to a temporary file", e);
        }
    }

    /** Creates the missing folders down to {@code dir}, each deleted at exit after what it holds. */
    private static void createParents(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createParents(dir.getParent());
        Files.createDirectory(dir);
        dir.toFile().deleteOnExit();
    }

    private static Path folder() throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            folder = Files.createTempDirectory("topiary-mjcf-");
            folder.toFile().deleteOnExit();   // registered first, so it is deleted after the files in it
        }
        return folder;
    }
}
