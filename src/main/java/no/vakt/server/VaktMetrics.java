package no.vakt.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.SessionState;
import no.vakt.config.Node;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.journal.FailoverOutcome;
import no.vakt.status.NodeStatus;
import no.vakt.warmup.Warmth;

/**
 * {@code /metrics}: gauges that read the {@link LiveView} when scraped (nothing is pushed or copied), in
 * the Prometheus text format. Names: {@link MeterNames}. Unknown values are NaN, not 0: a lag of 0 would
 * say "in sync" when Vakt does not know.
 */
final class VaktMetrics {
    private static final List<String> ROLES = List.of("primary", "standby", "idle", "unknown");
    private static final List<FailoverOutcome> COUNTED = List.of(FailoverOutcome.COMPLETED, FailoverOutcome.ABORTED,
            FailoverOutcome.REFUSED);

    /** {@link FileSyncBacklog#state()}'s words. */
    private static final List<String> FILESYNC_CONDITIONS = List.of("in-sync", "syncing", "starting", "behind", "failing",
            "deletes-held", "refused", "paused", "stopped");

    private final LiveView view;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<JournalFacts.AlertDelivery> alertKeys = new HashSet<>();

    private final Supplier<Optional<CoordinatorStatus>> coordination;

    VaktMetrics(LiveView view, Supplier<Optional<CoordinatorStatus>> coordination) {
        this.view = view;
        this.coordination = coordination;
        registry.config().commonTags("cluster", view.config.cluster());
        for (Node node : view.config.nodes()) nodeMeters(node);
        for (PrimaryHealth h : PrimaryHealth.values()) {
            Gauge.builder(MeterNames.PRIMARY_HEALTH, view, v -> v.lastTick().map(t -> t.health() == h ? 1.0 : 0.0)
                            .orElse(Double.NaN))
                    .tag("state", h.name()).description("the monitor's verdict on the live primary").register(registry);
        }
        for (FailoverOutcome o : COUNTED) {
            FunctionCounter.builder(MeterNames.FAILOVERS, view, v -> v.journal.get().failovers().getOrDefault(o, 0L))
                    .tag("outcome", o.label()).description("journaled failovers and switchovers").register(registry);
        }
        FunctionCounter.builder(MeterNames.FAILOVERS_TRAFFIC_PENDING, view, v -> v.journal.get().failoversTrafficPending())
                .description("journaled failovers and switchovers that completed with their traffic switch failed")
                .register(registry);
        gauge(MeterNames.FAILOVER_LAST_DURATION, v -> seconds(v.journal.get().lastFailoverDurationMs()),
                "start to end of the newest finished failover");
        gauge(MeterNames.EPOCH, v -> v.journal.get().epoch(), "the cluster epoch (fencing token)");
        gauge(MeterNames.TRAFFIC_PENDING, v -> v.journal.get().trafficPending() == null ? 0 : 1,
                "1 while a failed traffic switch is being retried");
        gauge(MeterNames.DRILL_LAST_RTO, v -> seconds(v.journal.get().lastDrill().map(DrillResult::rtoMs).orElse(null)),
                "the last drill's measured RTO");
        gauge(MeterNames.DRILL_LAST_RPO, v -> seconds(v.journal.get().lastDrill().map(DrillResult::rpoMs).orElse(null)),
                "the last drill's measured RPO");
        gauge(MeterNames.OBJECTIVE_RTO, v -> v.config.objectives().rto().toMillis() / 1000.0, "objectives.rto");
        gauge(MeterNames.OBJECTIVE_RPO, v -> v.config.objectives().rpo().toMillis() / 1000.0, "objectives.rpo");
        gauge(MeterNames.PAUSED, v -> v.pause().isPresent() ? 1 : 0, "1 while automatic failover is paused (vakt pause)");
        gauge(MeterNames.PAUSE_REMAINING, v -> v.pause().map(p -> p.remaining(v.clock.instant()).toMillis() / 1000.0).orElse(0.0),
                "seconds until the maintenance pause ends by itself, 0 when not paused");
        gauge(MeterNames.STANDBY_WARMTH, v -> v.journal.get().lastWarmth().map(Warmth::warmth).orElse(Double.NaN),
                "share of the primary's hot set resident on the standby at the last warmup refresh (docs/warm.md)");
        gauge(MeterNames.STANDBY_WARMTH_REFRESHED, v -> v.journal.get().lastWarmth().map(w -> w.at().toEpochMilli() / 1000.0)
                .orElse(Double.NaN), "when the standby was last warmed, seconds since the epoch");
        if (view.fileSyncConfigured()) fileSyncMeters();
        if (view.config.backup().configured()) backupMeters();
        coordinationMeters();
    }

