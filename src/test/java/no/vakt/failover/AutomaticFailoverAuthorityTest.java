package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.LocalCoordinator;
import no.vakt.failover.detect.FailoverTrigger;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.Transition;
import no.vakt.journal.Journal;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent without authority alerts on a DOWN but starts no failover; given authority with the primary still
 * DOWN, it wants the failover again and starts it. (The nodes are closed loopback ports: the failover itself
 * stops at once; what counts here is whether it started.)
 */
class AutomaticFailoverAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void aDownWithoutAuthorityOnlyAlertsAndFailsOverOnceAuthorityComes() {
        VaktConfig config = ConfigLoader.parse(dir.resolve("vakt.yml"), """
                cluster: shop
                policy: {failover: automatic}
                sites:
                  - name: oslo
                    country: NO
                    nodes: [{name: oslo-db, role: primary, mysql: {host: 127.0.0.1, port: 1, user: vakt, password-env: PW}}]
                  - name: bergen
                    country: NO
                    nodes: [{name: bergen-db, role: standby, mysql: {host: 127.0.0.1, port: 2, user: vakt, password-env: PW}}]
                replication: {user: repl, password-env: PW, databases: [shop]}
                """);
        AtomicBoolean authority = new AtomicBoolean(false);
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> alerted = new CopyOnWriteArrayList<>();
        FailoverTrigger alerts = new FailoverTrigger() {
            @Override
            public void primaryDown(LiveRoles roles, Transition evidence) {
                alerted.add("down " + roles.primary().name());
            }

            @Override
            public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {}

            @Override
            public void stateChanged(LiveRoles roles, Transition transition) {}
        };
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            FailoverRunner runner = new FailoverRunner(config, journal, Clock.systemUTC(), alert -> {},
                    (cluster, node, epoch) -> {
                        throw new IllegalStateException("no traffic here");
                    }, (cluster, node, epoch) -> {});
            ActingGate gate = new ActingGate(new LocalCoordinator("bergen", authority::get, Clock.systemUTC()), out::add);
            AutomaticFailover trigger = new AutomaticFailover(config, runner, alerts, () -> null, out::add,
                    Optional::empty, alert -> {}, gate);
            LiveRoles roles = new LiveRoles(config.primary(), config.standby());
            Transition down = new Transition(Instant.now(), PrimaryHealth.SUSPECT, PrimaryHealth.DOWN, 3, "test");

            trigger.primaryDown(roles, down);
            assertThat(alerted).containsExactly("down oslo-db");
            assertThat(out).noneMatch(l -> l.startsWith("failover"));
            assertThat(out).anyMatch(l -> l.startsWith("not acting (failover from oslo-db)"));
            assertThat(trigger.retryWanted()).isFalse();

            authority.set(true);
            assertThat(trigger.retryWanted()).isTrue();
            trigger.primaryStillDown(roles, down);
            assertThat(out).anyMatch(l -> l.startsWith("failover: retrying, this agent has authority now"));
            assertThat(out).anyMatch(l -> l.startsWith("failover: ") && !l.startsWith("failover: retrying"));
        }
    }
}
