package no.vakt.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.lab.LabSite;
import no.vakt.testing.Cli;

/**
 * Runs one row on a fresh lab the same way for every row: steady load, the fault, Vakt's reaction, the
 * fault removed, recovery (the old primary rejoined when there was a failover), then the figures.
 */
final class RowRunner {
    /** Bounds from the lab: a failover at default settings takes under 10 s, a rejoin a few seconds. */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(60);
    private static final Duration WRITES_BACK_LIMIT = Duration.ofSeconds(30);
    private static final Duration FENCED_LIMIT = Duration.ofSeconds(30);
    private static final Duration FILES_LIMIT = Duration.ofSeconds(40);

    /** What a row saw along the way, for the "observed" column. */
    static final class Notes {
        private final List<String> lines = new ArrayList<>();

        synchronized void add(String line) {
            lines.add(line);
        }

        synchronized String joined() {
            return String.join("; ", lines);
        }
    }

    private final FaultLab.Place place;
    private final FaultLab.Tuning tuning;
    private final Path workDir;

    RowRunner(FaultLab.Place place, FaultLab.Tuning tuning, Path workDir) {
        this.place = place;
        this.tuning = tuning;
        this.workDir = workDir;
    }

    Outcome run(FaultRow row, boolean semiSync) throws Exception {
        String runId = row.id() + (semiSync ? "-ss" : "-as") + "-" + System.currentTimeMillis() % 100_000;
        Notes notes = new Notes();
        List<String> violations = new ArrayList<>();
        try (FaultLab lab = FaultLab.up(workDir.resolve(runId), place, semiSync, row.stonith(), tuning,
                row.configEdit())) {
            try {
                return run(row, semiSync, lab, runId, notes, violations);
            } finally {
                row.cleanup(lab);
            }
        }
    }

    private Outcome run(FaultRow row, boolean semiSync, FaultLab lab, String runId, Notes notes, List<String> violations)
            throws Exception {
        row.prepare(lab);
        lab.validate();
        lab.startMonitor();
        Application app = Application.start(lab, runId);
        lab.attach(app);
        WritableSampler sampler = new WritableSampler(lab);
        try {
            if (!await(Duration.ofSeconds(20), () -> app.acks().size() >= 20 && app.uploads().size() >= 3)) {
                throw new IllegalStateException("the load never got going: " + app.acks().size() + " writes acknowledged");
            }
            LabSite primary = lab.writableSite().orElseThrow(() -> new IllegalStateException("no single writable site"));
            LabSite standby = other(primary);
            row.beforeFault(lab, primary, standby);
            long failoversBefore = lab.latestFailover().map(FailoverRecord::id).orElse(0L);

            Instant faultAt = Instant.now();
            row.inject(lab, primary);
            row.afterInject(lab, notes);

            Optional<FailoverRecord> failover = Optional.empty();
            Long recoverMs;
            if (row.failoverExpected()) {
                await(FAILOVER_LIMIT, () -> ended(lab, failoversBefore));
                failover = newFailover(lab, failoversBefore);
                await(WRITES_BACK_LIMIT, () -> app.msToFirstWriteElsewhere(faultAt, primary) != null);
                recoverMs = app.msToFirstWriteElsewhere(faultAt, primary);
            } else {
                sleep(row.hold());
                failover = newFailover(lab, failoversBefore);
                recoverMs = null;
            }
            Instant removingAt = Instant.now();
            row.remove(lab, primary);
            Instant removedAt = Instant.now();
            // Next to the run's copied log: when the fault began and ended, to line the fences up against.
            java.nio.file.Files.writeString(workDir.resolve(runId + "-times.txt"), "fault " + faultAt + "\nremoving "
                    + removingAt + "\nremoved " + removedAt + "\n");
            failover = newFailover(lab, failoversBefore);

            boolean failedOver = failover.map(f -> f.outcome() == FailoverOutcome.COMPLETED).orElse(false);
            notes.add(describe(failover));
            if (row.failoverExpected() && !failedOver) violations.add("no completed failover");
            if (!row.failoverExpected() && failover.isPresent()) violations.add("a failover on a fault that calls for none");

            if (failedOver) {
                boolean fenced = await(FENCED_LIMIT, () -> lab.writableSite().equals(Optional.of(standby)));
                notes.add(fenced ? "old primary fenced after the fault was removed"
                        : "old primary NOT fenced within " + FENCED_LIMIT.toSeconds() + " s");
                if (!fenced) violations.add("old primary not fenced");
                if (row.rejoinAfter()) {
                    Cli rejoin = Cli.run("rejoin", node(lab, primary), "--discard-errant", "--config",
                            lab.config().toString());
                    notes.add(rejoin.exitCode() == 0 ? "rejoined" : "rejoin exit " + rejoin.exitCode() + ": "
                            + VaktRows.lastLine(rejoin.out() + rejoin.err()));
                    if (rejoin.exitCode() != 0) {
                        java.nio.file.Files.writeString(workDir.resolve(runId + "-rejoin.txt"), rejoin.out() + rejoin.err());
                    }
                }
            } else if (!row.failoverExpected()) {
                recoverMs = app.longestGapAfter(faultAt, removedAt);
            }
            await(FILES_LIMIT, () -> app.uploadsMissing() == 0);
            row.verify(lab, app, violations, notes);
            app.stop();
            LabSite live = lab.writableSite().orElse(failedOver ? standby : primary);
            long lost = app.ackedMissingOn(live);
            long filesMissing = app.uploadsMissing();
            sampler.close();
            if (semiSync && lost > 0) violations.add(lost + " acknowledged writes lost with semi-sync");
            if (sampler.max() > 1) violations.add("two writable primaries: " + sampler.doubleWritable());
            if (filesMissing > 0) violations.add(filesMissing + " uploads missing after recovery");
            return new Outcome(row.id(), semiSync, row.expected(), notes.joined(), lost, sampler.max(), recoverMs,
                    filesMissing, violations);
        } finally {
            app.close();
            sampler.close();
        }
    }

    private static String describe(Optional<FailoverRecord> f) {
        if (f.isEmpty()) return "no failover";
        FailoverRecord r = f.get();
        String at = r.steps().isEmpty() ? "" : " at " + r.steps().get(r.steps().size() - 1).name();
        return "failover " + r.outcome().label() + (r.outcome() == FailoverOutcome.COMPLETED ? " to " + r.toNode() : at)
                + (r.summary() == null || r.summary().isBlank() ? "" : " (" + r.summary() + ")");
    }

    private static boolean ended(FaultLab lab, long before) {
        return newFailover(lab, before).map(f -> f.outcome() == FailoverOutcome.COMPLETED).orElse(false);
    }

    private static Optional<FailoverRecord> newFailover(FaultLab lab, long before) {
        return lab.latestFailover().filter(f -> f.id() > before);
    }

    static String node(FaultLab lab, LabSite site) {
        return lab.cfg().nodes().stream().filter(n -> n.mysql().host().equals(lab.server(site).host())).findFirst()
                .orElseThrow().name();
    }

    static LabSite other(LabSite s) {
        return s == LabSite.OSLO ? LabSite.BERGEN : LabSite.OSLO;
    }

    /** Polls every 100 ms until the condition holds or the limit passes; whether it held. */
    static boolean await(Duration limit, BooleanSupplier condition) {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) return true;
            sleep(Duration.ofMillis(100));
        }
        return condition.getAsBoolean();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