    /** The backups (docs/backup.md): the archive's lag and whether it is broken, the newest base backup. */
    private void backupMeters() {
        gauge(MeterNames.BACKUP_ARCHIVE_LAG, v -> v.backup().map(b -> b.lagMs() == null ? Double.NaN : b.lagMs() / 1000.0)
                .orElse(Double.NaN), "since the binlog archive last held everything the primary had committed");
        gauge(MeterNames.BACKUP_ARCHIVE_BROKEN, v -> v.backup().map(b -> b.broken() ? 1.0 : 0.0).orElse(Double.NaN),
                "1 while the binlog archive has a gap (restores from older backups cannot cross it)");
        gauge(MeterNames.BACKUP_NEWEST, v -> v.backup().map(b -> b.newestBackupAt() == null ? Double.NaN
                : b.newestBackupAt().toEpochMilli() / 1000.0).orElse(Double.NaN), "when the newest base backup finished");
    }

    /** Who may act: this agent's authority, its ZooKeeper session, the agents it sees and ZooKeeper's epoch. */
    private void coordinationMeters() {
        coordinationGauge(MeterNames.COORDINATION_AUTHORITY, c -> c.authority() ? 1 : 0,
                "1 while this agent may act: the leader on a live ZooKeeper session, or the single monitor");
        for (SessionState s : SessionState.values()) {
            Gauge.builder(MeterNames.COORDINATION_SESSION_STATE, coordination,
                            k -> k.get().map(c -> c.session() == s ? 1.0 : 0.0).orElse(Double.NaN))
                    .tag("state", s.name()).description("1 for this agent's ZooKeeper session state now").register(registry);
        }
        coordinationGauge(MeterNames.COORDINATION_SESSION_SINCE,
                c -> c.sessionSince() == null ? Double.NaN : c.sessionSince().toEpochMilli() / 1000.0,
                "when the session entered its state");
        coordinationGauge(MeterNames.COORDINATION_AGENTS,
                c -> c.mode() == CoordinatorStatus.Mode.ZOOKEEPER ? c.agents().size() : Double.NaN,
                "agents with a live node in ZooKeeper, as this agent sees them");
        coordinationGauge(MeterNames.COORDINATION_EPOCH, c -> c.epoch() == null ? Double.NaN : c.epoch(),
                "the cluster epoch as ZooKeeper holds it");
    }

    private void coordinationGauge(String meter, ToDoubleFunction<CoordinatorStatus> f, String help) {
        Gauge.builder(meter, coordination, k -> k.get().map(f::applyAsDouble).orElse(Double.NaN))
                .description(help).register(registry);
    }

    /**
     * File sync: totals over the whole sync, and per configured directory (label {@code directory}: the
     * entry's {@code path}, or the first of its {@code paths}) what needs a person. NaN when not reported.
     */
    private void fileSyncMeters() {
        for (String c : FILESYNC_CONDITIONS) {
            Gauge.builder(MeterNames.FILESYNC_CONDITION, view, v -> {
                FileSyncBacklog b = v.fileSync();
                return b == null ? Double.NaN : c.equals(b.state()) ? 1.0 : 0.0;
            }).tag("condition", c).description("1 for file sync's worst condition now").register(registry);
        }
        gauge(MeterNames.FILESYNC_BACKLOG, v -> {
            FileSyncBacklog b = v.fileSync();
            return b == null ? Double.NaN : b.files();
        }, "changed paths not yet copied to the standby site (pending changes)");
        gauge(MeterNames.FILESYNC_OLDEST_AGE, v -> {
            FileSyncBacklog b = v.fileSync();
            if (b == null) return Double.NaN;
            return b.oldestAge() == null ? 0 : b.oldestAge().toMillis() / 1000.0;
        }, "age of the oldest change not yet copied");
        gauge(MeterNames.FILESYNC_LAST_SUCCESS, v -> {
            FileSyncBacklog.Totals t = totals(v);
            return t == null || t.lastSuccess() == null ? Double.NaN : t.lastSuccess().toEpochMilli() / 1000.0;
        }, "everything changed before this time is on the target");
        counter(MeterNames.FILESYNC_SENT_FILES, FileSyncBacklog.Totals::filesSent, "files written on the target");
        counter(MeterNames.FILESYNC_SENT_BYTES, FileSyncBacklog.Totals::bytesSent, "bytes of files written on the target");
        counter(MeterNames.FILESYNC_DELETED_FILES, FileSyncBacklog.Totals::deletes, "files removed on the target");
        counter(MeterNames.FILESYNC_RSYNC_FAILURES, FileSyncBacklog.Totals::rsyncFailures, "failed rsync runs");
        counter(MeterNames.FILESYNC_PUSH_FAILURES, FileSyncBacklog.Totals::pushFailures, "failed pushes through the receiver");
        for (no.vakt.config.SyncDirectory d : view.config.files().directories()) {
            String name = d.label();
            directoryGauge(MeterNames.FILESYNC_DELETE_GUARD_TRIPPED, name, FileSyncBacklog.Directory::deleteGuardTripped,
                    "1 while deletions on the target are held back");
            directoryGauge(MeterNames.FILESYNC_BEHIND, name, FileSyncBacklog.Directory::behind,
                    "1 while the oldest unsynced change is older than files.max-behind");
            directoryGauge(MeterNames.FILESYNC_FAILING, name, FileSyncBacklog.Directory::failing,
                    "1 while pushes keep failing (the target is unreachable, full, read-only or refusing)");
        }
    }

