package no.vakt.cluster;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Vakt keeps its own files for a config (journal, file-sync state, drill reports, saved errant
 * transactions): {@code $VAKT_STATE_DIR} when set; for a config in {@code /etc/vakt} (the Debian package)
 * {@code /var/lib/vakt} for {@code vakt.yml} and {@code /var/lib/vakt/NAME} for {@code NAME.yml}, so the
 * service and an operator's {@code vakt status} agree without flags; else {@code .vakt/} next to the config.
 */
public final class StateDir {
    public static final Path SYSTEM_CONFIG_DIR = Path.of("/etc/vakt");
    public static final Path SYSTEM_STATE_DIR = Path.of("/var/lib/vakt");

    private StateDir() {}

    public static Path forConfig(Path configFile) {
        return forConfig(configFile, System.getenv());
    }

    public static Path forConfig(Path configFile, Map<String, String> env) {
        String fromEnv = env.get("VAKT_STATE_DIR");
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv).toAbsolutePath();
        Path config = configFile.toAbsolutePath().normalize();
        Path parent = config.getParent();
        if (parent == null) return Path.of("").toAbsolutePath().resolve(".vakt");
        if (parent.equals(SYSTEM_CONFIG_DIR)) {
            String name = config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            return name.equals("vakt") ? SYSTEM_STATE_DIR : SYSTEM_STATE_DIR.resolve(name);
        }
        return parent.resolve(".vakt");
    }
}
