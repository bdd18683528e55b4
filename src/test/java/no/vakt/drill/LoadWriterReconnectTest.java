package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The drill's application against a black hole that the service name then leaves: it connects to the new
 * address within a quarter of its connect timeout of the move, not when the connect in flight times out.
 */
class LoadWriterReconnectTest {
    @Test
    void theFirstWriteAfterTheServiceMovesDoesNotWaitOutTheConnectInFlight() throws Exception {
        try (TestPair pair = TestPair.start();
                // A listener that never accepts: the kernel completes the TCP handshake, MariaDB's never
                // comes, so every connect waits out its timeout, as against an iptables DROP.
                ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DrillAccount account;
            try (DbSession db = new NodeInspector(Duration.ofSeconds(2)).open(pair.config().primary())) {
                account = DrillAccount.prepare(db);
            }
            InetSocketAddress live = new InetSocketAddress(pair.primary.host(), pair.primary.port());
            InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), blackHole.getLocalPort());
            java.util.concurrent.atomic.AtomicReference<InetSocketAddress> service = new java.util.concurrent.atomic.AtomicReference<>(dead);
            ServiceResolver resolver = new ServiceResolver() {
                @Override
                public InetSocketAddress resolve() {
                    return service.get();
                }

                @Override
                public String describe() {
                    return "a switchable address";
                }

                @Override
                public boolean throughServiceName() {
                    return true;
                }
            };
            Duration timeout = Duration.ofMillis(1000);
            try (LoadWriter writer = new LoadWriter(resolver, account, "reconnect", 20, timeout, Clock.systemUTC(), null)
                    .start()) {
                await("a connect timed out").atMost(Duration.ofSeconds(5)).until(() -> !writer.failures().isEmpty());
                // The next connect started as this one failed; the service moves 100 ms into it.
                Thread.sleep(100);
                Instant moved = Instant.now();
                service.set(live);
                await("a write on the live server").atMost(Duration.ofSeconds(5)).until(() -> writer.firstAckAfter(moved) != null);
                Duration gap = Duration.between(moved, writer.firstAckAfter(moved).at());
                // One connect at a time waits out the one in flight: 900 ms here. Attempts every 250 ms: at most
                // 150 ms plus a connect and an insert; the bound leaves room for a loaded machine.
                assertThat(gap).as("service moved to the first acknowledged write").isLessThan(Duration.ofMillis(600));
                assertThat(writer.firstAckAfter(moved).port()).isEqualTo(pair.primary.port());
            }
        }
    }
}
