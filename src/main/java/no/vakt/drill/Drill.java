package no.vakt.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.check.CanaryProbe;
import no.vakt.check.CheckReport;
import no.vakt.check.Observations;
import no.vakt.check.PreflightProbe;
import no.vakt.check.Severity;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.VaktFiles;
import no.vakt.config.DrillsConfig;
import no.vakt.config.FailoverMode;
import no.vakt.config.FaultKind;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.failover.planned.Rejoin;
import no.vakt.failover.planned.Switchover;
import no.vakt.filesync.FileSync;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.process.VaktVersion;
import no.vakt.roles.LiveRole;
import no.vakt.traffic.TrafficSwitch;

/**
 * One war-game drill, start to end: gate and preflight (refusals change nothing), a statement of what
 * will be done, load through the service, the fault, observation with timestamps while Vakt's monitor
 * (never the drill) fails over, the figures, the restore, and the report (files and journal).
 *
 * <p>Order after the fault: the load stops, the monitor stops, the fault is removed (a killed server is
 * started again and, when a failover happened, fenced at once: two writable nodes must not stay), then
 * the rows are counted on the new primary, then the optional rejoin and switch-back. The fault is
 * removed on every exit path, exceptions included.
 */
public final class Drill {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Observation tick: fine enough for the timeline, light enough for two cores. */
    private static final Duration TICK = Duration.ofMillis(100);
    /** Probes inside the observation loop: a dead or blocked node costs at most this per tick. */
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(400);
    /** How long file sync may take to bring the standby in step before the fault: a start-up reconcile included. */
    private static final Duration FILES_IN_STEP = Duration.ofSeconds(30);
    /** The read probe's pace: 10 reads a second give a p99 per second for "time to warm". */
    private static final Duration PROBE_PERIOD = Duration.ofMillis(100);
    /** After recovery the load runs this much longer, so the report shows writes flowing again. */
    private static final Duration TAIL = Duration.ofMillis(500);

    public enum MonitorMode { OWN, EXTERNAL }

    /**
     * @param reportDir null: {@code .vakt/drills/<timestamp>/} next to the config
     * @param scheduled started by {@code vakt run}'s schedule: drills.allow-production replaces the flag
     */
    public record Options(String fault, Path reportDir, boolean productionConfirmed, boolean scheduled, MonitorMode monitor,
            boolean rejoin, boolean switchBack, boolean discardErrant) {}

    /** @param refusal why the drill did not start (nothing was changed); null when it ran */
    public record Outcome(String refusal, DrillReport report) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /** The parts other features provide; the drill only uses their interfaces. */
    /** @param fileSync the daemon's file sync, run beside the drill's own monitor (not with an external one) */
    public record Environment(FaultFactory faults, FilesProbe files, TrafficSwitch traffic, FileSync fileSync,
            AlertSink alerts) {}

    private final VaktConfig config;
    private final Path configFile;
    private final Journal journal;
    private final Clock clock;
    private final Environment env;
    private final PrintWriter out;
    private final Duration adminTimeout;
    private final NodeInspector inspector;
    private final NodeInspector quick = new NodeInspector(PROBE_TIMEOUT);
    private final List<TimelineEvent> timeline = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> restore = new ArrayList<>();
    /** Why file sync was not in step before the fault; null when it was (or there is no file sync). */
    private String filesBeforeFault;
    /** With agents: the leading agent runs the rejoin and switch-back; null: this process does. */
    private LeaderApi leader;

    public Drill(VaktConfig config, Path configFile, Journal journal, Clock clock, Environment env, PrintWriter out) {
        this.config = config;
        this.configFile = configFile;
        this.journal = journal;
        this.clock = clock;
        this.env = env;
        this.out = out;
        this.adminTimeout = config.policy().checks().timeout().plusSeconds(2);
        this.inspector = new NodeInspector(adminTimeout);
    }

    /** With agents: the rejoin and switch-back go to the leading agent's API instead of running here. */
    public Drill throughLeader(LeaderApi leaderApi) {
        this.leader = leaderApi;
        return this;
    }

