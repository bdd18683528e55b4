package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The primary's liveness probe against a real server: a fresh login each time, so a primary that accepts
 * TCP but no more sessions fails it, and read_only read as the server spells it (10.11 says OFF: once read
 * as read-only, which made every tick re-resolve the roles with two fresh full inspections).
 */
class NodeProberPrimaryTest {
    /** Connections opened to fill the server; max_connections is at least 10 and a few sessions exist already. */
    private static final int MAX_FILL = 20;

    TestPair pair;
    NodeProber prober;
    Node primary;

    @BeforeEach
    void setUp() throws Exception {
        pair = TestPair.start();
        VaktConfig config = pair.config();
        primary = config.primary();
        prober = new NodeProber(config.policy().checks().timeout());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (prober != null) prober.close();
        if (pair != null) pair.close();
    }

    private NodeProber.PrimarySample probe() {
        return prober.awaitPrimary(prober.probePrimary(primary));
    }

    @Test
    void aWritablePrimaryIsReadWritableAndAReadOnlyOneReadOnly() throws Exception {
        NodeProber.PrimarySample writable = probe();
        assertThat(writable.probe().ok()).as(writable.probe().error()).isTrue();
        assertThat(writable.readOnly()).isFalse();
        pair.primary.rootExecute("SET GLOBAL read_only = ON");
        assertThat(probe().readOnly()).isTrue();
    }

    @Test
    void readOnlyInEverySpelling() {
        assertThat(List.of("0", "OFF", "off ")).allMatch(v -> !no.vakt.db.NodeState.readOnly(v));
        assertThat(List.of("1", "ON", "NO_LOCK", "NO_LOCK_NO_ADMIN")).allMatch(no.vakt.db.NodeState::readOnly);
    }

    /**
     * Vakt's admin holds CONNECTION ADMIN, so it still gets the one extra session MariaDB keeps above
     * max_connections; once that is taken too the server answers the TCP connect with 1040 Too many
     * connections instead of its greeting, and the probe fails until a session is freed.
     */
    @Test
    void aPrimaryThatAcceptsTcpButRefusesSessionsFailsTheProbeUntilOneIsFree() throws Exception {
        assertThat(probe().probe().ok()).isTrue();
        pair.primary.rootExecute("SET GLOBAL max_connections = 10");
        List<Connection> held = new ArrayList<>();
        try {
            SQLException refused = null;
            while (refused == null && held.size() < MAX_FILL) {
                try {
                    held.add(pair.primary.rootConnection()); // root has SUPER: it takes the extra session too
                } catch (SQLException e) {
                    refused = e;
                }
            }
            assertThat(refused == null ? null : refused.getErrorCode())
                    .as("the server filled up within " + MAX_FILL + " sessions").isEqualTo(1040);
            NodeProber.PrimarySample full = probe();
            assertThat(full.probe().ok()).isFalse();
            assertThat(full.probe().error()).containsIgnoringCase("Too many connections");
            held.remove(held.size() - 1).close();
            NodeProber.PrimarySample freed = probe();
            assertThat(freed.probe().ok()).as(freed.probe().error()).isTrue();
        } finally {
            for (Connection c : held) c.close();
        }
    }

    @Test
    void aFrozenPrimaryFailsWithinTheDeadlineAndAStoppedOneFails() throws Exception {
        assertThat(probe().probe().ok()).isTrue();
        Duration deadline = pair.config().policy().checks().timeout().multipliedBy(2);
        try (FrozenServer frozen = FrozenServer.freeze(pair.primary)) {
            long start = System.nanoTime();
            assertThat(probe().probe().ok()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(deadline.plusSeconds(2));
        }
        assertThat(probe().probe().ok()).isTrue();
        pair.primary.stop();
        assertThat(probe().probe().ok()).isFalse();
    }
}
