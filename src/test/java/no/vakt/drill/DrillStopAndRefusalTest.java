package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import no.vakt.db.NodeInspector;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.roles.LiveRole;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** stop-db end to end, and every refusal leaving the pair and the journal as they were. */
class DrillStopAndRefusalTest {
    @Test
    void stopDbLosesNothing() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().start()) {
            ReplicationFixture.start(pair);
            DrillTestSupport.tune(pair);
            Path reportDir = pair.dir.resolve("report-stop");

            Cli cli = DrillTestSupport.drill(pair, "--fault", "stop-db", "--report", reportDir.toString(), "--rejoin");

            String all = cli.out() + cli.err();
            System.out.println(all);
            assertThat(cli.exitCode()).as(all).isZero();
            JsonNode m = DrillTestSupport.report(reportDir).get("measurement");
            assertThat(m.get("rpo_rows").asLong()).as(all).isZero();
            assertThat(m.get("rto_ms").asLong()).isLessThanOrEqualTo(15_000);
            assertThat(all).contains("clean shutdown of mariadbd").contains("rejoin oslo-db: REJOINED");
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            assertThat(LiveRole.of(inspector.inspect(pair.config().primary()))).isEqualTo(LiveRole.STANDBY);
        }
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().start()) {
            ReplicationFixture.start(pair);
            DrillTestSupport.tune(pair);
            Path journalFile = pair.configFile.getParent().resolve(".vakt/journal.db");

            Cli unknown = DrillTestSupport.drill(pair, "--fault", "unplug-the-rack");
            assertRefused(pair, unknown, "unknown fault kind 'unplug-the-rack'", "kill-db, stop-db, block-ports");

            Path production = pair.rewriteConfig(y -> y.replace("production: false", "production: true"));
            Cli prod = DrillTestSupport.drill(pair, "--fault", "kill-db");
            assertRefused(pair, prod, "production", "--yes-this-is-production");
            pair.rewriteConfig(y -> y.replace("production: true", "production: false"));
            assertThat(production).exists();

            // role: the other way round from the live roles (as after a switchover): the preflight is ready, but the
            // drill would fault the live standby.
            pair.rewriteConfig(DrillStopAndRefusalTest::swapRoles);
            Cli reversed = DrillTestSupport.drill(pair, "--fault", "kill-db");
            assertRefused(pair, reversed, "the live primary is oslo-db, but the config's role: fields name bergen-db");
            pair.rewriteConfig(DrillStopAndRefusalTest::swapRoles);

            try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                long id = journal.beginFailover(new NewFailover("test", "oslo-db", "bergen-db", "automatic", "automatic", 1));
                Cli running = DrillTestSupport.drill(pair, "--fault", "kill-db");
                assertRefused(pair, running, "a failover is in progress", "failover " + id);
                journal.finishFailover(id, FailoverEnding.COMPLETED, "test: just ended");
            }
            // Ended just now; the tuned cooldown is 2 s: a drill now would meet a monitor that refuses to fail over.
            Cli cooling = DrillTestSupport.drill(pair, "--fault", "kill-db");
            assertRefused(pair, cooling, "cooldown is active", "policy.cooldown 2s");

            try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                assertThat(journal.history(500)).noneMatch(e -> e.kind() == EventKind.DRILL);
            }
        }
    }

    @Test
    void networkFaultsWithoutNamespacesAreRefused() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().start()) {
            DrillTestSupport.tune(pair);
            Cli cli = DrillTestSupport.drill(pair, "--fault", "block-ports");
            assertRefused(pair, cli, "block-ports needs the sites in network namespaces", "--fault kill-db");
        }
    }

    private static String swapRoles(String yaml) {
        return yaml.replace("role: primary", "role: X").replace("role: standby", "role: primary")
                .replace("role: X", "role: standby");
    }

    private static void assertRefused(TestPair pair, Cli cli, String... phrases) throws Exception {
        String all = cli.out() + cli.err();
        assertThat(cli.exitCode()).as(all).isEqualTo(1);
        assertThat(all).contains("drill refused, nothing changed");
        for (String p : phrases) assertThat(all).contains(p);
        // Nothing was touched: both servers run, the drill's table was never created, no report written.
        assertThat(pair.primary.isRunning()).isTrue();
        assertThat(pair.standby.isRunning()).isTrue();
        try (Connection c = pair.primary.rootConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'vakt_drill'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(pair.configFile.getParent().resolve(".vakt/drills")).satisfiesAnyOf(
                p -> assertThat(Files.exists(p)).isFalse());
    }
}