    public Outcome run(Options o) throws Exception {
        Instant startedAt = clock.instant();
        Optional<String> refusal = DrillGate.refusal(new DrillGate.Input(o.fault(), config.production(),
                o.productionConfirmed() || (o.scheduled() && config.drills().allowProduction()),
                env.faults().netnsAvailable(), journal.unfinishedFailover().map(Drill::describe).orElse(null),
                journal.lastFailoverEnd().orElse(null), config.policy().cooldown(), startedAt,
                config.policy().failover() == FailoverMode.AUTOMATIC));
        if (refusal.isPresent()) return refused(refusal.get());
        FaultKind kind = FaultKind.parse(o.fault());
        Node oldPrimary = config.primary();
        Node standby = config.standby();

        say("preflight (vakt check) of " + oldPrimary.name() + " and " + standby.name() + " ...");
        Observations obs = new PreflightProbe(inspector, new CanaryProbe(inspector, clock), journal::epochHolder)
                .observe(config, max(Duration.ofSeconds(5), config.objectives().rpo()));
        CheckReport check = CheckReport.of(config, obs);
        if (!check.ready()) {
            List<String> errors = check.findings().stream().filter(f -> f.severity() == Severity.ERROR)
                    .map(f -> f.id() + (f.node() == null ? "" : " on " + f.node()) + ": " + f.message()).toList();
            return refused("the preflight is not ready (" + check.summary() + "): " + String.join("; ", errors)
                    + ". Run vakt check for the fixes");
        }
        // The preflight judges the live roles and is ready when role: is merely the other way round; the drill
        // faults the configured primary, which would then be the live standby: nothing would fail over.
        if (!obs.primary().node().equals(oldPrimary)) {
            return refused("the live primary is " + obs.primary().node().name() + ", but the config's role: fields name "
                    + oldPrimary.name() + " (after a failover and vakt rejoin, or a vakt switchover), and a drill faults the"
                    + " configured primary: switch back first (vakt switchover), or edit role: so the config names "
                    + obs.primary().node().name() + " the primary");
        }
        Fault fault;
        try {
            fault = env.faults().create(kind, config, oldPrimary);
        } catch (IllegalStateException e) {
            return refused(e.getMessage());
        }
        FailoverMonitor monitor = o.monitor() == MonitorMode.EXTERNAL ? new ExternalMonitor()
                : new InProcessMonitor(config, configFile.toAbsolutePath(), journal, clock, env.alerts(), env.traffic(),
                        env.fileSync(), line -> say("  monitor: " + line));
        boolean heartbeatsMoving = heartbeatsMoving(oldPrimary);
        if (o.monitor() == MonitorMode.OWN && heartbeatsMoving) {
            return refused("another monitor (vakt run) or vakt heartbeat is writing heartbeats on " + oldPrimary.name()
                    + ": two monitors would race to fail over. Stop it, or let it do the failover: --monitor external");
        }
        if (o.monitor() == MonitorMode.EXTERNAL && !heartbeatsMoving) {
            return refused("--monitor external, but no monitor writes heartbeats on " + oldPrimary.name()
                    + ": start vakt run (policy.failover: automatic) first, or let the drill run its own monitor");
        }

        String drillId = STAMP.format(startedAt);
        Path reportDir = o.reportDir() != null ? o.reportDir()
                : no.vakt.cluster.StateDir.forConfig(configFile).resolve("drills").resolve(drillId);
        ServiceResolver resolver = resolver();
        URI healthUrl = oldPrimary.healthUrl();
        int rate = config.drills().writeRate();
        Duration timeout = config.drills().timeout();

        say("");
        say("drill " + drillId + " on cluster " + config.cluster() + (config.production() ? " (PRODUCTION)" : "") + ":");
        say("  1. load: " + rate + " rows/s into " + DrillAccount.TABLE + " as " + DrillAccount.USER
                + " (INSERT/SELECT only) through " + resolver.describe());
        say("     " + (healthUrl != null && resolver.throughServiceName() ? "and GET " + healthUrl.getPath()
                + " every 200 ms through the service name" : "no health reader (needs drills.service and the node's health-url)"));
        say("  2. fault: " + fault.describe());
        say("  3. failover by " + monitor.describe() + "; observed until it is done or " + timeout.toSeconds() + " s");
        say("  4. measure RTO and RPO against the objectives (RTO " + config.objectives().rto().toMillis() + " ms, RPO "
                + config.objectives().rpo().toMillis() + " ms)");
        say("  5. restore: remove the fault" + (kind == FaultKind.KILL_DB || kind == FaultKind.STOP_DB
                ? ", start " + oldPrimary.name() + "'s server again (read-only when a failover happened)" : "")
                + (o.rejoin() ? ", rejoin " + oldPrimary.name() : "") + (o.switchBack() ? ", switch back" : ""));
        say("  6. report: " + reportDir);
        say("");

        Map<String, String> versions = new LinkedHashMap<>();
        versions.put(oldPrimary.name(), obs.primary().version());
        versions.put(standby.name(), obs.standby().version());
        Instant faultAt = null;
        Instant endedObservation;
        FailoverRecord failover = null;
        Measurement m;
        boolean faultRemoved = false;
        LoadWriter writer = null;
        HealthReader reader = null;
        ReadProbe probe = null;
        TimeToWarm timeToWarm = TimeToWarm.noPromotion();
        Observer observer = null;
        try {
            DrillAccount account;
            try (DbSession p = inspector.open(oldPrimary); DbSession s = inspector.open(standby)) {
                account = DrillAccount.prepare(p);
                if (!DrillAccount.awaitOnStandby(p, s, Duration.ofSeconds(10))) {
                    throw new IllegalStateException(DrillAccount.TABLE + " did not reach " + standby.name()
                            + " within 10 s: is the vakt schema replicated (binlog or replication filters)?");
                }
            }
            say("table and account ready on both nodes; starting " + (o.monitor() == MonitorMode.OWN ? "the monitor" : "")
                    + " ...");
            monitor.start(Duration.ofSeconds(15));
            writer = new LoadWriter(resolver, account, drillId, rate, Duration.ofMillis(1000), clock,
                    config.drills().loadSourceAddress()).start();
            probe = new ReadProbe(resolver, account, drillId, PROBE_PERIOD, Duration.ofMillis(1000), clock,
                    config.drills().loadSourceAddress()).start();
            if (healthUrl != null && resolver.throughServiceName()) {
                reader = new HealthReader(resolver, healthUrl, Duration.ofMillis(200), Duration.ofMillis(1000), clock).start();
            } else {
                skipped.add("site health: " + (healthUrl == null ? "the primary has no health-url" : "no drills.service configured"));
            }
            if (!resolver.throughServiceName()) skipped.add("traffic switch: no drills.service configured (the load follows the live primary)");
            env.files().prepare(oldPrimary, drillId);
            if (env.files().unavailable() != null) skipped.add(env.files().unavailable());
            else filesBeforeFault = awaitFilesInStep(standby);
            mark(clock.instant(), "load", "load started: " + rate + " rows/s through " + resolver.describe());
            awaitWarmUp(writer, rate);
            awaitReadBaseline(probe);

            long baseline = lastJournalId();
            faultAt = clock.instant();
            mark(faultAt, "fault", fault.describe());
            say("fault injected: " + fault.describe());
            fault.inject();

            observer = new Observer(kind, oldPrimary, standby, resolver, writer, reader, faultAt, baseline, startedAt);
            failover = observer.run(timeout);
            endedObservation = clock.instant();
            if (failover != null && failover.outcome() == FailoverOutcome.COMPLETED && observer.promotedAt() != null) {
                timeToWarm = awaitWarm(probe, faultAt, observer.promotedAt());
            }
            probe.close();
            writer.close();
            if (reader != null) reader.close();
            monitor.close();

            faultRemoved = true;
            String removed = fault.remove();
            mark(clock.instant(), "restore", removed);
            restore.add(removed);
            boolean failedOver = failover != null && failover.outcome() == FailoverOutcome.COMPLETED;
            if (failedOver) fenceIfWritable(oldPrimary);

            Node finalPrimary = failedOver ? standby : oldPrimary;
            Set<Long> present = presentSeqs(failedOver ? standby : oldPrimary, failedOver ? null : standby, drillId);
            m = Measurement.compute(kind, faultAt, endedObservation, writer.acks(), present, hosts(oldPrimary),
                    failover != null && failover.outcome() != FailoverOutcome.REFUSED
                            && failover.outcome() != FailoverOutcome.ABORTED,
                    config.objectives());
            if (filesBeforeFault != null) {
                m = m.withFailure("files: " + filesBeforeFault);
            } else if (failedOver && env.files().unavailable() == null && observer.filesSeen() == null) {
                m = m.withFailure("files: the drill's canary file never reached " + standby.name() + "'s site ("
                        + observer.filesProblem() + "): uploads written before the fault would be missing there");
            }
            say("measured on " + finalPrimary.name() + ": " + m.acked() + " writes acknowledged, " + m.rpoRows()
                    + " missing");
            if (failedOver && o.rejoin()) rejoinAndSwitchBack(oldPrimary, o);
            replicationAfterRestore(oldPrimary);
        } finally {
            if (writer != null) writer.close();
            if (reader != null) reader.close();
            if (probe != null) probe.close();
            monitor.close();
            if (!faultRemoved) {
                try {
                    String removed = fault.remove();
                    restore.add(removed + " (after an error)");
                } catch (Exception e) {
                    restore.add("REMOVING THE FAULT FAILED: " + e.getMessage() + "; undo it by hand: " + fault.describe());
                    say("REMOVING THE FAULT FAILED: " + e.getMessage());
                }
            }
            String canary = env.files().cleanUp();
            if (canary != null) restore.add(canary);
        }

        timeline.sort(java.util.Comparator.comparing(TimelineEvent::at));
        DrillReport report = new DrillReport(drillId, config.cluster(), kind.label(), fault.describe(), startedAt, faultAt,
                clock.instant(), m.passed(), oldPrimary.name(),
                failover != null && failover.outcome() == FailoverOutcome.COMPLETED ? failover.toNode() : oldPrimary.name(),
                failover == null ? null : failover.id(), resolver.describe(), rate, m, timeToWarm, List.copyOf(timeline),
                List.copyOf(skipped), List.copyOf(restore), configFile.toAbsolutePath().toString(), sha256(configFile),
                VaktVersion.get(), versions, reportDir.toAbsolutePath().toString());
        ReportWriter.write(report, reportDir);
        journal.append(EventKind.DRILL, config.cluster(), oldPrimary.name(),
                "drill " + kind.label() + " " + (m.passed() ? "passed" : "FAILED") + ": RTO "
                        + (m.rtoMs() == null ? "n/a" : m.rtoMs() + " ms") + ", RPO " + m.rpoRows() + " rows",
                journalDetails(report));
        env.alerts().send(resultAlert(report));
        out.print(report.summary());
        out.flush();
        return new Outcome(null, report);
    }

