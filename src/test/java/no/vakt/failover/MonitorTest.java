package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.alert.AlertDispatcher;
import no.vakt.alert.AlertSinks;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.failover.detect.FailoverTrigger;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.Transition;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.roles.LiveRoles;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TcpProxy;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against a real replicating pair. The monitor reaches the primary through a {@link TcpProxy}
 * where a test cuts the monitor off, while the standby replicates from the primary directly.
 */
class MonitorTest {
    @TempDir
    Path tmp;

    TestPair pair;
    TcpProxy proxy;
    Journal journal;
    Monitor monitor;
    AlertDispatcher alerts;
    final RecordingTrigger trigger = new RecordingTrigger();
    final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (monitor != null) monitor.close();
        if (alerts != null) alerts.close();
        if (journal != null) journal.close();
        if (proxy != null) proxy.close();
        if (pair != null) pair.close();
    }

    /** Records every call, in order. */
    static final class RecordingTrigger implements FailoverTrigger {
        final List<Transition> down = new CopyOnWriteArrayList<>();
        final List<Transition> unreachable = new CopyOnWriteArrayList<>();
        final List<Transition> all = new CopyOnWriteArrayList<>();
        /** System.nanoTime() of each primaryDown / unreachableFromMonitor call. */
        final List<Long> alertedAtNanos = new CopyOnWriteArrayList<>();

        @Override
        public void primaryDown(LiveRoles roles, Transition evidence) {
            alertedAtNanos.add(System.nanoTime());
            down.add(evidence);
            all.add(evidence);
        }

        @Override
        public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {
            alertedAtNanos.add(System.nanoTime());
            unreachable.add(evidence);
            all.add(evidence);
        }

        @Override
        public void stateChanged(LiveRoles roles, Transition transition) {
            all.add(transition);
        }

        /** Whether the failover "started" at DOWN stopped before the promotion (a retry is wanted). */
        volatile boolean abortedBeforePromotion;
        final List<Transition> retries = new CopyOnWriteArrayList<>();

        @Override
        public boolean retryWanted() {
            return abortedBeforePromotion;
        }

        @Override
        public void primaryStillDown(LiveRoles roles, Transition evidence) {
            retries.add(evidence);
        }

        boolean reached(PrimaryHealth h) {
            return all.stream().anyMatch(t -> t.to() == h);
        }
    }

    /** A replicating pair with fast checks; with {@code viaProxy} the config's primary is the proxy. */
    private VaktConfig replicatingPair(boolean viaProxy) throws Exception {
        VaktConfig config = replicatingPair(viaProxy, "200ms", "500ms");
        assertThat(config.policy().checks().interval()).isEqualTo(Duration.ofMillis(200));
        return config;
    }

    private VaktConfig replicatingPair(boolean viaProxy, String interval, String timeout) throws Exception {
        return replicatingPair(TestPair.builder(), viaProxy, interval, timeout);
    }

    private VaktConfig replicatingPair(TestPair.Builder builder, boolean viaProxy, String interval, String timeout)
            throws Exception {
        pair = builder.start();
        ReplicationFixture.start(pair); // replication is set up against the real primary address
        pair.rewriteConfig(y -> y.replace("interval: 1s\n    timeout: 1s\n    failures: 3",
                "interval: " + interval + "\n    timeout: " + timeout + "\n    failures: 3"));
        if (viaProxy) {
            proxy = TcpProxy.start(pair.primary.host(), pair.primary.port());
            String real = "host: " + pair.primary.host() + "\n          port: " + pair.primary.port() + "\n";
            pair.rewriteConfig(y -> {
                assertThat(y).contains(real);
                return y.replace(real, "host: " + proxy.host() + "\n          port: " + proxy.port() + "\n");
            });
        }
        return pair.config();
    }

    private Monitor startMonitor(VaktConfig config) {
        journal = new Journal(tmp.resolve("journal.db"), Clock.systemUTC());
        alerts = AlertSinks.fromConfig(config, journal, Clock.systemUTC());
        monitor = new Monitor(config, journal, trigger, alerts, Clock.systemUTC(), lines::add).start();
        await("healthy").atMost(Duration.ofSeconds(10)).until(() -> monitor.health() == PrimaryHealth.HEALTHY);
        return monitor;
    }

    private List<JournalEvent> stateChanges() {
        return journal.history(1000).stream().filter(e -> e.kind() == EventKind.STATE_CHANGE).toList();
    }

    @Test
    void aMonitorOnlyPartitionIsUnreachableFromMonitorAndNeverDown() throws Exception {
        VaktConfig config = replicatingPair(true);
        startMonitor(config);
        assertThat(proxy.accepted()).as("the monitor reaches the primary through the proxy").isPositive();

        long cut = System.nanoTime();
        proxy.block();
        await("unreachable from monitor").atMost(Duration.ofSeconds(5))
                .until(() -> monitor.health() == PrimaryHealth.UNREACHABLE_FROM_MONITOR);
        // failures x interval plus probe time; generous for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(4));

        // The monitor's heartbeat stops too (it is written through the cut path), yet the standby keeps
        // receiving the primary's replication heartbeats: it never confirms, so never DOWN.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> monitor.health() == PrimaryHealth.UNREACHABLE_FROM_MONITOR);
        Long heartbeatAge = new NodeInspector(Duration.ofSeconds(2)).inspect(config.standby()).heartbeatLagMs();
        assertThat(heartbeatAge).as("the heartbeat row stopped").isGreaterThan(4000L);
        assertThat(trigger.down).isEmpty();
        assertThat(trigger.unreachable).hasSize(1);
        assertThat(trigger.unreachable.get(0).evidence()).contains("IO thread Yes").contains("last received");

        proxy.unblock();
        await("healthy again").atMost(Duration.ofSeconds(5)).until(() -> monitor.health() == PrimaryHealth.HEALTHY);
        assertThat(trigger.down).isEmpty();
        assertThat(stateChanges()).extracting(JournalEvent::summary)
                .anyMatch(s -> s.endsWith("SUSPECT -> UNREACHABLE_FROM_MONITOR"))
                .anyMatch(s -> s.endsWith("UNREACHABLE_FROM_MONITOR -> HEALTHY"));
        assertThat(lines).anyMatch(l -> l.contains("-> UNREACHABLE_FROM_MONITOR: monitor: 3/3 consecutive probe failures"));
    }

    /**
     * Vakt's operating model: read_only=ON in every node's my.cnf. The primary restarted without a failover
     * (stop and start of its mariadbd) comes back read-only; the monitor opens it again within a few checks
     * and the application's writes resume. read_only set by hand on the running primary is left alone.
     */
    @Test
    void aPrimaryRestartedReadOnlyIsOpenedAgainButAHandSetReadOnlyIsLeft() throws Exception {
        VaktConfig config = replicatingPair(TestPair.builder().primaryOption("read-only", "1"), false, "200ms", "500ms");
        TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE IF NOT EXISTS shop.orders (id INT AUTO_INCREMENT PRIMARY KEY)",
                "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT INSERT ON shop.* TO 'app'@'%'");
        assertThat(appInsert()).as("vakt replicate opened the primary").isNull();
        startMonitor(config);

        pair.primary.stop();
        pair.primary.start(); // read-only again, as its my.cnf says
        long started = System.nanoTime();
        await("writes resume").atMost(Duration.ofSeconds(5)).until(() -> appInsert() == null);
        System.out.printf("restarted primary writable again %d ms after its start returned%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(stateChanges()).extracting(JournalEvent::summary)
                .anyMatch(s -> s.startsWith("primary oslo-db was read-only (restarted?) and is open again: read_only=OFF"
                        + " (oslo-db is the settled primary (epoch 0) and bergen-db is read-only)"));
        assertThat(monitor.roles().primary().name()).isEqualTo("oslo-db");
        assertThat(ReplicationFixture.variable(pair.standby, "read_only")).isEqualTo("1");

        TestPair.sql(pair.primary, "SET GLOBAL read_only = ON");
        await("left read-only").atMost(Duration.ofSeconds(5)).until(() -> stateChanges().stream().anyMatch(e -> e.summary()
                .startsWith("primary oslo-db is read-only; Vakt does not open it yet: read_only was set while oslo-db ran")));
        assertThat(ReplicationFixture.variable(pair.primary, "read_only")).isEqualTo("1");
        assertThat(monitor.primaryReadOnly().action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(monitor.primaryReadOnlyWarning()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("primary oslo-db is read-only: the application cannot write; Vakt does not open it yet:"
                        + " read_only was set while oslo-db ran")
                .endsWith("(" + PrimaryOpenPolicy.WHEN + ")");
        assertThat(monitor.health()).as("up but read-only is not dead").isEqualTo(PrimaryHealth.HEALTHY);
    }

    /** An application's insert into the primary: null when it succeeded, else the error. */
    private String appInsert() {
        String url = "jdbc:mariadb://" + pair.primary.host() + ":" + pair.primary.port() + "/shop?connectTimeout=1000";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "app", "app-pw");
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO orders () VALUES ()");
            return null;
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }

    @Test
    void aKilledPrimaryIsDownOnceWithTheEvidenceJournaled() throws Exception {
        VaktConfig config = replicatingPair(false);
        startMonitor(config);
        List<MonitorTick> ticks = new CopyOnWriteArrayList<>();
        monitor.onTick(ticks::add);

        pair.primary.kill();
        await("down").atMost(Duration.ofSeconds(8)).until(() -> monitor.health() == PrimaryHealth.DOWN);
        // Refused at once, nothing waited out a timeout: one probe per tick, no quick re-probes
        // (SuspectReprobe), so a restart gets the same failures x interval as before.
        assertThat(ticks.stream().filter(t -> !t.primary().ok()).takeWhile(t -> t.health() != PrimaryHealth.DOWN).count())
                .as("failed ticks before DOWN").isEqualTo(2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> trigger.down.size() == 1);
        Transition down = trigger.down.get(0);
        assertThat(down.from()).isEqualTo(PrimaryHealth.SUSPECT);
        assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(3);
        assertThat(down.evidence()).contains("the standby lost the primary too");
        assertThat(monitor.roles().primary().name()).isEqualTo(config.primary().name());

        List<JournalEvent> changes = stateChanges();
        assertThat(changes).extracting(JournalEvent::summary)
                .anyMatch(s -> s.endsWith("HEALTHY -> SUSPECT"))
                .anyMatch(s -> s.endsWith("SUSPECT -> DOWN"));
        JournalEvent d = changes.stream().filter(e -> e.summary().endsWith("-> DOWN")).findFirst().orElseThrow();
        assertThat(d.node()).isEqualTo(config.primary().name());
        assertThat(d.details().get("evidence").asText()).isEqualTo(down.evidence());
        assertThat(d.details().get("standby").asText()).isEqualTo(config.standby().name());
    }

    @Test
    void aFailoverThatStoppedBeforeThePromotionIsRetriedWhileThePrimaryStaysDownWithGrowingSpacing() throws Exception {
        VaktConfig config = replicatingPair(false);
        startMonitor(config);
        trigger.abortedBeforePromotion = true;

        pair.primary.kill();
        await("down").atMost(Duration.ofSeconds(8)).until(() -> trigger.down.size() == 1);
        // The attempt's STOP SLAVE left the standby's threads stopped without an error: still DOWN, retried.
        TestPair.sql(pair.standby, "STOP SLAVE");
        await("retried").atMost(Duration.ofSeconds(20)).until(() -> trigger.retries.size() >= 3);
        assertThat(monitor.health()).isEqualTo(PrimaryHealth.DOWN);
        assertThat(trigger.down).as("one down alert per outage").hasSize(1);
        assertThat(trigger.retries).allSatisfy(t -> assertThat(t.to()).isEqualTo(PrimaryHealth.DOWN));
        // Spaced one interval, then two: three retries span at least three intervals (every tick would be two).
        Duration span = Duration.between(trigger.retries.get(0).at(), trigger.retries.get(2).at());
        assertThat(span).as("the spacing doubles").isGreaterThanOrEqualTo(config.policy().checks().interval().multipliedBy(3));
        assertThat(stateChanges()).anyMatch(e -> e.summary().contains("still DOWN and a failover is wanted again")
                && e.summary().contains("retry 1/" + Monitor.MAX_FAILOVER_RETRIES));
    }

    @Test
    void aBlackHoledPrimaryIsDetectedAtTheIntervalCadenceNotIntervalPlusTimeout() throws Exception {
        // interval = timeout, so a tick that waits out its probe would double the cadence under a fixed delay.
        VaktConfig config = replicatingPair(false, "500ms", "500ms");
        Duration interval = config.policy().checks().interval();
        Duration timeout = config.policy().checks().timeout();
        int failures = config.policy().checks().failures();
        startMonitor(config);
        List<MonitorTick> ticks = new CopyOnWriteArrayList<>();
        monitor.onTick(ticks::add);

        long fault;
        try (FrozenServer frozen = FrozenServer.freeze(pair.primary)) {
            fault = System.nanoTime();
            // F failed probes, whatever the standby's witness makes of them (DOWN once its silence passes the bound).
            await("third failure").atMost(Duration.ofSeconds(10)).until(() -> !trigger.alertedAtNanos.isEmpty());
        }
        Duration detected = Duration.ofNanos(trigger.alertedAtNanos.get(0) - fault);
        Transition third = trigger.all.stream().filter(t -> t.consecutiveFailures() >= failures).findFirst().orElseThrow();
        assertThat(third.evidence()).contains(failures + "/" + failures + " consecutive probe failures");
        // Ticks start every interval and the dead primary is asked once per tick: the F-th failure comes
        // within F x interval + timeout (2 s here). Waiting out each probe before the delay, and the dead
        // primary again on the first transition, took at least F x (interval + timeout) (3 s here): the bound
        // sits there, a full second above the expected time, so a busy machine does not fail it.
        List<Long> failedTickGaps = new java.util.ArrayList<>();
        List<MonitorTick> failed = ticks.stream().filter(t -> !t.primary().ok()).toList();
        for (int i = 1; i < Math.min(failures, failed.size()); i++) {
            failedTickGaps.add(Duration.between(failed.get(i - 1).at(), failed.get(i).at()).toMillis());
        }
        assertThat(detected).as("fault to failed probe %d; failed ticks started %s ms apart", failures,
                failedTickGaps).isLessThan(interval.plus(timeout).multipliedBy(failures));
        // Once suspect, the monitor probes the missing failures in the next tick, overlapping a quarter
        // interval apart (SuspectReprobe): the verdict comes in the second failed tick, not the F-th.
        List<MonitorTick> toVerdict = new java.util.ArrayList<>();
        for (MonitorTick t : failed) {
            toVerdict.add(t);
            if (t.health() != PrimaryHealth.SUSPECT) break;
        }
        assertThat(toVerdict).extracting(MonitorTick::health).as("failed ticks up to the verdict")
                .containsExactly(PrimaryHealth.SUSPECT, third.to());
        assertThat(lines).anyMatch(l -> l.contains("HEALTHY -> SUSPECT"));
    }

    @Test
    void aFlappingPrimaryNeverReachesDown() throws Exception {
        VaktConfig config = replicatingPair(true);
        startMonitor(config);

        // Cut for less than failures x interval, then let through, for about 4 s (bounded loop).
        for (int i = 0; i < 7; i++) {
            proxy.block();
            Thread.sleep(250);
            proxy.unblock();
            Thread.sleep(350);
        }
        await("healthy after flapping").atMost(Duration.ofSeconds(5))
                .until(() -> monitor.health() == PrimaryHealth.HEALTHY);
        assertThat(trigger.reached(PrimaryHealth.SUSPECT)).as("the cuts were seen").isTrue();
        assertThat(trigger.reached(PrimaryHealth.DOWN)).isFalse();
        assertThat(trigger.down).isEmpty();
        assertThat(stateChanges()).extracting(JournalEvent::summary).noneMatch(s -> s.endsWith("-> DOWN"));
    }

    @Test
    void aStoppedSqlThreadIsAlertedAsBrokenReplicationAndItsRecoveryToo() throws Exception {
        VaktConfig config = replicatingPair(false);
        startMonitor(config);
        TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
        await("replication broken alerted").atMost(Duration.ofSeconds(5)).until(() -> alertKinds().contains("replication-broken"));
        JournalEvent broken = journal.history(100).stream()
                .filter(e -> e.kind() == EventKind.ALERT && "replication-broken".equals(e.details().get("kind").asText()))
                .findFirst().orElseThrow();
        assertThat(broken.node()).isEqualTo(config.standby().name());
        assertThat(broken.details().get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(broken.details().get("evidence").asText()).contains("SQL thread No");
        assertThat(monitor.health()).as("the primary itself is fine").isEqualTo(PrimaryHealth.HEALTHY);

        TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
        await("recovery alerted").atMost(Duration.ofSeconds(5)).until(() -> alertKinds().contains("replication-healthy"));
        assertThat(alertKinds()).filteredOn("replication-broken"::equals).hasSize(1);
    }

    private List<String> alertKinds() {
        return journal.history(200).stream().filter(e -> e.kind() == EventKind.ALERT)
                .map(e -> e.details().get("kind").asText()).toList();
    }

    @Test
    void aReturningWritablePrimaryWithTheLowerEpochIsFenced() throws Exception {
        VaktConfig config = replicatingPair(false);
        ReplicationFixture.awaitCaughtUp(pair);
        // A failover happened behind the config's back: the standby was promoted with epoch 1, and the
        // old primary (epoch 0) came back writable.
        TestPair.sql(pair.standby, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF",
                "INSERT INTO vakt.cluster (id, epoch, primary_node, changed_at) VALUES (1, 1, '"
                        + config.standby().name() + "', UTC_TIMESTAMP(6))");
        startMonitor(config);

        assertThat(monitor.roles().primary().name()).isEqualTo(config.standby().name());
        assertThat(ReplicationFixture.variable(pair.primary, "read_only")).isEqualTo("1");
        assertThat(journal.history(100)).filteredOn(e -> e.kind() == EventKind.ALERT)
                .anyMatch(e -> e.summary().contains(config.primary().name() + " is a returning primary")
                        && e.details().get("action").asText().startsWith("fenced " + config.primary().name()));
        assertThat(lines).anyMatch(l -> l.contains("ALERT CRITICAL"));
    }

    @Test
    void twoWritableNodesWithEqualEpochsAreSettledByTheJournalsLastPromotion() throws Exception {
        VaktConfig config = replicatingPair(false);
        ReplicationFixture.awaitCaughtUp(pair);
        // The standby was promoted with epoch 1 and the journal recorded it; the epoch row also reached the old
        // primary (equal epochs), which is writable again: only the journal can tell them apart.
        String epochRow = "INSERT INTO vakt.cluster (id, epoch, primary_node, changed_at) VALUES (1, 1, '"
                + config.standby().name() + "', UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE epoch = 1";
        TestPair.sql(pair.standby, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF", "SET SESSION sql_log_bin = 0", epochRow);
        TestPair.sql(pair.primary, "SET SESSION sql_log_bin = 0", epochRow);
        try (Journal before = new Journal(tmp.resolve("journal.db"), Clock.systemUTC())) {
            before.recordEpoch(config.cluster(), 1, config.standby().name(), "failover 1");
        }
        startMonitor(config);

        assertThat(monitor.roles().primary().name()).isEqualTo(config.standby().name());
        assertThat(ReplicationFixture.variable(pair.primary, "read_only")).isEqualTo("1");
        assertThat(ReplicationFixture.variable(pair.standby, "read_only")).isEqualTo("0");
        assertThat(journal.history(100)).filteredOn(e -> e.kind() == EventKind.ALERT)
                .anyMatch(e -> e.summary().contains(config.primary().name() + " is a returning primary")
                        && e.details().get("evidence").asText().contains("the journal's last promotion made "
                                + config.standby().name() + " the primary")
                        && e.details().get("action").asText().startsWith("fenced " + config.primary().name()));
    }

    @Test
    void warnsWhenTheReplicationHeartbeatPeriodIsTooLongForTheStandbyBound() throws Exception {
        VaktConfig config = replicatingPair(false);
        TestPair.sql(pair.standby, "STOP SLAVE", "CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD = 5", "START SLAVE");
        ReplicationFixture.awaitRunning(pair.standby);
        startMonitor(config);
        await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream()
                .anyMatch(l -> l.contains("WARNING: the standby's replication heartbeat period 5000 ms")));
        assertThat(lines).filteredOn(l -> l.contains("heartbeat period")).hasSize(1);
    }
}
