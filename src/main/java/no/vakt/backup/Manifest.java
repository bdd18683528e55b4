package no.vakt.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * What one base backup is, written last into its directory of the repository ({@code base/ID/manifest.json}):
 * a backup without a manifest did not finish.
 *
 * @param node the server it was taken from
 * @param sourceRole standby or primary
 * @param note why it was taken from the primary; empty when from the standby
 * @param gtidStart the server's gtid_current_pos when the backup began
 * @param gtidEnd the GTID position the backup holds (mariadb-backup's "GTID of the last change"): the archive replays from here
 * @param streamBytes the xbstream's size before compression
 * @param encryption none, or openpgp (every file of the repository is then an OpenPGP message)
 */
public record Manifest(
        String id,
        String node,
        String sourceRole,
        String note,
        Instant startedAt,
        Instant finishedAt,
        String serverVersion,
        String toolVersion,
        String gtidStart,
        String gtidEnd,
        String compression,
        long streamBytes,
        List<StoredFile> files,
        String encryption) {
    public static final String NAME = "manifest.json";

    public Manifest {
        files = List.copyOf(files);
        encryption = encryption != null ? encryption : "none";
    }

    public Manifest(String id, String node, String sourceRole, String note, Instant startedAt, Instant finishedAt,
            String serverVersion, String toolVersion, String gtidStart, String gtidEnd, String compression,
            long streamBytes, List<StoredFile> files) {
        this(id, node, sourceRole, note, startedAt, finishedAt, serverVersion, toolVersion, gtidStart, gtidEnd, compression,
                streamBytes, files, "none");
    }

    /**
     * One file of the backup in the repository, with the SHA-256 of its stored bytes (encrypted, when the
     * repository encrypts) and of the plain stream they hold (null in manifests written before it was recorded).
     */
    public record StoredFile(String key, long bytes, String sha256, String plainSha256) {
        public StoredFile(String key, long bytes, String sha256) {
            this(key, bytes, sha256, null);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static String key(String id) {
        return "base/" + id + "/" + NAME;
    }

    void write(Repository repo) throws IOException {
        try (OutputStream out = repo.create(key(id))) {
            JSON.writeValue(out, this);
        }
    }

    static Manifest read(Repository repo, String id) throws IOException {
        try (InputStream in = repo.open(key(id))) {
            return JSON.readValue(in, Manifest.class);
        }
    }

    /** Removes the backup: the manifest first, so a half-removed backup is no longer listed as finished. */
    public void delete(Repository repo) throws IOException {
        repo.delete(key(id));
        for (StoredFile f : files) repo.delete(f.key());
    }

    /** Every finished base backup, oldest first (ids sort by time). */
    public static List<Manifest> all(Repository repo) throws IOException {
        List<Manifest> out = new java.util.ArrayList<>();
        for (String dir : repo.list("base")) {
            String id = dir.substring("base/".length());
            if (repo.exists(key(id))) out.add(read(repo, id));
        }
        return out;
    }
}
