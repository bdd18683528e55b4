package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalJson;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepOutcome;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vakt history} on journals written directly (no database needed). */
class HistoryCommandTest {
    @TempDir
    Path dir;

    Path config() throws Exception {
        Path cfg = dir.resolve("vakt.yml");
        Files.copy(Path.of("examples/vakt.yml"), cfg);
        return cfg;
    }

    @Test
    void aMissingJournalIsEmptyHistoryAndIsNotCreated() throws Exception {
        Path cfg = config();
        Cli r = Cli.run("history", "--config", cfg.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(none yet)").contains("Failovers (newest first): none");
        assertThat(dir.resolve(".vakt/journal.db")).doesNotExist();
        assertThat(Cli.run("history", "--config", cfg.toString(), "--limit", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void showsFailoversWithStepsAndEventsAndLimitsThem() throws Exception {
        Path cfg = config();
        Path file = dir.resolve("j.db");
        try (Journal j = new Journal(file, Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                long id = j.beginFailover(new NewFailover("c", "a", "b", "manual", "operator", i + 1));
                int seq = j.stepStarted(id, "FENCE_OLD_PRIMARY");
                j.stepFinished(id, seq, StepOutcome.OK, "fenced " + i);
                j.finishFailover(id, FailoverEnding.COMPLETED, "done " + i);
            }
        }
        Cli text = Cli.run("history", "--config", cfg.toString(), "--journal", file.toString(), "--limit", "2");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("#3 ").contains("#2 ").doesNotContain("#1 ").contains("fenced 2")
                .containsPattern("FENCE_OLD_PRIMARY\\s+ok");

        Cli json = Cli.run("history", "--config", cfg.toString(), "--journal", file.toString(), "--json", "--limit", "2");
        JsonNode doc = JournalJson.mapper().readTree(json.out());
        assertThat(doc.get("failovers")).hasSize(2);
        assertThat(doc.get("failovers").get(0).get("id").asLong()).isEqualTo(3);
        assertThat(doc.get("failovers").get(0).get("steps").get(0).get("detail").asText()).isEqualTo("fenced 2");
        assertThat(doc.get("failovers").get(0).get("startedAt").asText()).endsWith("Z");
        assertThat(doc.get("events")).hasSize(2);
    }

    @Test
    void aFailoverThatEndedWithTrafficPendingIsLabelledSoInTextAndJson() throws Exception {
        Path cfg = config();
        Path file = dir.resolve("j.db");
        try (Journal j = new Journal(file, Clock.systemUTC())) {
            long clean = j.beginFailover(new NewFailover("c", "a", "b", "manual", "operator", 1));
            j.finishFailover(clean, FailoverEnding.COMPLETED, "b is primary");
            long pending = j.beginFailover(new NewFailover("c", "b", "a", "switchover", "operator", 2));
            j.finishFailover(pending, FailoverEnding.COMPLETED_TRAFFIC_PENDING, ExecutionResult.TRAFFIC_PENDING_SUMMARY
                    + "b -> a, epoch 2; traffic switch to a failed: DNS API answered 503");
        }
        Cli text = Cli.run("history", "--config", cfg.toString(), "--journal", file.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("#2 \\S+ b -> a, completed, traffic pending, trigger operator")
                .containsPattern("#1 \\S+ a -> b, completed, trigger operator");

        JsonNode doc = JournalJson.mapper().readTree(
                Cli.run("history", "--config", cfg.toString(), "--journal", file.toString(), "--json").out());
        JsonNode newest = doc.at("/failovers/0");
        assertThat(newest.get("outcome").asText()).as("the journal's outcome is kept").isEqualTo("completed");
        assertThat(newest.get("ending").asText()).isEqualTo("completed_traffic_pending");
        assertThat(newest.get("label").asText()).isEqualTo("completed, traffic pending");
        assertThat(newest.get("trafficPending").asBoolean()).isTrue();
        assertThat(doc.at("/failovers/1/label").asText()).isEqualTo("completed");
        assertThat(doc.at("/failovers/1/trafficPending").asBoolean()).isFalse();
    }
}
