package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.Node;
import no.vakt.config.Site;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.journal.FailoverRecord;
import no.vakt.maintenance.MaintenanceJson;
import no.vakt.maintenance.Pause;
import no.vakt.status.NodeStatus;
import no.vakt.traffic.TrafficState;

/** The JSON documents of the read API, built from the {@link LiveView}; snake_case keys like {@code vakt status --json}. */
final class ApiViews {
    private ApiViews() {}

    /** {@code /api/metrics-summary}: the figures the dashboard shows, in one document. */
    static Map<String, Object> summary(LiveView v, boolean writesEnabled) {
        Instant now = v.clock.instant();
        JournalFacts.Facts facts = v.journal.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", v.config.cluster());
        m.put("generated_at", now.toString());
        m.put("mode", v.config.policy().failover().label());
        m.put("objectives", objectives(v));
        m.put("monitor", monitor(v, now));
        Approval a = v.approval();
        Map<String, Object> approval = new LinkedHashMap<>();
        approval.put("awaiting", a.awaiting());
        approval.put("reason", a.reason());
        approval.put("from", a.from());
        approval.put("to", a.to());
        approval.put("command", a.command());
        m.put("approval", approval);
        m.put("sites", sites(v));
        m.put("nodes", nodes(v));
        m.put("status_generated_at", v.status.latest().map(s -> s.report().generatedAt()).orElse(null));
        Optional<Pause> pause = v.pause();
        m.put("maintenance", MaintenanceJson.of(pause, now));
        m.put("warnings", warnings(v.status.latest().map(s -> s.report().warnings()).orElse(List.of()),
                facts.trafficPending(), v.commands, pause, v.primaryReadOnly()));
        Map<String, Object> failovers = new LinkedHashMap<>();
        failovers.put("total", facts.failoversTotal());
        Map<String, Long> byOutcome = new LinkedHashMap<>();
        facts.failovers().forEach((k, n) -> byOutcome.put(k.label(), n));
        failovers.put("by_outcome", byOutcome);
        failovers.put("traffic_pending", facts.failoversTrafficPending());
        failovers.put("last", failover(facts.lastFinishedFailover()));
        failovers.put("running", failover(facts.runningFailover()));
        m.put("failovers", failovers);
        m.put("epoch", facts.epoch());
        m.put("traffic", traffic(v, facts.trafficPending()));
        m.put("last_drill", facts.lastDrill().map(d -> drill(v, d)).orElse(null));
        m.put("file_sync", fileSync(v));
        m.put("backup", v.backup().map(no.vakt.backup.BackupView::json).orElse(null));
        m.put("warmup", facts.lastWarmth().map(w -> Map.of("at", w.at().toString(), "standby", w.standby(),
                "warmth", w.warmth())).orElse(null));
        Map<String, Long> deliveries = new LinkedHashMap<>();
        facts.alertDeliveries().forEach((k, n) -> deliveries.put(k.label(), n));
        m.put("alert_deliveries", deliveries);
        m.put("write_actions_enabled", writesEnabled);
        return m;
    }

