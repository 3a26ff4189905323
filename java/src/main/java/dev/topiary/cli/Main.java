package dev.topiary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code topiary} command line: one subcommand per job. */
@Command(name = "topiary", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Dynamic sparse training for deep reinforcement learning.",
        subcommands = {TrainCommand.class, EvalCommand.class, ProfileCommand.class, InfoCommand.class, BenchCommand.class, SweepCommand.class, AnalyzeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            // The full command path ("topiary sweep expand"), so a nested command's error says where it came from.
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
