package no.vakt.filesync;

import java.time.Duration;
import java.util.List;

/**
 * The config's {@code files:} section: directories kept equal on both nodes, pushed from the current
 * source (the primary's side) to the target over ssh. {@code files: {}} means no file sync.
 *
 * @param directories each directory pair; {@code path} is on the node configured {@code role: primary},
 *     {@code target} on the node configured {@code role: standby} (the direction follows the live roles)
 * @param coalesce how long changes are collected before one push (default 100ms)
 * @param fullSyncInterval how often a full reconcile runs besides start-up and overflows (default 1h)
 * @param maxDeletePercent a push or reconcile that would delete more than this share of the target's
 *     files deletes nothing (default 20)
 * @param largeFileBytes files at least this big go through rsync instead of the receiver (default 8 MiB)
 * @param maxPending changed paths held before the set is dropped for a full reconcile (default 100000)
 * @param receiver the command that runs the receiver on the target node; the target directory is appended
 */
public record FilesConfig(
        List<SyncDirectory> directories,
        Duration coalesce,
        Duration fullSyncInterval,
        Integer maxDeletePercent,
        Long largeFileBytes,
        Integer maxPending,
        SshSettings ssh,
        List<String> receiver) {
    public static final FilesConfig NONE = new FilesConfig(null, null, null, null, null, null, null, null);
    /** Installed Vakt on the target node: {@code vakt sync --receive DIR}. */
    public static final List<String> DEFAULT_RECEIVER = List.of("vakt", "sync", "--receive");

    public FilesConfig {
        directories = directories != null ? List.copyOf(directories) : List.of();
        coalesce = coalesce != null ? coalesce : Duration.ofMillis(100);
        fullSyncInterval = fullSyncInterval != null ? fullSyncInterval : Duration.ofHours(1);
        maxDeletePercent = maxDeletePercent != null ? maxDeletePercent : 20;
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
        if (largeFileBytes < 1) throw new IllegalArgumentException("files.large-file-bytes: expected a positive number");
        if (maxPending < 100) throw new IllegalArgumentException("files.max-pending: expected at least 100");
    }

    public boolean enabled() {
        return !directories.isEmpty();
    }
}
