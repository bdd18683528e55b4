package no.vakt.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.WarmupConfig;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;

/** Warming is an action on the cluster: an agent without authority does not read a page. */
class WarmupLoopTest {
    @Test
    void withoutAuthorityNoRefreshRunsAndNothingIsPublished() {
        // Port 1 on loopback refuses at once: a refresh that ran anyway would fail, not hang.
        Node a = node("oslo-db");
        Node b = node("bergen-db");
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger published = new AtomicInteger();
        try (WarmupLoop loop = WarmupLoop.start(WarmupConfig.DEFAULT, Clock.systemUTC(), () -> new LiveRoles(a, b),
                () -> asked.incrementAndGet() < 0, line -> {}, r -> published.incrementAndGet())) {
            assertThat(loop.refreshNow()).isEmpty();
        }
        assertThat(asked).hasValue(1);
        assertThat(published).hasValue(0);
    }

    @Test
    void aDisabledSectionStartsNoLoop() {
        assertThat(WarmupLoop.start(new WarmupConfig(false, null, null, null, null), Clock.systemUTC(), () -> null,
                () -> true, line -> {}, r -> {})).isNull();
    }

    private static Node node(String name) {
        return new Node(name, null, null, null, new MysqlEndpoint("127.0.180.9", 1, "vakt", null, "NO_SUCH_ENV", null),
                null, null, null);
    }
}
