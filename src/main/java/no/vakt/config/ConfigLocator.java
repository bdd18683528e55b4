package no.vakt.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds the config: --config, else $VAKT_CONFIG, else ./vakt.yml, else /etc/vakt/vakt.yml. */
public final class ConfigLocator {
    public static final Path SYSTEM = Path.of("/etc/vakt/vakt.yml");

    private ConfigLocator() {}

    public static Path locate(Path explicit, Map<String, String> env, Path workingDir) {
        if (explicit != null) return explicit;
        String fromEnv = env.get("VAKT_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        Path local = workingDir.resolve("vakt.yml");
        if (Files.exists(local)) return local;
        if (Files.exists(SYSTEM)) return SYSTEM;
        return local;
    }
}
