package dev.topiary.env.mujoco;

import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without a MuJoCo library the MuJoCo tasks fail with how to install it, and everything else still works. */
class MissingMujocoTest {
    @Test
    void aLibraryThatDoesNotLoadGivesTheInstallInstructions() {
        Object result = Mujoco.load(List.of("/nonexistent/libmujoco.so.9.9.9", "libmujoco-none.so"));
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, result);
        assertTrue(e.getMessage().contains("/nonexistent/libmujoco.so.9.9.9"), e.getMessage());
        assertTrue(e.getMessage().contains("libmujoco-none.so"), e.getMessage());
        assertTrue(e.getMessage().contains(Mujoco.HOW_TO_INSTALL), e.getMessage());
    }

    /** A child JVM whose TOPIARY_MUJOCO_LIB names no file: the state a machine without MuJoCo is in. */
    @Test
    void inAJvmWithoutMujocoTheHumanoidAndTheHopperExplainAndCartPoleRuns() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-modules") || a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TOPIARY_MUJOCO_LIB", "/nonexistent/libmujoco.so");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("humanoid-run failed: ") && out.contains("install MuJoCo"), out);
        assertTrue(out.contains("topiary/Hopper-v0 failed: no MuJoCo library loads here"), out);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("CartPole-v1 ran 20 steps"), out);
    }

    /** Run in the child JVM. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("available=" + Mujoco.available());
            try {
                EnvRegistry.make("humanoid-run");
                System.out.println("humanoid-run was built without MuJoCo");
            } catch (IllegalStateException e) {
                System.out.println("humanoid-run failed: " + e.getMessage());
            }
            try {
                EnvRegistry.make("topiary/Hopper-v0");   // its model ships with Topiary, the library does not
                System.out.println("topiary/Hopper-v0 was built without MuJoCo");
            } catch (IllegalStateException e) {
                System.out.println("topiary/Hopper-v0 failed: " + e.getMessage());
            }
            try (Env env = EnvRegistry.make("CartPole-v1")) {
                env.reset(1);
                int steps = 0;
                for (; steps < 20; steps++) {
                    if (env.step(new double[]{steps % 2}).endsEpisode()) {
                        env.reset();
                    }
                }
                System.out.println("CartPole-v1 ran " + steps + " steps");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