    private static FileSyncBacklog.Totals totals(LiveView v) {
        FileSyncBacklog b = v.fileSync();
        return b == null ? null : b.totals();
    }

    private void counter(String meter, ToDoubleFunction<FileSyncBacklog.Totals> f, String help) {
        FunctionCounter.builder(meter, view, v -> {
            FileSyncBacklog.Totals t = totals(v);
            return t == null ? Double.NaN : f.applyAsDouble(t);
        }).description(help).register(registry);
    }

    private void directoryGauge(String meter, String name, java.util.function.Predicate<FileSyncBacklog.Directory> f,
            String help) {
        Gauge.builder(meter, view, v -> {
            FileSyncBacklog b = v.fileSync();
            if (b == null) return Double.NaN;
            return b.directories().stream().filter(d -> name.equals(d.name())).findFirst()
                    .map(d -> f.test(d) ? 1.0 : 0.0).orElse(Double.NaN);
        }).tag("directory", name).description(help).register(registry);
    }

    /** For tests: the meters by name, without parsing the text format. */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    synchronized String scrape() {
        registerNewAlertKeys();
        return registry.scrape();
    }

    private void nodeMeters(Node node) {
        String name = node.name();
        Tags tags = Tags.of("site", view.config.siteOf(node).name(), "node", name);
        nodeGauge(MeterNames.NODE_UP, tags, name, n -> n.reachable() ? 1 : 0, "the node answered the last probe");
        nodeGauge(MeterNames.NODE_IS_PRIMARY, tags, name, n -> "primary".equals(n.liveRole()) ? 1 : 0,
                "the node is the live primary");
        for (String role : ROLES) {
            nodeGauge(MeterNames.NODE_ROLE, tags.and("role", role), name, n -> role.equals(n.liveRole()) ? 1 : 0,
                    "1 for the node's live role");
        }
        nodeGauge(MeterNames.NODE_READ_ONLY, tags, name,
                n -> n.readOnly() == null ? Double.NaN : n.readOnly() ? 1 : 0, "read_only is ON");
        nodeGauge(MeterNames.REPLICATION_LAG, tags, name,
                n -> n.replicatingFrom() == null || n.heartbeatLagMs() == null ? Double.NaN : n.heartbeatLagMs() / 1000.0,
                "heartbeat lag of a replicating node");
        nodeGauge(MeterNames.IO_THREAD_RUNNING, tags, name, n -> thread(n.ioThread()), "Slave_IO_Running is Yes");
        nodeGauge(MeterNames.SQL_THREAD_RUNNING, tags, name, n -> thread(n.sqlThread()), "Slave_SQL_Running is Yes");
    }

    private void nodeGauge(String meter, Tags tags, String node, ToDoubleFunction<NodeStatus> f, String help) {
        Gauge.builder(meter, view, v -> v.node(node).map(f::applyAsDouble).orElse(Double.NaN))
                .tags(tags).description(help).register(registry);
    }

    private void gauge(String meter, ToDoubleFunction<LiveView> f, String help) {
        Gauge.builder(meter, view, f).description(help).register(registry);
    }

    /** Alert channels and outcomes are known only when they appear in the journal. */
    private void registerNewAlertKeys() {
        Map<JournalFacts.AlertDelivery, Long> counts = view.journal.get().alertDeliveries();
        for (JournalFacts.AlertDelivery key : counts.keySet()) {
            if (!alertKeys.add(key)) continue;
            FunctionCounter.builder(MeterNames.ALERT_DELIVERIES, view,
                            v -> v.journal.get().alertDeliveries().getOrDefault(key, 0L))
                    .tag("channel", key.channel()).tag("outcome", key.outcome())
                    .description("journaled alerts by delivery channel and outcome").register(registry);
        }
    }

    private static double thread(String running) {
        return running == null ? Double.NaN : "Yes".equalsIgnoreCase(running) ? 1 : 0;
    }

    private static double seconds(Long ms) {
        return ms == null ? Double.NaN : ms / 1000.0;
    }
}
