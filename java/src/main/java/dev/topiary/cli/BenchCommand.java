package dev.topiary.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code topiary bench}: the JMH benchmarks of throughput against density. The benchmarks live in the
 * {@code topiary-bench} jar, so this forwards every argument to its runner.
 */
@Command(name = "bench", description = {"Runs the JMH benchmarks (throughput against density) and prints a table with "
        + "the ratios that matter. Options are the runner's: run 'topiary bench --help' to list them "
        + "(--quick, --full, --include, --out, plot ...)."})
final class BenchCommand implements Runnable {
    private static final String RUNNER = "dev.topiary.bench.BenchMain";

    /** Everything after "bench", options included, goes to the runner untouched. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public void run() {
        Method main;
        try {
            main = Class.forName(RUNNER).getMethod("main", String[].class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the benchmark runner is not on the class path; run through the "
                    + "'./topiary' launcher, which uses bench/target/benchmarks.jar");
        }
        try {
            main.invoke(null, (Object) args.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
