package dev.topiary;

import dev.topiary.examples.CustomEnvironment;
import dev.topiary.run.RunDirectory;
import dev.topiary.rl.AgentSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding story: the example program runs end to end, and a JVM without the flags gets the fix spelled out. */
class ApiTest {

    @Test
    void theExampleProgramTrainsSavesAndReloadsAnAgentOnAUserEnvironment(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CustomEnvironment.main(new String[]{"1500", run.toString()});
        RunDirectory dir = RunDirectory.open(run);
        assertTrue(dir.isDone(), "DONE marks the finished run");
        assertTrue(Files.size(dir.curve()) > 1000, "a learning-curve PNG");
        assertTrue(Files.isRegularFile(dir.agent().resolve(AgentSnapshot.MODULES)));
        List<String> evals = Files.readAllLines(dir.evals());
        assertEquals(3, evals.size(), "header and evaluations at steps 1000 and 1500: " + evals);
        double last = Double.parseDouble(evals.get(2).split(",")[2]);
        // A random policy scores about −25 on this task (|x| ≈ 0.5 for 50 steps); pushing to the origin gets ≈ −3.
        assertTrue(last > -10, "the example's agent learned the task: mean return " + last);
    }

    @Test
    void aJvmWithoutTheVectorModuleIsToldWhichFlagsToPass() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JvmFlags.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertNotEquals(0, p.waitFor(), out);
        assertTrue(out.contains("--add-modules=jdk.incubator.vector"), out);

        Process ok = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                JvmFlags.class.getName()).redirectErrorStream(true).start();
        String okOut = new String(ok.getInputStream().readAllBytes());
        assertEquals(0, ok.waitFor(), okOut);
        assertTrue(okOut.contains("ok"), okOut);
    }
}
