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
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication to the standby breaks, then the standby becomes the primary: the broken condition is closed
 * with an INFO when the roles change, so no grouped "replication to bergen-db broken" can follow it.
 */
class MonitorRoleChangeAlertTest {
    @TempDir
    Path tmp;

    @Test
    void aBrokenStandbyThatBecomesThePrimaryClosesItsReplicationCondition() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("interval: 1s\n    timeout: 1s\n    failures: 3",
                    "interval: 200ms\n    timeout: 500ms\n    failures: 3"));
            VaktConfig config = pair.config();
            List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
            try (Journal journal = new Journal(tmp.resolve("journal.db"), Clock.systemUTC());
                    Monitor monitor = new Monitor(config, journal, new AlertingFailoverTrigger(config.cluster(), alerts::add),
                            alerts::add, Clock.systemUTC(), l -> { }, OperatorCommands.of(pair.configFile, null))) {
                monitor.start();
                await("healthy").atMost(Duration.ofSeconds(10)).until(() -> monitor.health() == PrimaryHealth.HEALTHY);
                TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
                await("broken").atMost(Duration.ofSeconds(10))
                        .until(() -> alerts.stream().anyMatch(a -> a.kind() == AlertKind.REPLICATION_BROKEN));
                assertThat(alerts.stream().filter(a -> a.kind() == AlertKind.REPLICATION_BROKEN).findFirst().orElseThrow()
                        .action()).endsWith("then vakt replicate --config " + pair.configFile.toAbsolutePath().normalize());

                // A promotion by hand, outside Vakt: bergen-db is the writable node, oslo-db fenced.
                TestPair.sql(pair.primary, "SET GLOBAL read_only = ON");
                TestPair.sql(pair.standby, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
                await("roles changed").atMost(Duration.ofSeconds(10))
                        .until(() -> monitor.roles() != null && monitor.roles().primary().name().equals("bergen-db"));
                await().atMost(Duration.ofSeconds(5)).until(() -> alerts.stream()
                        .anyMatch(a -> a.kind() == AlertKind.REPLICATION_HEALTHY && "bergen-db".equals(a.node())));
                Alert closed = alerts.stream().filter(a -> a.kind() == AlertKind.REPLICATION_HEALTHY).findFirst().orElseThrow();
                assertThat(closed.severity()).isEqualTo(Severity.INFO);
                assertThat(closed.event()).isEqualTo("replication to bergen-db no longer watched: bergen-db is the primary now");
                assertThat(closed.evidence()).contains("was broken");
                assertThat(closed.kind().resolves(AlertKind.REPLICATION_BROKEN)).isTrue();
            }
        }
    }
}
