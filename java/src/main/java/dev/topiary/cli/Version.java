package dev.topiary.cli;

import picocli.CommandLine;

/** The version line of {@code topiary --version}: the engine's version and the JDK that runs it. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"topiary " + (v == null ? "(development build)" : v) + " on Java "
                + System.getProperty("java.runtime.version")};
    }
}
