package no.vakt.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version, from the resource the build writes; "dev" when run from unbuilt sources. */
public final class VaktVersion {
    private VaktVersion() {}

    public static String get() {
        Properties p = new Properties();
        try (InputStream in = VaktVersion.class.getResourceAsStream("/vakt-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // Fall through to "dev".
        }
        return p.getProperty("version", "dev");
    }
}
