package no.vakt.cli;

import no.vakt.process.VaktVersion;
import picocli.CommandLine;

/** Version from the build, with the Java runtime it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"vakt " + VaktVersion.get(), "java " + System.getProperty("java.version")};
    }
}
