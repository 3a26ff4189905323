package dev.topiary.env.mujoco;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classpath models become files once per JVM, under their own resource path; a missing one is named. */
class MjcfResourcesTest {
    private static final String HOPPER = "/dev/topiary/env/mujoco/loco/models/hopper.xml";

    @Test
    void aResourceIsCopiedOnceUnderItsOwnPathWithItsBytes() throws IOException {
        Path file = MjcfResources.file(HOPPER);
        assertEquals(file, MjcfResources.file(HOPPER));
        assertTrue(file.endsWith(Path.of("dev/topiary/env/mujoco/loco/models/hopper.xml")), file.toString());
        try (InputStream in = MjcfResources.class.getResourceAsStream(HOPPER)) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(file));
        }
    }

    @Test
    void aMissingResourceIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MjcfResources.file("/dev/topiary/env/mujoco/loco/models/none.xml"));
        assertTrue(e.getMessage().contains("no MJCF resource /dev/topiary/env/mujoco/loco/models/none.xml"),
                e.getMessage());
    }
}
