package no.vakt.filesync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LivePrimaries;

/**
 * The file sync direction as the servers say, not the config's {@code role:} fields: the source is the
 * live primary (writable, replicating from nobody; {@link LivePrimaries}). The journaled direction is kept
 * while its source is that primary (it carries the failover's pause and the rejoin's way back); when the
 * journal names another source, or has no event, the servers win and a disagreement is reported once.
 * Without a single live primary (both down, split brain) the journal decides, else the configured roles.
 * The servers are read at most every {@link #REFRESH}, each with a hard deadline.
 */
public final class LiveDirection implements Supplier<SyncDirection> {
    static final Duration REFRESH = Duration.ofSeconds(10);

    /** What {@link #resolve} decided; {@code disagreement} is null when the journal and the servers agree. */
    record Resolved(SyncDirection direction, String disagreement) {}

    private final VaktConfig config;
    private final Supplier<Optional<SyncDirection>> journaled;
    private final Supplier<List<NodeState>> servers;
    private final Clock clock;
    private final Consumer<String> report;
    private Instant readAt;
    private Optional<String> livePrimary = Optional.empty();
    private String lastReported;
    private Optional<SyncDirection> lastJournaled = Optional.empty();

    LiveDirection(VaktConfig config, Supplier<Optional<SyncDirection>> journaled, Supplier<List<NodeState>> servers,
            Clock clock, Consumer<String> report) {
        this.config = config;
        this.journaled = journaled;
        this.servers = servers;
        this.clock = clock;
        this.report = report;
    }

    /** For {@code vakt run} and {@code vakt sync}: the journal's direction checked against both servers. */
    public static LiveDirection of(VaktConfig config, Journal journal, Clock clock, Consumer<String> report) {
        // Short and both at once: the caller polls every second and writes the status file (stale after 10 s).
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(3));
        return new LiveDirection(config, () -> journal.latest(EventKind.FILE_SYNC, config.cluster()).isEmpty()
                ? Optional.empty() : Optional.of(FileSyncDirections.current(journal, config)),
                () -> inspectBoth(inspector, config.primary(), config.standby()), clock, report);
    }

    private static List<NodeState> inspectBoth(NodeInspector inspector, Node a, Node b) {
        CompletableFuture<NodeState> other = CompletableFuture.supplyAsync(() -> inspector.inspect(b));
        NodeState first = inspector.inspect(a);
        return List.of(first, other.join());
    }

    @Override
    public synchronized SyncDirection get() {
        Instant now = clock.instant();
        Optional<SyncDirection> journal = journaled.get();
        // A new journal event (a failover's hand-over, a rejoin) is checked against the servers as they are now.
        if (readAt == null || !now.isBefore(readAt.plus(REFRESH)) || !journal.equals(lastJournaled)) {
            livePrimary = LivePrimaries.of(servers.get()).single();
            readAt = now;
            lastJournaled = journal;
        }
        Resolved r = resolve(config, journal, livePrimary);
        if (r.disagreement() != null && !r.disagreement().equals(lastReported)) report.accept(r.disagreement());
        lastReported = r.disagreement();
        return r.direction();
    }

    /** Pure: the direction from the journal's (empty: no event) and the single live primary (empty: none or two). */
    static Resolved resolve(VaktConfig config, Optional<SyncDirection> journaled, Optional<String> livePrimary) {
        if (livePrimary.isEmpty() || config.node(livePrimary.get()).isEmpty()) {
            return new Resolved(journaled.orElseGet(() -> FileSyncDirections.initial(config)), null);
        }
        String primary = livePrimary.get();
        if (journaled.isPresent() && journaled.get().source().equals(primary)) return new Resolved(journaled.get(), null);
        Node peer = config.peerOf(config.node(primary).orElseThrow());
        long epoch = journaled.map(SyncDirection::epoch).orElse(0L);
        SyncDirection live = new SyncDirection(primary, peer.name(), epoch, "live roles");
        if (journaled.isEmpty()) {
            // No direction event: the servers decide, not the role: fields (which may be stale or swapped).
            String note = config.primary().name().equals(primary) ? null
                    : "file sync follows the servers: " + primary + " is the live primary, though the config's role:"
                            + " fields say " + config.primary().name();
            return new Resolved(live, note);
        }
        return new Resolved(live, "file sync follows the servers: the journal says " + journaled.get().source()
                + " is the source, but " + primary + " is the live primary");
    }
}
