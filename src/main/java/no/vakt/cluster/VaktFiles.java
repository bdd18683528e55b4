package no.vakt.cluster;

import java.nio.file.Path;

/** Where Vakt keeps its own files: {@code .vakt/} next to the config file (see {@link StateDir}). */
public final class VaktFiles {
    private VaktFiles() {}

    /** {@code --journal FILE} when given, else {@code .vakt/journal.db} next to the config. */
    public static Path journal(Path configFile, Path explicit) {
        return explicit != null ? explicit : dir(configFile).resolve("journal.db");
    }

    /** Saved errant transactions: {@code .vakt/errant/} next to the config. */
    public static Path errantDir(Path configFile) {
        return dir(configFile).resolve("errant");
    }

    private static Path dir(Path configFile) {
        return StateDir.forConfig(configFile);
    }
}
