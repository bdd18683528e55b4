package no.vakt.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;

/**
 * The config's {@code files:} section: directories kept equal on both nodes, pushed from the current
 * source (the primary's side) to the target over ssh. {@code files: {}} means no file sync.
 *
 * @param directories each directory, per node ({@code paths:}) or as {@code path} (on the node configured
 *     {@code role: primary}) and {@code target} (on the node configured {@code role: standby}); the
 *     direction follows the live roles
 * @param coalesce how long changes are collected before one push (default 100ms)
 * @param fullSyncInterval how often a full reconcile runs besides start-up and overflows (default 1h)
 * @param maxDeletePercent deletions propagated within one {@code deleteWindow} may remove at most this share
 *     of the target's files; beyond it deletions are held back until an operator or a restored source
 *     releases them (default 20)
 * @param deleteWindow the rolling window the delete guard counts deletions over (default 1h)
 * @param maxBehind an unsynced change older than this sends {@code file-sync-behind} (default 1m)
 * @param largeFileBytes files at least this big go through rsync instead of the receiver (default 8 MiB)
 * @param maxPending changed paths held before the set is dropped for a full reconcile (default 100000)
 * @param receiver the command that runs the receiver on the target node; the target directory is appended
 */
public record FilesConfig(
        @JsonDeserialize(using = FilesConfig.DirectoriesReader.class) List<SyncDirectory> directories,
        Duration coalesce,
        Duration fullSyncInterval,
        Integer maxDeletePercent,
        Duration deleteWindow,
        Duration maxBehind,
        Long largeFileBytes,
        Integer maxPending,
        SshSettings ssh,
        List<String> receiver) {
    /** Installed Vakt on the target node: {@code vakt sync --receive DIR}. */
    public static final List<String> DEFAULT_RECEIVER = List.of("vakt", "sync", "--receive");
    /**
     * A push lands within {@code coalesce} plus a round trip (the bench: p99 under 0.2 s), and a failed push
     * is retried after 0.5 s doubling to 30 s: a change still waiting after a minute has missed six retries
     * in a row (0.5 + 1 + 2 + 4 + 8 + 16 + 30 s), or sits in a transfer that long. Either way it would be
     * lost in a failover now, which a person should know.
     */
    static final Duration DEFAULT_MAX_BEHIND = Duration.ofMinutes(1);
    /**
     * Files below large-file-bytes go through the receiver session, streamed, in exchanges with a
     * two-minute deadline: beyond 64 MiB one file could not make it on a slow link; rsync takes those.
     */
    static final long MAX_LARGE_FILE_BYTES = 64L * 1024 * 1024;
    /**
     * The delete guard's window: an hour is the default full-sync-interval, so a slow deletion gets at
     * most max-delete-percent of the target per reconcile period, and routine clean-ups of a busy site
     * rarely add up to 20 % within one hour.
     */
    static final Duration DEFAULT_DELETE_WINDOW = Duration.ofHours(1);
    /** No file sync. Declared after the defaults its constructor reads. */
    public static final FilesConfig NONE = new FilesConfig(null, null, null, null, null, null, null, null, null, null);

    public FilesConfig {
        directories = directories instanceof Configured c ? c : new Configured(directories, null);
        coalesce = coalesce != null ? coalesce : Duration.ofMillis(100);
        fullSyncInterval = fullSyncInterval != null ? fullSyncInterval : Duration.ofHours(1);
        maxDeletePercent = maxDeletePercent != null ? maxDeletePercent : 20;
        deleteWindow = deleteWindow != null ? deleteWindow : DEFAULT_DELETE_WINDOW;
        maxBehind = maxBehind != null ? maxBehind : DEFAULT_MAX_BEHIND;
        largeFileBytes = largeFileBytes != null ? largeFileBytes : 8L * 1024 * 1024;
        maxPending = maxPending != null ? maxPending : 100_000;
        ssh = ssh != null ? ssh : SshSettings.DEFAULT;
        receiver = receiver != null && !receiver.isEmpty() ? List.copyOf(receiver) : DEFAULT_RECEIVER;
        if (coalesce.isNegative() || coalesce.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("files.coalesce: expected a duration between 0ms and 60s");
        }
        if (fullSyncInterval.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("files.full-sync-interval: expected at least 1m");
        }
        if (maxDeletePercent < 0 || maxDeletePercent > 100) {
            throw new IllegalArgumentException("files.max-delete-percent: expected a whole number from 0 to 100");
        }
        if (deleteWindow.compareTo(Duration.ofMinutes(1)) < 0 || deleteWindow.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("files.delete-window: expected a duration between 1m and 7d");
        }
        if (maxBehind.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("files.max-behind: expected at least 1s");
        }
        if (largeFileBytes < 1 || largeFileBytes > MAX_LARGE_FILE_BYTES) {
            throw new IllegalArgumentException("files.large-file-bytes: expected a number of bytes from 1 to "
                    + MAX_LARGE_FILE_BYTES + " (64 MiB), got " + largeFileBytes
                    + "; bigger files go by rsync, which resumes and has no per-exchange deadline");
        }
        if (maxPending < 100) throw new IllegalArgumentException("files.max-pending: expected at least 100");
    }

    public boolean enabled() {
        return !directories.isEmpty();
    }

    /**
     * The directory of the config file this section was read from (where {@code .vakt/} lives), null when
     * the section was not read from a file. {@code vakt check} finds the recorded layout through it.
     */
    public Path configDir() {
        return ((Configured) directories).configDir;
    }

    /** Vakt's state directory for the config file this section was read from ({@link no.vakt.cluster.StateDir}). */
    public Path stateDir() {
        return ((Configured) directories).stateDir;
    }

    /** The directories as read, and the config file's directory they were read next to. Immutable. */
    private static final class Configured extends AbstractList<SyncDirectory> {
        private final List<SyncDirectory> list;
        private final Path configDir;
        private final Path stateDir;

        Configured(List<SyncDirectory> list, Path configFile) {
            this.list = list == null ? List.of() : List.copyOf(list);
            this.configDir = configFile == null ? null : configFile.toAbsolutePath().getParent();
            this.stateDir = configFile == null ? null : no.vakt.cluster.StateDir.forConfig(configFile);
        }

        @Override
        public SyncDirectory get(int index) {
            return list.get(index);
        }

        @Override
        public int size() {
            return list.size();
        }
    }

    /**
     * Reads the list as Jackson would and keeps the config file with it: the loader passes it to every
     * deserializer as the attribute {@value #CONFIG_FILE}.
     */
    static final class DirectoriesReader extends JsonDeserializer<List<SyncDirectory>> {
        /** {@code no.vakt.config.ConfigLoader}'s attribute for the config file (AdminTlsDeserializer.FILE). */
        static final String CONFIG_FILE = "vakt.file";

        @Override
        public List<SyncDirectory> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JavaType type = ctxt.getTypeFactory().constructCollectionType(List.class, SyncDirectory.class);
            List<SyncDirectory> list = ctxt.readValue(p, type);
            Object file = ctxt.getAttribute(CONFIG_FILE);
            return new Configured(list, file instanceof Path f ? f : null);
        }
    }
}
