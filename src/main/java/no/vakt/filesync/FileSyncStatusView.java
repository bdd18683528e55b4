package no.vakt.filesync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;

/**
 * The file sync part of {@code vakt status}: read from the snapshot the running sync writes every
 * second. A snapshot older than {@link #STALE} means nothing is syncing now, whatever it last said.
 */
public final class FileSyncStatusView {
    static final Duration STALE = Duration.ofSeconds(10);

    private FileSyncStatusView() {}

    /** The snapshot as {@code vakt status} should treat it: stale ones become state "not running". */
    public static Optional<FileSyncSnapshot> current(Optional<FileSyncSnapshot> written, Instant now) {
        return written.map(s -> s.generatedAt() != null && Duration.between(s.generatedAt(), now).compareTo(STALE) > 0
                        && !"stopped".equals(s.state())
                ? s.notRunning("no status for " + Durations.format(Duration.between(s.generatedAt(), now).withNanos(0)))
                : s);
    }

    /** Lines under the status table; empty when the config has no file sync. */
    public static List<String> lines(VaktConfig config, Optional<FileSyncSnapshot> written, Instant now) {
        List<String> out = new ArrayList<>();
        if (!config.files().enabled()) return out;
        Optional<FileSyncSnapshot> snap = current(written, now);
        if (snap.isEmpty()) {
            out.add("file sync: not running (start `vakt run` or `vakt sync --watch` where the source directories are)");
            return out;
        }
        FileSyncSnapshot s = snap.get();
        String direction = s.source() == null ? "" : ", " + s.source() + " -> " + (s.target() == null ? "(none)" : s.target());
        String condition = s.condition() == null || s.condition().equals(s.state()) ? "" : ", " + s.condition().toUpperCase(
                java.util.Locale.ROOT).replace('-', ' ');
        out.add("file sync: " + s.state() + condition + direction + (s.note() == null ? "" : " (" + s.note() + ")"));
        out.add(String.format("  pending %d, oldest unsynced %s, last success %s, sent %d files / %d bytes, deleted %d,"
                        + " rsync failures %d, push failures %d",
                s.pendingChanges(), Durations.format(Duration.ofMillis(s.oldestUnsyncedMs())),
                s.lastSuccess() == null ? "never" : Durations.format(Duration.between(s.lastSuccess(), now).withNanos(0)) + " ago",
                s.filesSent(), s.bytesSent(), s.deletes(), s.rsyncFailures(), s.pushFailures()));
        for (DirectoryStatus d : s.directories()) {
            if ("refused".equals(d.state())) {
                out.add("  " + d.directory() + ": REFUSED (nothing synced): " + d.lastError());
                continue;
            }
            out.add("  " + d.source() + " -> " + d.target() + ": " + d.state()
                    + (d.deleteGuard() == null ? "" : "; DELETES HELD BACK" + (d.deleteGuardSince() == null ? ""
                            : " since " + d.deleteGuardSince().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ": "
                            + d.deleteGuard())
                    + (d.behind() ? "; BEHIND: oldest unsynced change "
                            + Durations.format(Duration.ofSeconds(d.oldestUnsyncedMs() / 1000)) + " old (files.max-behind "
                            + Durations.format(Duration.ofMillis(s.maxBehindMs())) + ")" : "")
                    + (d.failing() ? "; FAILING" : "")
                    + (d.lastError() == null ? "" : "; last error: " + d.lastError()));
        }
        return out;
    }

    /** {@link #lines} as text, each line ended. */
    public static String text(VaktConfig config, Optional<FileSyncSnapshot> written, Instant now) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines(config, written, now)) sb.append(l).append(System.lineSeparator());
        return sb.toString();
    }

    /** Adds {@code file_sync} (null without file sync or status) to a {@code vakt status --json} object. */
    public static JsonNode withJson(JsonNode status, VaktConfig config, Optional<FileSyncSnapshot> written, Instant now) {
        if (!(status instanceof ObjectNode o)) return status;
        Optional<FileSyncSnapshot> snap = config.files().enabled() ? current(written, now) : Optional.empty();
        o.set("file_sync", snap.<JsonNode>map(StatusFile.JSON::valueToTree).orElse(o.nullNode()));
        return o;
    }
}
