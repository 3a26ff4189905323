package dev.topiary.env.mujoco;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the MuJoCo tests share: the skip when the library is absent (CI installs it, so CI never skips). */
final class MujocoTesting {
    private MujocoTesting() {
    }

    /** Skips the calling test, with a reason .ci/run does not accept, when no MuJoCo loads here. */
    static void assumeMujoco() {
        assumeTrue(Mujoco.available(), () -> "MuJoCo: not installed here (" + reason() + ")");
    }

    /** Debian's humanoid model, skipping when MuJoCo or the samples are absent. */
    static Path humanoid() {
        assumeMujoco();
        Path file = Path.of("/usr/share/mujoco/model/humanoid/humanoid.xml");
        String dir = System.getenv("TOPIARY_MUJOCO_MODELS");
        if (dir != null && !dir.isBlank()) {
            file = Path.of(dir, "humanoid", "humanoid.xml");
        }
        assumeTrue(Files.isRegularFile(file), "MuJoCo: no humanoid model at " + file + " (apt-get install libmujoco-samples)");
        return file;
    }

    private static String reason() {
        try {
            Mujoco.get();
            return "loaded";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
