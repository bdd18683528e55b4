package no.vakt.filesync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The running file sync's snapshot as JSON in {@code .vakt/filesync-status.json} next to the config,
 * rewritten every second, so {@code vakt status} (another process) can show it. Replaced atomically.
 */
public final class StatusFile {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StatusFile() {}

    public static Path forConfig(Path configFile) {
        return no.vakt.cluster.StateDir.forConfig(configFile).resolve("filesync-status.json");
    }

    /** Atomically (a temporary file renamed over it): a reader never sees half a document. */
    static void write(Path file, Object s) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), s);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The last snapshot written, if any and readable. */
    public static Optional<FileSyncSnapshot> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), FileSyncSnapshot.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