    static Map<String, Object> objectives(LiveView v) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rpo_ms", v.config.objectives().rpo().toMillis());
        o.put("rto_ms", v.config.objectives().rto().toMillis());
        return o;
    }

    private static Map<String, Object> monitor(LiveView v, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        MonitorTick t = v.lastTick().orElse(null);
        m.put("observed_at", t == null ? null : t.at().toString());
        m.put("age_ms", t == null ? null : Duration.between(t.at(), now).toMillis());
        m.put("fresh", t != null && Duration.between(t.at(), now).compareTo(v.maxTickAge()) <= 0);
        m.put("health", t == null ? null : t.health().name());
        m.put("primary", t == null ? null : t.roles().primary().name());
        m.put("standby", t == null ? null : t.roles().standby().name());
        m.put("primary_up", t == null ? null : t.primary().ok());
        m.put("primary_error", t == null ? null : t.primary().error());
        m.put("lag_ms", t == null ? null : t.lagMs());
        m.put("interval_ms", v.config.policy().checks().interval().toMillis());
        return m;
    }

    private static List<Map<String, Object>> sites(LiveView v) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Site s : v.config.sites()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("zone", s.zone());
            m.put("country", s.country());
            m.put("nodes", s.nodes().stream().map(Node::name).toList());
            out.add(m);
        }
        return out;
    }

    private static List<Map<String, Object>> nodes(LiveView v) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node node : v.config.nodes()) {
            NodeStatus n = v.node(node.name()).orElse(null);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", v.config.siteOf(node).name());
            m.put("node", node.name());
            m.put("address", node.mysql().address());
            m.put("configured_role", node.role().label());
            m.put("live_role", n == null ? "unknown" : n.liveRole());
            m.put("reachable", n != null && n.reachable());
            m.put("read_only", n == null ? null : n.readOnly());
            m.put("heartbeat_lag_ms", n == null ? null : n.heartbeatLagMs());
            m.put("io_thread", n == null ? null : n.ioThread());
            m.put("sql_thread", n == null ? null : n.sqlThread());
            m.put("gtid_current_pos", n == null ? null : n.gtidCurrentPos());
            m.put("replicating_from_node", n == null ? null : n.replicatingFromNode());
            m.put("last_error", n == null ? "not probed yet" : n.lastError());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> failover(FailoverRecord f) {
        if (f == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("from", f.fromNode());
        m.put("to", f.toNode());
        m.put("mode", f.mode());
        m.put("trigger", f.trigger());
        m.put("outcome", f.outcome().label());
        // The journal's outcome stays "completed" for a failover whose traffic switch failed; its ending says so.
        m.put("ending", f.ending() == null ? null : f.ending().label());
        m.put("label", f.label());
        m.put("traffic_pending", f.trafficPending());
        m.put("epoch", f.epoch());
        m.put("started_at", f.startedAt().toString());
        m.put("ended_at", f.endedAt() == null ? null : f.endedAt().toString());
        m.put("duration_ms", f.endedAt() == null ? null : Duration.between(f.startedAt(), f.endedAt()).toMillis());
        m.put("summary", f.summary());
        return m;
    }

    /**
     * Where the traffic switch stands now ({@link JournalFacts.Facts#trafficPending}): {@code pending} true
     * while a failed switch is being retried, with the node it should point at, since when, how many whole
     * switches failed, the last error and the command that retries it by hand.
     */
    static Map<String, Object> traffic(LiveView v, TrafficState.Pending p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", p != null);
        if (p == null) return m;
        m.put("node", p.node());
        m.put("epoch", p.epoch());
        m.put("since", p.since().toString());
        m.put("last_attempt", p.lastAttempt().toString());
        m.put("attempts", p.attempts());
        m.put("error", p.error());
        m.put("command", v.commands.trafficApply());
        return m;
    }

    /**
     * The status report's warnings ({@code vakt status}'s, file sync's included) and, first, a traffic switch
     * left pending: the journal knows it, the servers do not, so the status probe alone never says it.
     */
    static List<String> warnings(List<String> fromStatus, TrafficState.Pending p, OperatorCommands commands) {
        return warnings(fromStatus, p, commands, Optional.empty());
    }

    /** The status warnings, after a pending traffic switch's, after a maintenance pause's: as {@code vakt status} lists them. */
    static List<String> warnings(List<String> fromStatus, TrafficState.Pending p, OperatorCommands commands,
            Optional<Pause> pause) {
        return warnings(fromStatus, p, commands, pause, Optional.empty());
    }

    /** As above, with the running monitor's word on a read-only primary first. */
    static List<String> warnings(List<String> fromStatus, TrafficState.Pending p, OperatorCommands commands,
            Optional<Pause> pause, Optional<String> primaryReadOnly) {
        if (p == null && pause.isEmpty() && primaryReadOnly.isEmpty()) return fromStatus;
        List<String> out = new ArrayList<>(fromStatus.size() + 3);
        primaryReadOnly.ifPresent(out::add);
        pause.ifPresent(x -> out.add(MaintenanceJson.warning(x)));
        if (p != null) out.add(p.warning(commands.trafficApply()));
        out.addAll(fromStatus);
        return out;
    }

    static Map<String, Object> drill(LiveView v, DrillResult d) {
        Map<String, Object> m = new LinkedHashMap<>();
        long rto = v.config.objectives().rto().toMillis();
        long rpo = v.config.objectives().rpo().toMillis();
        m.put("id", d.id());
        m.put("at", d.at().toString());
        m.put("summary", d.summary());
        m.put("outcome", d.outcome());
        m.put("rto_ms", d.rtoMs());
        m.put("rpo_ms", d.rpoMs());
        m.put("rto_met", d.rtoMs() == null ? null : d.rtoMs() <= rto);
        m.put("rpo_met", d.rpoMs() == null ? null : d.rpoMs() <= rpo);
        m.put("details", d.details());
        return m;
    }

    private static Map<String, Object> fileSync(LiveView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configured", v.fileSyncConfigured());
        if (!v.fileSyncConfigured()) return m;
        FileSyncBacklog b = v.fileSync();
        m.put("available", b != null);
        if (b != null) {
            m.put("files", b.files());
            m.put("oldest_age_ms", b.oldestAge() == null ? null : b.oldestAge().toMillis());
            m.put("state", b.state());
            m.put("detail", b.detail());
        }
        return m;
    }

    /** {@code /api/lag}: the monitor's samples of the last {@code minutes}. */
    static Map<String, Object> lag(LiveView v, int minutes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minutes", minutes);
        m.put("rpo_ms", v.config.objectives().rpo().toMillis());
        List<Map<String, Object>> samples = new ArrayList<>();
        for (LagSample s : v.lag.last(Duration.ofMinutes(minutes))) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", s.at().toEpochMilli());
            p.put("lag_ms", s.lagMs());
            p.put("health", s.health());
            p.put("primary", s.primary());
            p.put("standby", s.standby());
            p.put("primary_up", s.primaryUp());
            p.put("standby_up", s.standbyUp());
            p.put("io_thread", s.ioThread());
            p.put("sql_thread", s.sqlThread());
            samples.add(p);
        }
        m.put("samples", samples);
        return m;
    }

    /** {@code /api/drills}: every journaled drill, newest first, against the objectives. */
    static Map<String, Object> drills(LiveView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objectives", objectives(v));
        List<Map<String, Object>> list = new ArrayList<>();
        List<DrillResult> drills = v.journal.get().drills();
        for (int i = drills.size() - 1; i >= 0; i--) list.add(drill(v, drills.get(i)));
        m.put("drills", list);
        return m;
    }
}
