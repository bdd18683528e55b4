package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthorityGainedTest {
    @Test
    void runsOnceAtStartWithAuthorityAndOnceEachTimeItIsGainedAgain() {
        AtomicBoolean authority = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        try (AuthorityGained g = AuthorityGained.start(() -> {
            polls.incrementAndGet();
            return authority.get();
        }, () -> false, runs::incrementAndGet, Duration.ofMillis(10))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
            int seen = polls.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() > seen + 5);
            assertThat(runs).hasValue(1); // held, not gained again
            authority.set(false);
            int lost = polls.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() > lost + 2);
            authority.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        }
    }

    @Test
    void runsAgainWhileItHoldsAuthorityOnlyAsLongAsSomethingIsPendingAndNotMoreOftenThanEveryTwentyPolls() {
        AtomicBoolean pending = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        try (AuthorityGained g = AuthorityGained.start(() -> polls.incrementAndGet() > 0, pending::get,
                runs::incrementAndGet, Duration.ofMillis(10))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
            assertThat(polls.get()).isGreaterThanOrEqualTo(2 * AuthorityGained.AGAIN);
            pending.set(false);
            int settled = runs.get();
            int seen = polls.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() > seen + 3 * AuthorityGained.AGAIN);
            assertThat(runs.get()).isLessThanOrEqualTo(settled + 1); // at most one already under way
        }
    }
}
