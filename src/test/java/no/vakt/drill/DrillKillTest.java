package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.db.NodeInspector;
import no.vakt.drill.DrillHistory.Entry;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.roles.LiveRole;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** kill-db on a real pair: the monitor the drill runs fails over; the figures, report and journal entry. */
class DrillKillTest {
    @Test
    void killDbWithSemiSyncLosesNoAcknowledgedWriteAndSwitchesBack() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().semiSync(true).start()) {
            ReplicationFixture.start(pair);
            DrillTestSupport.tune(pair);
            Path reportDir = pair.dir.resolve("report-semi");

            Cli cli = DrillTestSupport.drill(pair, "--fault", "kill-db", "--report", reportDir.toString(), "--rejoin",
                    "--switch-back", "--discard-errant");

            String all = cli.out() + cli.err();
            System.out.println(all);
            System.out.println(Files.readString(reportDir.resolve("report.md")));
            assertThat(cli.exitCode()).as(all).isZero();
            JsonNode r = DrillTestSupport.report(reportDir);
            JsonNode m = r.get("measurement");
            assertThat(m.get("rpo_rows").asLong()).as(all).isZero();
            assertThat(m.get("rto_ms").asLong()).as(all).isPositive().isLessThanOrEqualTo(15_000);
            assertThat(m.get("failover_happened").asBoolean()).isTrue();
            assertThat(m.get("acked").asLong()).isGreaterThan(m.get("acked_before_fault").asLong());
            assertThat(r.get("passed").asBoolean()).isTrue();
            assertThat(r.get("new_primary").asText()).isEqualTo("bergen-db");
            assertThat(r.get("config_sha256").asText()).hasSize(64);
            assertThat(r.get("mariadb_versions").get("oslo-db").asText()).contains("MariaDB");
            assertThat(kinds(r)).contains("fault", "detection", "step", "read-only-off", "write", "restore", "warm");
            // Time to warm: the service's reads after the promotion against their p99 before the fault, decided.
            JsonNode warm = r.get("time_to_warm");
            assertThat(warm.get("outcome").asText()).as(all).isIn("WARM", "NOT_WARM_WITHIN");
            assertThat(warm.get("baseline_p99_ms").asDouble()).isPositive();
            assertThat(Files.readString(reportDir.resolve("report.md"))).contains("time to warm");
            for (String f : List.of("report.md", "report.html", "timeline.svg")) {
                assertThat(reportDir.resolve(f)).isNotEmptyFile();
            }
            assertThat(Files.readString(reportDir.resolve("timeline.svg"))).startsWith("<svg").contains("RTO");
            assertThat(Files.readString(reportDir.resolve("report.html"))).contains("PASSED").contains("<svg");

            // Restored: oslo is primary again, bergen replicates from it.
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            assertThat(LiveRole.of(inspector.inspect(pair.config().primary()))).isEqualTo(LiveRole.PRIMARY);
            assertThat(LiveRole.of(inspector.inspect(pair.config().standby()))).isEqualTo(LiveRole.STANDBY);

            try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
                JournalEvent e = journal.history(500).stream().filter(x -> x.kind() == EventKind.DRILL).findFirst().orElseThrow();
                assertThat(e.kind().label()).isEqualTo("drill");
                assertThat(e.details().get("passed").asBoolean()).isTrue();
                assertThat(e.details().get("rpo_rows").asLong()).isZero();
                assertThat(e.details().get("fault").asText()).isEqualTo("kill-db");
                assertThat(e.details().get("report_dir").asText()).isEqualTo(reportDir.toAbsolutePath().toString());
                assertThat(e.details().has("rto_ms")).isTrue();
                assertThat(e.details().has("rpo_ms")).isTrue();
                List<Entry> history = DrillHistory.read(journal);
                assertThat(history).hasSize(1);
                // The result goes to the people on call through the configured channels, journaled like every alert.
                JournalEvent result = journal.history(500).stream().filter(x -> x.kind() == EventKind.ALERT)
                        .filter(x -> x.details().path("kind").asText().equals("drill-result")).findFirst().orElseThrow();
                assertThat(result.summary()).contains("drill kill-db passed");
                assertThat(result.details().path("severity").asText()).isEqualTo("INFO");
                assertThat(result.details().path("evidence").asText()).contains("RPO 0 rows");
            }
            Cli h = Cli.run("drill", "--config", pair.configFile.toString(), "--history");
            assertThat(h.out()).contains("kill-db").contains("passed");
        }
    }

    @Test
    void killDbWithAsyncReplicationMeasuresTheLoss() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().start()) {
            ReplicationFixture.start(pair);
            DrillTestSupport.tune(pair);
            Path reportDir = pair.dir.resolve("report-async");

            Cli cli = DrillTestSupport.drill(pair, "--fault", "kill-db", "--report", reportDir.toString());

            String all = cli.out() + cli.err();
            System.out.println(all);
            System.out.println(Files.readString(reportDir.resolve("report.md")));
            JsonNode r = DrillTestSupport.report(reportDir);
            JsonNode m = r.get("measurement");
            // Async may lose the last rows or not; whatever it lost is counted and dated, and judged by the RPO.
            long rows = m.get("rpo_rows").asLong();
            assertThat(rows).as(all).isGreaterThanOrEqualTo(0);
            assertThat(m.get("missing_seqs").size()).isEqualTo((int) Math.min(rows, Measurement.MAX_LISTED));
            if (rows == 0) assertThat(m.get("rpo_ms").asLong()).isZero();
            assertThat(m.get("rpo_met").asBoolean()).isEqualTo(m.get("rpo_ms").asLong() <= 1000);
            assertThat(m.get("failover_happened").asBoolean()).as(all).isTrue();
            assertThat(cli.exitCode()).isEqualTo(r.get("passed").asBoolean() ? 0 : 1);
            // Without --rejoin the old primary came back fenced: never two writable nodes.
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            var oslo = inspector.inspect(pair.config().primary());
            assertThat(oslo.reachable()).isTrue();
            assertThat(oslo.readOnly()).isTrue();
            assertThat(LiveRole.of(inspector.inspect(pair.config().standby()))).isEqualTo(LiveRole.PRIMARY);
        }
    }

    private static List<String> kinds(JsonNode report) {
        List<String> out = new java.util.ArrayList<>();
        report.get("timeline").forEach(e -> out.add(e.get("kind").asText()));
        return out;
    }
}