    /**
     * The drill's outcome for the people on call: a pass is news (INFO), a failure a WARNING, since the
     * way back after a real disaster is in doubt until it is fixed.
     */
    static Alert resultAlert(DrillReport r) {
        Measurement m = r.measurement();
        String figures = "RTO " + (m.rtoMs() == null ? "n/a" : m.rtoMs() + " ms") + " (objective " + m.rtoObjectiveMs()
                + " ms), RPO " + m.rpoRows() + " rows / " + m.rpoMs() + " ms (objective " + m.rpoObjectiveMs() + " ms), failover "
                + (m.failoverHappened() ? "yes" : "no") + " (" + (m.failoverExpected() ? "expected" : "not expected") + ")";
        String evidence = figures + (m.reasons().isEmpty() ? "" : "; " + String.join("; ", m.reasons()));
        String action = (r.passed() ? "none; the report: " : "fix what the report lists, then drill again: ")
                + r.reportDir() + "/report.html";
        return new Alert(r.passed() ? no.vakt.cluster.Severity.INFO : no.vakt.cluster.Severity.WARNING, r.cluster(),
                "drill " + r.fault() + " " + (r.passed() ? "passed" : "FAILED"), evidence, action, AlertKind.DRILL_RESULT,
                r.newPrimary());
    }

