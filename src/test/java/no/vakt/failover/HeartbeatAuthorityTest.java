package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.config.ConfigLoader;
import no.vakt.config.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One heartbeat writer: an agent without authority does not even connect to the primary to write it; once it
 * has authority it does. (The "primary" is a loopback listener counting connections: whether the writer comes
 * is what counts here, not the row.)
 */
class HeartbeatAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheAgentWithAuthorityWritesTheHeartbeat() throws Exception {
        InetAddress address = InetAddress.getByName("127.0.150.7");
        try (ServerSocket primary = new ServerSocket(0, 10, address)) {
            AtomicInteger connections = new AtomicInteger();
            Thread accept = new Thread(() -> {
                while (!primary.isClosed()) {
                    try (Socket s = primary.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "heartbeat-test-accept");
            accept.setDaemon(true);
            accept.start();
            Files.writeString(dir.resolve("pw"), "secret");
            Node node = ConfigLoader.parse(dir.resolve("vakt.yml"), """
                    cluster: shop
                    sites:
                      - name: oslo
                        country: NO
                        nodes: [{name: oslo-db, role: primary, mysql: {host: 127.0.150.7, port: %d, user: vakt, password-file: %s}}]
                      - name: bergen
                        country: NO
                        nodes: [{name: bergen-db, role: standby, mysql: {host: 127.0.150.7, port: 1, user: vakt, password-file: %s}}]
                    replication: {user: repl, password-file: %s, databases: [shop]}
                    """.formatted(primary.getLocalPort(), dir.resolve("pw"), dir.resolve("pw"), dir.resolve("pw"))).primary();
            AtomicBoolean authority = new AtomicBoolean(false);
            try (HeartbeatLoop loop = HeartbeatLoop.start(node, Duration.ofMillis(100), Clock.systemUTC(), authority::get)) {
                // Ten write intervals without authority: nobody came.
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> connections.get() == 0);
                authority.set(true);
                await().atMost(Duration.ofSeconds(5)).until(() -> connections.get() > 0);
                assertThat(loop.lastWrite()).as("the listener is no MariaDB: nothing was written").isNull();
            }
        }
    }
}
