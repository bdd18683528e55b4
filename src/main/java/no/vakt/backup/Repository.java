package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where base backups and the binlog archive are kept, by key ({@code base/ID/manifest.json},
 * {@code binlog/mysql-bin.000003}): {@link LocalRepository}, {@link SshRepository}, {@link S3Repository}, each
 * optionally encrypted by a {@link SealedRepository}; {@link Repositories#open} builds the configured one.
 */
public interface Repository {
    /** What is written becomes visible under {@code key} only when the stream is closed whole. */
    OutputStream create(String key) throws IOException;

    InputStream open(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Keys directly under {@code prefix} (one level, sorted). */
    List<String> list(String prefix) throws IOException;

    long size(String key) throws IOException;

    /** Removes {@code key}; nothing when it is not there. */
    void delete(String key) throws IOException;

    /** Where it is, for messages and the jurisdiction check. */
    String describe();
}
