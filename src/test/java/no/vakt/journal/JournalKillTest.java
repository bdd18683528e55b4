package no.vakt.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step journaled as started survives SIGKILL of the writing process. */
class JournalKillTest {
    @TempDir
    Path dir;

    @Test
    void aStartedStepSurvivesKillDashNine() throws Exception {
        Path db = dir.resolve("journal.db");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                JournalCrashChild.class.getName(), db.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // The child may print logging status lines first; it prints a few at most.
                line = out.readLine();
                for (int i = 0; i < 100 && line != null && !line.startsWith("written "); i++) line = out.readLine();
                assertThat(line).startsWith("written ");
                child.destroyForcibly(); // SIGKILL: no close, no shutdown hooks
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            long id = Long.parseLong(line.substring("written ".length()));
            try (Journal j = new Journal(db, Clock.systemUTC())) {
                FailoverRecord f = j.unfinishedFailover().orElseThrow();
                assertThat(f.id()).isEqualTo(id);
                assertThat(f.epoch()).isEqualTo(5);
                assertThat(f.steps()).extracting(StepRecord::name).containsExactly("FENCE_OLD_PRIMARY", "PROMOTE_STANDBY");
                assertThat(f.steps().get(1).finished()).isFalse();
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
