package no.vakt.lab;

import java.nio.file.Path;

/**
 * Where the lab keeps its files, all under one directory (default {@code .vakt/lab}): the config,
 * the secrets, the TLS files, the recorded settings, and one directory per site.
 */
public record LabLayout(Path dir) {
    public static final Path DEFAULT_DIR = Path.of(".vakt", "lab");

    public Path configFile() {
        return dir.resolve("vakt.yml");
    }

    /** What {@code lab up} last wrote to {@link #configFile()}: tells an operator's edit from a stale file. */
    public Path generatedConfigFile() {
        return dir.resolve("vakt.yml.generated");
    }

    public Path settingsFile() {
        return dir.resolve("lab.properties");
    }

    public Path secretsDir() {
        return dir.resolve("secrets");
    }

    public Path adminPasswordFile() {
        return secretsDir().resolve("admin.password");
    }

    public Path replicationPasswordFile() {
        return secretsDir().resolve("replication.password");
    }

    public Path tlsDir() {
        return dir.resolve("tls");
    }

    public Path siteHome(LabSite site) {
        return dir.resolve(site.siteName());
    }

    /** Written once the demo database exists, so a second {@code lab up} never seeds again. */
    public Path seededMarker() {
        return siteHome(LabSite.OSLO).resolve("seeded");
    }

    /** A path inside the lab as the config file refers to it: relative to the config's directory. */
    public Path relative(Path inside) {
        return dir.toAbsolutePath().relativize(inside.toAbsolutePath());
    }
}
