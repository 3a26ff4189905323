package dev.topiary.env.mujoco;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The struct layout is generated, never hand-made: the committed 2.2.2 layout must equal what
 * native/mujoco/mjlayout.c prints when compiled against the installed headers, the library must report the
 * layout's version, and a wrong layout must fail loudly instead of reading stray memory.
 */
class MujocoLayoutTest {
    static final Path GENERATOR = Path.of(System.getProperty("user.dir")).resolve("../native/mujoco/mjlayout.c")
            .normalize();

    @Test
    void theBundledLayoutIsWhatTheGeneratorPrintsForTheInstalledHeaders(@TempDir Path tmp) throws Exception {
        MujocoTesting.assumeMujoco();
        assumeTrue(Files.isRegularFile(Path.of("/usr/include/mujoco/mujoco.h")),
                "MuJoCo: the headers are not installed (apt-get install libmujoco-dev)");
        String generated = run(tmp, "gcc", "-std=c11", "-O0", "-o", tmp.resolve("mjlayout").toString(),
                GENERATOR.toString());
        assertEquals("", generated, "the generator did not compile cleanly");
        String printed = run(tmp, tmp.resolve("mjlayout").toString());
        assertEquals(withoutComments(bundled("layout-222.properties")), withoutComments(printed),
                "layout-222.properties differs from the generator's output: regenerate it with ci/mujoco-layout.sh");
    }

    @Test
    void theLoadedLibraryReportsTheVersionItsLayoutWasGeneratedFor() {
        MujocoTesting.assumeMujoco();
        Mujoco mj = Mujoco.get();
        assertEquals(mj.version(), mj.layout.version());
        assertTrue(mj.layoutSource().contains("layout-" + mj.version()), mj.layoutSource());
        // Reading the model's sizes through the layout gives the humanoid's known (nq, nv, nu) = (28, 27, 21).
        try (MjSim sim = new MjSim(MujocoTesting.humanoid())) {
            assertEquals(List.of(28, 27, 21), List.of(sim.nq, sim.nv, sim.nu));
            assertEquals(0.005, sim.timestep());
        }
    }

    @Test
    void aPlantedWrongOffsetFailsLoudlyInsteadOfReadingStrayMemory() {
        Path model = MujocoTesting.humanoid();
        Mujoco mj = Mujoco.get();
        Map<String, Long> offsets = new HashMap<>(mj.layout.offsets());
        offsets.put("data.qpos", offsets.get("data.time"));   // a double where a pointer should be
        MujocoLayout wrong = new MujocoLayout(mj.version(), "planted", offsets);
        try (MjSim sim = new MjSim(mj, wrong, model)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.get("qpos", sim.nq));
            assertTrue(e.getMessage().contains("does not match the library"), e.getMessage());
            assertTrue(e.getMessage().contains("ci/mujoco-layout.sh"), e.getMessage());
        }
    }

    @Test
    void aLayoutForAnotherVersionOrWithoutAFieldIsRejectedWithTheFix() throws IOException {
        String text = bundled("layout-222.properties");
        IllegalStateException version = assertThrows(IllegalStateException.class,
                () -> MujocoLayout.parse(text, "test", 330));
        assertTrue(version.getMessage().contains("generated for version 222 but the library is 330"),
                version.getMessage());
        String lacking = text.replaceAll("(?m)^data\\.qvel=.*$", "");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> MujocoLayout.parse(lacking, "test", 222));
        assertTrue(missing.getMessage().contains("[data.qvel]") && missing.getMessage().contains("regenerate"),
                missing.getMessage());
        String floats = text.replaceAll("(?m)^sizeof\\.mjtNum=.*$", "sizeof.mjtNum=4");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MujocoLayout.parse(floats, "test", 222))
                .getMessage().contains("double-precision"));
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> MujocoLayout.forVersion(199));
        // (Where TOPIARY_MUJOCO_LAYOUT names a file, that file is read and refused for its version instead.)
        assertTrue(none.getMessage().contains("ci/mujoco-layout.sh"), none.getMessage());
    }

    private static String bundled(String name) throws IOException {
        try (InputStream in = MujocoLayout.class.getResourceAsStream(name)) {
            assertTrue(in != null, name + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withoutComments(String properties) {
        return properties.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).sorted()
                .reduce("", (a, b) -> a + b + "\n");
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
