package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import no.vakt.config.BackupConfig;

/**
 * Whether the configured repository takes a backup now: a small file written (through the encryption, when
 * configured, so the passphrase file is proven too), read back, removed. For {@code vakt check}.
 */
public final class RepositoryProbe {
    static final String KEY = "vakt-probe";

    private RepositoryProbe() {}

    /** @param where the repository as messages name it; @param problem empty when it is reachable and writable */
    public record Result(String where, String problem) {
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    public static Result probe(BackupConfig backup, Map<String, String> env) {
        Repository repo;
        try {
            repo = Repositories.open(backup, env);
        } catch (IOException | RuntimeException e) {
            return new Result(backup.repository().type().name().toLowerCase(java.util.Locale.ROOT) + " repository", message(e));
        }
        try {
            return new Result(repo.describe(), check(repo));
        } finally {
            if (repo instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // Nothing held beyond this probe.
                }
            }
        }
    }

    private static String check(Repository repo) {
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        try {
            try (OutputStream out = repo.create(KEY)) {
                out.write(token);
            }
            byte[] back;
            try (InputStream in = repo.open(KEY)) {
                back = in.readAllBytes();
            }
            repo.delete(KEY);
            return java.util.Arrays.equals(back, token) ? "" : "a file written there read back different";
        } catch (IOException | RuntimeException e) {
            return message(e);
        }
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
