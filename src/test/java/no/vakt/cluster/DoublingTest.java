package no.vakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DoublingTest {
    @Test
    void doublesPerFailureUpToTheCap() {
        Duration first = Duration.ofMillis(250);
        Duration max = Duration.ofSeconds(4);
        assertThat(Doubling.capped(first, max, 0)).isEqualTo(first);
        assertThat(Doubling.capped(first, max, 3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Doubling.capped(first, max, 5)).isEqualTo(max);
        assertThat(Doubling.capped(first, max, Integer.MAX_VALUE)).isEqualTo(max);
        assertThat(Doubling.capped(Duration.ofMinutes(2), Duration.ofMinutes(1), 0)).isEqualTo(Duration.ofMinutes(1));
    }
}
