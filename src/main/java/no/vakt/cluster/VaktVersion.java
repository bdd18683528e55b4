package no.vakt.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build ({@code dev} when run from classes without the build's properties). */
public final class VaktVersion {
    private VaktVersion() {}

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = VaktVersion.class.getResourceAsStream("/vakt-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // Fall through to "dev".
        }
        return p.getProperty("version", "dev");
    }
}
