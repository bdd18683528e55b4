package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.failover.detect.AlertingFailoverTrigger;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor sees the primary's semi-sync fall back to asynchronous replication (the standby stops
 * acknowledging but keeps replicating), alerts it, and reports the recovery when acknowledgements resume.
 * Real servers, semi-sync set up by {@code vakt replicate}.
 */
class MonitorSemiSyncTest {
    @TempDir
    Path tmp;

    @Test
    void aSemiSyncFallbackIsAlertedOnceAndItsEndIsReported() throws Exception {
        try (TestPair pair = TestPair.builder().semiSync(true).start()) {
            Cli r = Cli.run("replicate", "--config", pair.configFile.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            pair.rewriteConfig(y -> y.replace("interval: 1s\n    timeout: 1s\n    failures: 3",
                    "interval: 200ms\n    timeout: 500ms\n    failures: 3"));
            VaktConfig config = pair.config();
            List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            try (Journal journal = new Journal(tmp.resolve("journal.db"), Clock.systemUTC());
                    Monitor monitor = new Monitor(config, journal, new AlertingFailoverTrigger(config.cluster(), alerts::add),
                            alerts::add, Clock.systemUTC(), lines::add, OperatorCommands.of(pair.configFile, null))) {
                monitor.start();
                await("healthy").atMost(Duration.ofSeconds(10)).until(() -> monitor.health() == PrimaryHealth.HEALTHY);

                // The standby keeps replicating but no longer acknowledges: the monitor's own heartbeat writes
                // wait out the 1 s semi-sync timeout once, then the primary commits asynchronously.
                TestPair.sql(pair.standby, "SET GLOBAL rpl_semi_sync_slave_enabled = OFF", "STOP SLAVE IO_THREAD",
                        "START SLAVE IO_THREAD");
                await("fallback alerted").atMost(Duration.ofSeconds(20))
                        .until(() -> alerts.stream().anyMatch(a -> a.kind() == AlertKind.SEMI_SYNC_FALLBACK));
                Alert fallback = alerts.stream().filter(a -> a.kind() == AlertKind.SEMI_SYNC_FALLBACK).findFirst().orElseThrow();
                assertThat(fallback.severity()).isEqualTo(Severity.WARNING);
                assertThat(fallback.node()).isEqualTo("bergen-db");
                assertThat(fallback.event()).isEqualTo("semi-sync on oslo-db fell back to asynchronous: bergen-db does not acknowledge");
                assertThat(fallback.evidence()).contains("oslo-db semi-sync FELL BACK to asynchronous (Rpl_semi_sync_master_status OFF");
                assertThat(fallback.action()).contains("RPO not zero").contains("vakt status --config " + pair.configFile);
                assertThat(alerts).as("threads run: not broken").noneMatch(a -> a.kind() == AlertKind.REPLICATION_BROKEN);

                TestPair.sql(pair.standby, "SET GLOBAL rpl_semi_sync_slave_enabled = ON", "STOP SLAVE IO_THREAD",
                        "START SLAVE IO_THREAD");
                await("recovery reported").atMost(Duration.ofSeconds(20))
                        .until(() -> alerts.stream().anyMatch(a -> a.kind() == AlertKind.REPLICATION_HEALTHY));
                Alert healthy = alerts.stream().filter(a -> a.kind() == AlertKind.REPLICATION_HEALTHY).findFirst().orElseThrow();
                assertThat(healthy.evidence()).contains("semi-sync on").contains("(was semi-sync fallback)");
                assertThat(AlertKind.REPLICATION_HEALTHY.resolves(AlertKind.SEMI_SYNC_FALLBACK)).isTrue();
                assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.SEMI_SYNC_FALLBACK).as("said once").hasSize(1);
                assertThat(lines).anyMatch(l -> l.contains("ALERT WARNING: semi-sync on oslo-db fell back"));
            }
        }
    }
}
