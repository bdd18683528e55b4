package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupConfigTest {
    @TempDir
    Path dir;

    private VaktConfig load(String extra) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, CoordinationConfigTest.BASE + extra);
        return ConfigLoader.load(f);
    }

    @Test
    void withoutASectionTheStandbyIsWarmedEveryFiveMinutes() throws Exception {
        WarmupConfig w = load("").warmup();
        assertThat(w.enabled()).isTrue();
        assertThat(w.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(w.maxLag()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aSectionSetsTheBudgetAndThePace() throws Exception {
        WarmupConfig w = load("warmup: {interval: 2m, pages-per-refresh: 500, pages-per-second: 100, max-lag: 2s}\n")
                .warmup();
        assertThat(w.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(w.pagesPerRefresh()).isEqualTo(500);
        assertThat(w.pagesPerSecond()).isEqualTo(100);
        assertThat(w.maxLag()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aTooShortIntervalIsAnErrorWithItsLineAndField() {
        int line = (int) CoordinationConfigTest.BASE.lines().count() + 2;
        try {
            load("warmup:\n  interval: 1s\n");
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            ConfigProblem p = e.problems().get(0);
            assertThat(p.toString()).contains("warmup").contains("interval: expected at least 10s");
            assertThat(p.line()).as(p.toString()).isBetween(line - 1, line);
            return;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a config error");
    }
}
