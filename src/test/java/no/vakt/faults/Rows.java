package no.vakt.faults;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.config.FaultKind;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.drill.DefaultFaults;
import no.vakt.drill.Fault;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.StepRecord;
import no.vakt.lab.Lab;
import no.vakt.lab.LabNetworkFaults;
import no.vakt.lab.LabSite;
import no.vakt.lab.MariaDbServer;

/** The rows of the fault matrix, in the order of the table. */
final class Rows {
    private Rows() {}

    static Map<String, FaultRow> all() {
        Map<String, FaultRow> rows = new LinkedHashMap<>();
        for (FaultRow r : List.of(new KillDb(), new Network(FaultKind.BLOCK_PORTS), new Network(FaultKind.ISOLATE_PRIMARY),
                new Network(FaultKind.PARTITION_MONITOR), new LaggingStandby(), new Freeze(), new MonitorKilled(),
                new VaktRows.SecondMonitor(), new VaktRows.SwitchoverDuringRun(),
                new VaktRows.FailingProvider("dns-api-500", 500, false), new VaktRows.FailingProvider("dns-api-429", 429, false),
                new VaktRows.FailingProvider("dns-api-403", 403, false), new VaktRows.FailingProvider("dns-api-stall", 0, false),
                new VaktRows.FailingProvider("webhook-stall", 0, true), new FileRows.ReceiverDiskFull(),
                new FileRows.DirectoryReplaced(), new FileRows.InotifyOverflow(), new FileRows.JournalDiskFull())) {
            rows.put(r.id(), r);
        }
        return rows;
    }

    /** kill -9 of the primary's mariadbd; started again (as its my.cnf says) once the failover is done. */
    static final class KillDb extends PrimaryKilled {
        @Override
        public String id() {
            return "kill-db";
        }

        @Override
        public String fault() {
            return "kill -9 of the primary's mariadbd";
        }

    }

    /** The standby's SQL thread stopped for 2 s of writes before the primary dies: the relay log must be applied. */
    static final class LaggingStandby extends PrimaryKilled {
        @Override
        public String id() {
            return "lagging-standby";
        }

        @Override
        public String fault() {
            return "standby's SQL thread stopped (2 s of writes behind), then kill -9 of the primary";
        }

        @Override
        public String expected() {
            return "failover after the relay log is applied; nothing lost with semi-sync";
        }

        @Override
        public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws Exception {
            try (Connection c = lab.socketConnection(standby, Duration.ofSeconds(5)); Statement s = c.createStatement()) {
                s.execute("STOP SLAVE SQL_THREAD");
            }
            RowRunner.sleep(Duration.ofSeconds(2));
        }

    }

    /** SIGSTOP of the primary's mariadbd for 10 s, then SIGCONT: a hung server that comes back. */
    static final class Freeze implements FaultRow {
        @Override
        public String id() {
            return "sigstop-db";
        }

        @Override
        public String fault() {
            return "SIGSTOP of the primary's mariadbd for 10 s, then SIGCONT";
        }

        @Override
        public boolean failoverExpected() {
            return true;
        }

        @Override
        public String expected() {
            return "failover; the old primary resumes fenced";
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) throws Exception {
            signal(lab.server(primary), "-STOP");
        }

        @Override
        public void afterInject(FaultLab lab, RowRunner.Notes notes) {
            RowRunner.sleep(Duration.ofSeconds(10));
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) throws Exception {
            // Powered off by a fence command (StonithRow): nothing left to resume.
            if (Lab.liveProcess(lab.server(primary)).isPresent()) signal(lab.server(primary), "-CONT");
        }
    }

    /** The network faults of the drill, made in the lab's namespaces. */
    static final class Network implements FaultRow {
        private final FaultKind kind;
        private Fault fault;

        Network(FaultKind kind) {
            this.kind = kind;
        }

        @Override
        public String id() {
            return kind.label();
        }

        @Override
        public String fault() {
            return switch (kind) {
                case BLOCK_PORTS -> "iptables DROP of the primary's ports 3306, 80, 443 (a black hole)";
                case ISOLATE_PRIMARY -> "the primary's site cut off from everyone";
                case PARTITION_MONITOR -> "only the monitor cut off from the primary";
                default -> kind.label();
            };
        }

        @Override
        public boolean failoverExpected() {
            return kind.failoverExpected();
        }

        @Override
        public boolean needsNetns() {
            return true;
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) throws Exception {
            VaktConfig cfg = lab.cfg();
            DefaultFaults.NetworkFaults net = LabNetworkFaults.forConfig(lab.config())
                    .orElseThrow(() -> new IllegalStateException("the lab has no network namespaces"));
            fault = net.create(kind, cfg, node(lab, cfg, primary));
            fault.inject();
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) throws Exception {
            if (fault != null) fault.remove();
            fault = null;
        }
    }

    /** kill -9 of `vakt run` while it fails over (at whichever step runs then), then a restart. */
    static final class MonitorKilled extends PrimaryKilled {
        private long failoversBefore;

        @Override
        public String id() {
            return "kill-vakt-run";
        }

        @Override
        public String fault() {
            return "kill -9 of the primary's mariadbd, then kill -9 of `vakt run` mid-failover and a restart";
        }

        @Override
        public String expected() {
            return "the restarted monitor finishes (or safely stops) the failover";
        }

        @Override
        public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) {
            failoversBefore = lab.latestFailover().map(FailoverRecord::id).orElse(0L);
        }

        @Override
        public void afterInject(FaultLab lab, RowRunner.Notes notes) throws Exception {
            long before = failoversBefore;
            // Polls the journal every 100 ms (RowRunner.await): the kill lands within 100 ms of the step that runs.
            boolean running = RowRunner.await(Duration.ofSeconds(30), () -> lab.latestFailover()
                    .filter(f -> f.id() > before).isPresent());
            Optional<ProcessHandle> monitor = lab.monitorProcess();
            Optional<FailoverRecord> f = lab.latestFailover();
            monitor.ifPresent(ProcessHandle::destroyForcibly);
            String step = f.flatMap(r -> r.steps().stream().reduce((a, b) -> b)).map(StepRecord::name).orElse("none");
            notes.add(running ? "vakt run killed during " + step + " (failover " + f.map(FailoverRecord::outcome)
                    .map(FailoverOutcome::label).orElse("?") + ")" : "no failover began within 30 s");
            if (monitor.isPresent()) monitor.get().onExit().get(10, TimeUnit.SECONDS);
            lab.startMonitor();
        }

    }

    static Node node(FaultLab lab, VaktConfig cfg, LabSite site) {
        String host = lab.server(site).host();
        return cfg.nodes().stream().filter(n -> n.mysql().host().equals(host)).findFirst().orElseThrow();
    }

    private static void signal(MariaDbServer server, String signal) throws Exception {
        long pid = Lab.liveProcess(server).orElseThrow(() -> new IllegalStateException(server.name() + " is not running")).pid();
        Process p = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }
}