    /** The details of the journal's {@code drill} event; the dashboard reads these keys. */
    static Map<String, Object> journalDetails(DrillReport r) {
        Measurement m = r.measurement();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("drill_id", r.drillId());
        d.put("fault", r.fault());
        d.put("passed", r.passed());
        d.put("rto_ms", m.rtoMs());
        d.put("rpo_rows", m.rpoRows());
        d.put("rpo_ms", m.rpoMs());
        d.put("rto_objective_ms", m.rtoObjectiveMs());
        d.put("rpo_objective_ms", m.rpoObjectiveMs());
        d.put("failover_expected", m.failoverExpected());
        d.put("failover_happened", m.failoverHappened());
        d.put("failover_id", r.failoverId());
        if (r.timeToWarm() != null) {
            d.put("time_to_warm", r.timeToWarm().outcome().name());
            d.put("time_to_warm_ms", r.timeToWarm().after() == null ? null : r.timeToWarm().after().toMillis());
        }
        d.put("report_dir", r.reportDir());
        return d;
    }

    // ---- observation ----

    /** Polls servers, service, load and journal until the drill's story is complete or the timeout. */
    private final class Observer {
        private final FaultKind kind;
        private final Node oldPrimary;
        private final Node standby;
        private final ServiceResolver resolver;
        private final LoadWriter writer;
        private final HealthReader reader;
        private final Instant faultAt;
        private final Instant drillStart;
        private long lastEventId;
        private Instant readOnlyOff;
        private Instant trafficVisible;
        private Instant firstWrite;
        private Instant healthy;
        private Instant files;
        private volatile String filesProblem = "not checked: the standby was never seen promoted";
        private CompletableFuture<Instant> filesCheck;
        private Instant failoverSeen;
        private final ExecutorService filesLooker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vakt-drill-files");
            t.setDaemon(true);
            return t;
        });

        Observer(FaultKind kind, Node oldPrimary, Node standby, ServiceResolver resolver, LoadWriter writer,
                HealthReader reader, Instant faultAt, long baseline, Instant drillStart) {
            this.kind = kind;
            this.oldPrimary = oldPrimary;
            this.standby = standby;
            this.resolver = resolver;
            this.writer = writer;
            this.reader = reader;
            this.faultAt = faultAt;
            this.lastEventId = baseline;
            this.drillStart = drillStart;
        }

        FailoverRecord run(Duration timeout) throws InterruptedException {
            try {
                return observe(timeout);
            } finally {
                filesLooker.shutdownNow();
            }
        }

        private FailoverRecord observe(Duration timeout) throws InterruptedException {
            Instant deadline = faultAt.plus(timeout);
            // partition-monitor: long enough for a (wrong) DOWN verdict and a failover to show.
            var checks = config.policy().checks();
            Duration window = min(timeout, checks.interval().multipliedBy(checks.failures() + 3).plusSeconds(3));
            Set<String> oldHosts = hosts(oldPrimary);
            Set<String> newHosts = hosts(standby);
            FailoverRecord failover = null;
            Instant doneAt = null;
            // Bounded by the deadline: timeout / TICK iterations at most (each a few short probes).
            while (clock.instant().isBefore(deadline)) {
                Instant now = clock.instant();
                readJournal();
                failover = failoverSince(drillStart).orElse(null);
                if (failover != null && failoverSeen == null) failoverSeen = now;
                if (readOnlyOff == null && LiveRole.of(quick.inspect(standby)) == LiveRole.PRIMARY) {
                    readOnlyOff = clock.instant();
                    mark(readOnlyOff, "read-only-off", standby.name() + " is writable and replicates from nobody");
                }
                if (trafficVisible == null && resolver.throughServiceName()) {
                    try {
                        var a = resolver.resolve();
                        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
                        if (newHosts.contains(host)) {
                            trafficVisible = clock.instant();
                            mark(trafficVisible, "traffic", resolver.describe() + " now gives " + host + " (" + standby.name() + ")");
                        }
                    } catch (IOException e) {
                        // Not resolvable this tick (the record is being replaced): try again next tick.
                    }
                }
                if (firstWrite == null) {
                    for (LoadWriter.Ack a : writer.acks()) {
                        if (a.at().isBefore(faultAt) || oldHosts.contains(a.host())) continue;
                        firstWrite = a.at();
                        mark(firstWrite, "write", "first acknowledged write through the service after the fault (row "
                                + a.seq() + " on " + a.address() + ")");
                        break;
                    }
                }
                Instant recovered = trafficVisible != null ? trafficVisible : firstWrite;
                if (reader != null && healthy == null && recovered != null) {
                    for (HealthReader.Sample s : reader.samples()) {
                        if (s.healthy() && !s.at().isBefore(recovered)) {
                            healthy = s.at();
                            mark(healthy, "health", "site healthy through the service: " + s.detail());
                            break;
                        }
                    }
                }
                if (files == null && readOnlyOff != null && env.files().unavailable() == null && filesBeforeFault == null) {
                    checkFiles();
                }
                boolean failoverEnded = failover != null && failover.outcome() != FailoverOutcome.RUNNING;
                boolean complete;
                if (kind.failoverExpected()) {
                    boolean failed = failoverEnded && failover.outcome() != FailoverOutcome.COMPLETED;
                    complete = failed || (failoverEnded && firstWrite != null && readOnlyOff != null
                            && (trafficVisible != null || !resolver.throughServiceName())
                            && (healthy != null || reader == null)
                            && (files != null || env.files().unavailable() != null || filesBeforeFault != null));
                } else {
                    // No failover must happen: watch the whole window, or stop once a (false) one ended.
                    complete = failoverEnded || !now.isBefore(faultAt.plus(window));
                }
                if (complete && doneAt == null) doneAt = now;
                if (doneAt != null && !now.isBefore(doneAt.plus(TAIL))) break;
                Thread.sleep(TICK.toMillis());
            }
            readJournal();
            failover = failoverSince(drillStart).orElse(null);
            if (doneAt == null) {
                mark(clock.instant(), "note", "observation ended at the drill timeout (" + timeout.toSeconds() + " s)");
                if (kind.failoverExpected() && failover == null) say("no failover within " + timeout.toSeconds() + " s");
            }
            if (firstWrite == null && kind.failoverExpected()) mark(clock.instant(), "note", "no write reached a new primary");
            if (!kind.failoverExpected()) {
                mark(clock.instant(), "note", failover == null ? "no failover (as expected): the monitor's view alone never"
                        + " fails over" : "FALSE FAILOVER: " + describe(failover));
            }
            return failover;
        }

        /**
         * One ssh round trip per look, on its own thread, so a slow ssh never delays the other observations;
         * a look that found nothing is repeated on the next tick.
         */
        private void checkFiles() {
            if (filesCheck == null) {
                filesCheck = CompletableFuture.supplyAsync(() -> {
                    try {
                        if (env.files().present(standby)) return clock.instant();
                        filesProblem = "not present at the last look";
                    } catch (Exception e) {
                        filesProblem = e.getMessage();
                    }
                    return null;
                }, filesLooker);
            } else if (filesCheck.isDone()) {
                Instant seen = filesCheck.getNow(null);
                filesCheck = null;
                if (seen != null) {
                    files = seen;
                    mark(files, "files", "files present at " + standby.name() + "'s site (the drill's canary reached it)");
                }
            }
        }

        Instant filesSeen() {
            return files;
        }

        /** When the standby was seen writable and replicating from nobody; null if never. */
        Instant promotedAt() {
            return readOnlyOff;
        }

        String filesProblem() {
            return filesProblem;
        }

        private void readJournal() {
            for (JournalEvent e : journal.history(200)) {
                if (e.id() <= lastEventId) continue;
                lastEventId = e.id();
                mark(e.at(), kindOf(e), e.summary());
            }
        }

        private String kindOf(JournalEvent e) {
            return switch (e.kind()) {
                case STATE_CHANGE -> e.details().path("to").asText("").equals("HEALTHY") ? "note" : "detection";
                case FAILOVER_STEP, EPOCH -> "step";
                default -> "note";
            };
        }
    }

    private Optional<FailoverRecord> failoverSince(Instant since) {
        return journal.failovers(5).stream()
                .filter(f -> !f.startedAt().isBefore(since.minusMillis(1)))
                .filter(f -> !Switchover.MODE.equals(f.mode()))
                .findFirst();
    }

    // ---- restore ----

    /** The old primary came back (or was never down) writable next to the new primary: fence it now. */
    private void fenceIfWritable(Node oldPrimary) {
        try (DbSession db = inspector.open(oldPrimary)) {
            NodeState s = inspector.inspect(oldPrimary, db);
            if (LiveRole.of(s) == LiveRole.PRIMARY) {
                int ended = NodeOperations.fence(db);
                String line = "fenced " + oldPrimary.name() + " (read_only=ON, " + ended + " sessions ended): the new primary"
                        + " is " + config.peerOf(oldPrimary).name();
                restore.add(line);
                mark(clock.instant(), "restore", line);
            }
        } catch (SQLException e) {
            restore.add("could not check or fence " + oldPrimary.name() + ": " + Errors.describe(e)
                    + "; make sure it is read-only before anything writes to it");
        }
    }

    private void rejoinAndSwitchBack(Node oldPrimary, Options o) {
        if (leader != null) {
            rejoinAndSwitchBackByLeader(oldPrimary, o);
            return;
        }
        try {
            Rejoin.Result r = new Rejoin(journal, clock, adminTimeout, VaktFiles.errantDir(configFile), Duration.ofMinutes(5))
                    .run(config, oldPrimary, new Rejoin.Options(o.discardErrant(), Duration.ofSeconds(30)), indented());
            String line = "rejoin " + oldPrimary.name() + ": " + r.outcome() + (r.detail() == null ? "" : " (" + r.detail() + ")")
                    + (r.errantFile() == null ? "" : "; errant transactions saved to " + r.errantFile());
            restore.add(line);
            mark(clock.instant(), "restore", line);
            say(line);
            boolean rejoined = r.outcome() == Rejoin.Outcome.REJOINED || r.outcome() == Rejoin.Outcome.ALREADY_REPLICA;
            if (!rejoined || !o.switchBack()) return;
            Switchover.Result s = new Switchover(journal, env.traffic(), clock, adminTimeout,
                    OperatorCommands.of(configFile, journal.file()))
                    .run(config, new Switchover.Options(Duration.ofSeconds(10), Duration.ofSeconds(30), false), indented());
            String sl = "switch back " + s.from() + " -> " + s.to() + ": " + s.outcome()
                    + (s.writeUnavailable() == null ? "" : " (writes unavailable " + s.writeUnavailable().toMillis() + " ms)");
            restore.add(sl);
            mark(clock.instant(), "restore", sl);
            say(sl);
        } catch (Exception e) {
            String line = "rejoin/switch back failed: " + e.getMessage();
            restore.add(line);
            say(line);
        }
    }

    /** As {@link #rejoinAndSwitchBack}, run by the leading agent through its API (with agents). */
    private void rejoinAndSwitchBackByLeader(Node oldPrimary, Options o) {
        try {
            LeaderApi.Answer r = leader.post("api/rejoin", java.util.Map.of("node", oldPrimary.name(), "discard_errant",
                    o.discardErrant(), "wait", "30000ms"), Duration.ofMinutes(6));
            String outcome = r.text("outcome");
            String line = "rejoin " + oldPrimary.name() + " by the leading agent: " + (outcome == null ? "HTTP " + r.status()
                    : outcome) + (r.text("detail") == null ? "" : " (" + r.text("detail") + ")")
                    + (outcome == null && r.text("message") != null ? ": " + r.text("message") : "");
            restore.add(line);
            mark(clock.instant(), "restore", line);
            say(line);
            boolean rejoined = r.status() == 200 && (Rejoin.Outcome.REJOINED.name().equals(outcome)
                    || Rejoin.Outcome.ALREADY_REPLICA.name().equals(outcome));
            if (!rejoined || !o.switchBack()) return;
            LeaderApi.Answer s = leader.post("api/switchover", java.util.Map.of("timeout", "10000ms", "dry_run", false),
                    Duration.ofMinutes(6));
            JsonNode window = s.body().get("write_unavailable_ms");
            String sl = "switch back " + s.text("from") + " -> " + s.text("to") + " by the leading agent: "
                    + (s.text("outcome") == null ? "HTTP " + s.status() + ": " + s.text("message") : s.text("outcome"))
                    + (window == null || window.isNull() ? "" : " (writes unavailable " + window.asLong() + " ms)");
            restore.add(sl);
            mark(clock.instant(), "restore", sl);
            say(sl);
        } catch (Exception e) {
            String line = "rejoin/switch back through the leading agent failed: " + e.getMessage();
            restore.add(line);
            say(line);
        }
    }

    /** How long the restore waits for a standby's replication threads to run again. */
    private static final Duration REPLICATION_RESTART = Duration.ofSeconds(15);

    /**
     * The restore leaves replication running or says loudly why not. A failover attempt that stopped
     * before the promotion leaves the standby's threads stopped (its STOP SLAVE ran), without an error:
     * they are started again. An error, or no read-only node replicating at all, is reported in capitals.
     */
    private void replicationAfterRestore(Node oldPrimary) {
        Node peer = config.peerOf(oldPrimary);
        NodeState a = inspector.inspect(oldPrimary);
        NodeState b = inspector.inspect(peer);
        Optional<NodeState> standby = java.util.stream.Stream.of(b, a)
                .filter(n -> n.reachable() && n.readOnly() && n.replica().isPresent()).findFirst();
        if (standby.isEmpty()) {
            Node idle = LiveRole.of(b) == LiveRole.PRIMARY ? oldPrimary : peer;
            loudRestore("REPLICATION NOT RUNNING: no read-only node replicates (" + oldPrimary.name() + " "
                    + LiveRole.of(a).label() + ", " + peer.name() + " " + LiveRole.of(b).label() + "); rebuild "
                    + idle.name() + " as a standby: " + OperatorCommands.of(configFile, journal.file()).rejoin(idle.name()));
            return;
        }
        Node node = standby.get().node();
        var r = standby.get().replica().get();
        if (r.ioThreadRunning() && r.sqlThreadRunning()) return;
        if (!r.lastError().isEmpty()) {
            loudRestore("REPLICATION NOT RUNNING on " + node.name() + ": " + r.lastError() + "; fix it, then START SLAVE");
            return;
        }
        try (DbSession db = inspector.open(node)) {
            db.execute("START SLAVE");
            long deadline = System.nanoTime() + REPLICATION_RESTART.toNanos();
            while (System.nanoTime() < deadline) {
                var now = inspector.inspect(node, db).replica();
                if (now.isPresent() && now.get().ioThreadRunning() && now.get().sqlThreadRunning()) {
                    String line = "started replication on " + node.name() + " again (IO " + r.ioRunning() + ", SQL "
                            + r.sqlRunning() + " before, stopped without an error, as a failover attempt that stopped"
                            + " before the promotion leaves it)";
                    restore.add(line);
                    mark(clock.instant(), "restore", line);
                    say(line);
                    return;
                }
                Thread.sleep(TICK.toMillis());
            }
            var last = inspector.inspect(node, db).replica();
            loudRestore("REPLICATION NOT RUNNING on " + node.name() + " " + REPLICATION_RESTART.toSeconds()
                    + " s after START SLAVE: " + last.map(x -> "IO " + x.ioRunning() + ", SQL " + x.sqlRunning()
                            + (x.lastError().isEmpty() ? "" : ", " + x.lastError())).orElse("no replication configured"));
        } catch (SQLException e) {
            loudRestore("REPLICATION NOT RUNNING on " + node.name() + ": START SLAVE failed: " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loudRestore("REPLICATION NOT CHECKED on " + node.name() + ": interrupted");
        }
    }

    private void loudRestore(String line) {
        restore.add(line);
        mark(clock.instant(), "restore", line);
        say(line);
    }

    // ---- helpers ----

    private Outcome refused(String why) {
        out.println("drill refused, nothing changed: " + why);
        out.flush();
        return new Outcome(why, null);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private synchronized void mark(Instant at, String kind, String what) {
        timeline.add(new TimelineEvent(at, kind, what));
    }

    private ServiceResolver resolver() {
        DrillsConfig.ServiceConfig service = config.drills().service();
        return service != null ? new DnsServiceResolver(service, Duration.ofMillis(500))
                : new LivePrimaryResolver(config, quick);
    }

    /** Whether someone writes heartbeats on the node now (another monitor or vakt heartbeat). */
    private boolean heartbeatsMoving(Node node) throws SQLException, InterruptedException {
        Duration wait = max(Duration.ofMillis(600), config.replication().heartbeatInterval().multipliedBy(3));
        String first = newestHeartbeat(node);
        Thread.sleep(wait.toMillis());
        String second = newestHeartbeat(node);
        return second != null && !second.equals(first);
    }

    private String newestHeartbeat(Node node) throws SQLException {
        try (DbSession db = inspector.open(node)) {
            return db.scalar("SELECT MAX(ts) FROM vakt.heartbeat").orElse(null);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return null;
            throw e;
        }
    }

    /**
     * A site in steady state has its files on the standby: the fault waits (bounded) until file sync has
     * carried the canary there, as the load waits for its first writes. Null when it arrived, else why not:
     * then the standby was not in step before the fault, which fails the drill whatever happens next.
     */
    private String awaitFilesInStep(Node standby) throws InterruptedException {
        Instant start = clock.instant();
        Instant deadline = start.plus(FILES_IN_STEP);
        String last = "not there yet";
        // Bounded by the deadline; each look is one short ssh run.
        while (clock.instant().isBefore(deadline)) {
            try {
                if (env.files().present(standby)) {
                    mark(clock.instant(), "files", "file sync carried the drill's canary to " + standby.name() + "'s site in "
                            + Duration.between(start, clock.instant()).toMillis() + " ms (before the fault)");
                    return null;
                }
            } catch (Exception e) {
                last = e.getMessage();
            }
            Thread.sleep(200);
        }
        return "the drill's canary file did not reach " + standby.name() + "'s site within " + FILES_IN_STEP.toSeconds()
                + " s before the fault (" + last + "): file sync is not keeping the standby in step (vakt status)";
    }

    /** Reads before the fault for the p99 that "time to warm" compares with; bounded, a drill without them says so. */
    private void awaitReadBaseline(ReadProbe probe) throws InterruptedException {
        Instant deadline = clock.instant().plusSeconds(5);
        while (probe.samples().stream().filter(TimeToWarm.Sample::ok).count() < TimeToWarm.MIN_BASELINE
                && clock.instant().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }

    /**
     * Watches the reads through the service after the promotion until they are back within 1.5x of their p99
     * before the fault, or drills.warm-window passed (the load keeps running meanwhile, as a shop's would).
     */
    private TimeToWarm awaitWarm(ReadProbe probe, Instant faultAt, Instant promotedAt) throws InterruptedException {
        Duration window = config.drills().warmWindow();
        while (true) { // bounded: decide() answers once the window is over
            Optional<TimeToWarm> t = TimeToWarm.decide(probe.samples(), faultAt, promotedAt, clock.instant(), window);
            if (t.isPresent()) {
                Instant at = t.get().after() != null ? promotedAt.plus(t.get().after()) : clock.instant();
                mark(at, "warm", "time to warm: " + t.get().describe());
                say("time to warm: " + t.get().describe());
                return t.get();
            }
            Thread.sleep(TICK.toMillis());
        }
    }

    private void awaitWarmUp(LoadWriter writer, int rate) throws InterruptedException {
        Instant deadline = clock.instant().plusSeconds(5);
        int wanted = Math.max(5, rate); // about a second of writes before the fault
        while (writer.acks().size() < wanted && clock.instant().isBefore(deadline)) Thread.sleep(50);
        if (writer.acks().isEmpty()) {
            String last = writer.failures().isEmpty() ? "no error" : writer.failures().get(writer.failures().size() - 1).error();
            throw new IllegalStateException("the load writer could not write through " + resolver().describe() + ": " + last);
        }
    }

    private long lastJournalId() {
        List<JournalEvent> last = journal.history(1);
        return last.isEmpty() ? 0 : last.get(0).id();
    }

    /** Sequence numbers of this drill on {@code node}; {@code fallback} when it does not answer. */
    private Set<Long> presentSeqs(Node node, Node fallback, String drillId) throws SQLException {
        SQLException first = null;
        for (Node n : fallback == null ? List.of(node) : List.of(node, fallback)) {
            try (DbSession db = inspector.open(n)) {
                Set<Long> seqs = new HashSet<>();
                for (Map<String, String> row : db.rows("SELECT seq FROM " + DrillAccount.TABLE + " WHERE drill_id = ?", drillId)) {
                    seqs.add(Long.parseLong(row.get("seq")));
                }
                if (!n.equals(node)) restore.add("rows counted on " + n.name() + ": " + node.name() + " did not answer");
                return seqs;
            } catch (SQLException e) {
                if (first == null) first = e;
            }
        }
        throw first;
    }

    /** The node's address as acknowledgements and DNS name it: the configured host and what it resolves to. */
    private static Set<String> hosts(Node node) {
        Set<String> out = new HashSet<>();
        out.add(node.mysql().host());
        try {
            for (InetAddress a : InetAddress.getAllByName(node.mysql().host())) out.add(a.getHostAddress());
        } catch (IOException ignored) {
            // An unresolvable host name: the configured text is all there is.
        }
        return out;
    }

    static String describe(FailoverRecord f) {
        return "failover " + f.id() + " " + f.fromNode() + " -> " + f.toNode() + " (" + f.mode() + ", " + f.outcome().label()
                + ", started " + f.startedAt() + ")";
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** What rejoin and switchover print, line by line into the drill's output, indented. */
    private PrintWriter indented() {
        return new PrintWriter(new LineWriter(l -> say("    " + l)), true);
    }
}
