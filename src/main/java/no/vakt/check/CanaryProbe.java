package no.vakt.check;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.VaktSchema;

/**
 * Proves replication end to end: writes a random token into {@code vakt.canary} on the primary and
 * waits, bounded, until the standby has it. Only a row that arrived proves the whole path (binlog,
 * network, account, IO and SQL threads, filters) works.
 */
public final class CanaryProbe {
    private static final Duration POLL = Duration.ofMillis(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeInspector inspector;
    private final Clock clock;

    public CanaryProbe(NodeInspector inspector, Clock clock) {
        this.inspector = inspector;
        this.clock = clock;
    }

    /** Writes on {@code primary} (the live one: the probe settles it) and waits for the row on {@code standby}. */
    public CanaryResult run(Node primaryNode, Node standbyNode, Duration bound) {
        String token = HexFormat.of().formatHex(bytes());
        Instant written;
        try (DbSession primary = inspector.open(primaryNode)) {
            // CREATE ... IF NOT EXISTS is binlogged even when nothing changes: only when missing.
            if (primary.scalar("SELECT 1 FROM information_schema.tables WHERE table_schema = 'vakt'"
                    + " AND table_name = 'canary'").isEmpty()) {
                VaktSchema.ensure(primary);
            }
            primary.execute("REPLACE INTO vakt.canary(id, token, written_at) VALUES (1, ?, UTC_TIMESTAMP(6))", token);
            written = clock.instant(); // autocommit: the row is committed when execute returns
        } catch (SQLException e) {
            return CanaryResult.writeFailed(Errors.describe(e));
        }
        return await(standbyNode, token, written, bound);
    }

    private CanaryResult await(Node standbyNode, String token, Instant written, Duration bound) {
        Instant deadline = written.plus(bound);
        long maxPolls = bound.toMillis() / POLL.toMillis() + 2;
        String lastProblem = null;
        try (DbSession standby = inspector.open(standbyNode)) {
            for (long i = 0; i < maxPolls; i++) {
                try {
                    Optional<String> seen = standby.scalar("SELECT token FROM vakt.canary WHERE id = 1");
                    if (seen.filter(token::equals).isPresent()) {
                        return CanaryResult.arrived(Duration.between(written, clock.instant()).toMillis(), bound);
                    }
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) throw e;
                    lastProblem = "vakt.canary does not exist on the standby"; // may still arrive by replication
                }
                if (!clock.instant().isBefore(deadline)) break;
                pause();
            }
        } catch (SQLException e) {
            return CanaryResult.notArrived(bound, "standby: " + Errors.describe(e));
        }
        return CanaryResult.notArrived(bound, lastProblem);
    }

    private static byte[] bytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the canary", e);
        }
    }
}
