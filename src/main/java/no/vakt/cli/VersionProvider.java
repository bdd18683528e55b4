package no.vakt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Version from the build, with the Java runtime it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/vakt-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // Fall through to "dev".
        }
        return p.getProperty("version", "dev");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vakt " + version(), "java " + System.getProperty("java.version")};
    }
}
