package no.vakt.filesync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.SharedDirection;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;

/**
 * The file sync direction is journaled ({@code file-sync} events), so every Vakt process on the host
 * (the daemon, {@code vakt sync}, {@code vakt rejoin}) agrees on it and it survives restarts. Without
 * an event the configured roles decide: primary to standby.
 */
public final class FileSyncDirections {
    private FileSyncDirections() {}

    public static SyncDirection initial(VaktConfig config) {
        return new SyncDirection(config.primary().name(), config.standby().name(), 0, "configured roles");
    }

    public static SyncDirection current(Journal journal, VaktConfig config) {
        return journal.latest(EventKind.FILE_SYNC, config.cluster()).map(e -> of(e, config)).orElseGet(() -> initial(config));
    }

    /** With agents: the newest direction this journal holds, with when it was journaled; empty without one. */
    static Optional<SharedDirection.Direction> stamped(Journal journal, VaktConfig config, String agent) {
        return journal.latest(EventKind.FILE_SYNC, config.cluster()).map(e -> {
            SyncDirection d = of(e, config);
            return new SharedDirection.Direction(d.source(), d.target(), d.epoch(), d.reason(), e.at(), agent);
        });
    }

    private static SyncDirection of(JournalEvent e, VaktConfig config) {
        JsonNode d = e.details();
        String source = d.path("source").asText(null);
        String target = d.path("target").isNull() || d.path("target").isMissingNode() ? null : d.path("target").asText();
        if (source == null || config.node(source).isEmpty() || target != null && config.node(target).isEmpty()) {
            return initial(config); // a journal from another config: the roles decide
        }
        return new SyncDirection(source, target, d.path("epoch").asLong(0), d.path("reason").asText(""));
    }

    /**
     * Journals {@code d} unless it is already the current direction; returns whether it changed. Also
     * records which node each directory belongs to ({@link LayoutFile}) if that is not known yet: a
     * failover, rejoin or switchover pins the layout before anyone edits the {@code role:} fields, even
     * where file sync itself has not run yet.
     */
    public static boolean record(Journal journal, VaktConfig config, SyncDirection d) {
        SyncDirection now = current(journal, config);
        // A newer epoch is recorded even the same way round: with agents, the epoch decides which direction is in force.
        boolean same = now.source().equals(d.source()) && java.util.Objects.equals(now.target(), d.target())
                && now.epoch() >= d.epoch();
        if (!same) append(journal, config, d);
        learnLayout(journal, config);
        return !same;
    }

    private static void learnLayout(Journal journal, VaktConfig config) {
        try {
            LayoutFile.of(config).ifPresent(f -> {
                if (f.recorded()) return; // the daemon or vakt sync records and judges it when it starts
                java.time.Instant at = journal.latest(EventKind.FILE_SYNC, config.cluster()).map(JournalEvent::at)
                        .orElse(java.time.Instant.EPOCH);
                f.learn(config, "the config", at);
            });
        } catch (RuntimeException e) {
            // The direction is journaled; the layout is recorded again when file sync starts.
            org.slf4j.LoggerFactory.getLogger(FileSyncDirections.class).warn("file sync: cannot record the layout: {}",
                    e.getMessage());
        }
    }

    private static void append(Journal journal, VaktConfig config, SyncDirection d) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", d.source());
        details.put("target", d.target());
        details.put("epoch", d.epoch());
        details.put("reason", d.reason());
        String summary = d.paused()
                ? "file sync paused: " + d.source() + " is the source; no target until `vakt rejoin "
                        + config.peerOf(config.node(d.source()).orElseThrow()).name() + "`"
                : "file sync: " + d.source() + " -> " + d.target() + " (" + d.reason() + ")";
        journal.append(EventKind.FILE_SYNC, config.cluster(), d.source(), summary, details);
    }

    /**
     * Called after {@code vakt rejoin NODE} made NODE the replica of its peer: files now flow from the
     * peer to NODE. Does nothing when the config has no {@code files:} directories.
     */
    public static boolean afterRejoin(Journal journal, VaktConfig config, Node rejoined) {
        return afterRejoin(journal, config, rejoined, 0);
    }

    /**
     * @param primaryEpoch the epoch the primary's database holds: with agents, a failover another agent ran is not in
     *     this journal, and the rejoin's direction must be as new as that failover's to be in force (docs/ha.md)
     */
    public static boolean afterRejoin(Journal journal, VaktConfig config, Node rejoined, long primaryEpoch) {
        if (!config.files().enabled()) return false;
        long epoch = Math.max(current(journal, config).epoch(), primaryEpoch);
        return record(journal, config, new SyncDirection(config.peerOf(rejoined).name(), rejoined.name(), epoch, "rejoin"));
    }

    /**
     * After a switchover both nodes are in step at once: files flow from the new primary to the old one.
     * Returns whether the direction changed (false without {@code files:} directories).
     */
    public static boolean afterSwitchover(Journal journal, VaktConfig config, String newPrimary, String oldPrimary, long epoch) {
        if (!config.files().enabled()) return false;
        return record(journal, config, new SyncDirection(newPrimary, oldPrimary, epoch, "switchover"));
    }
}
