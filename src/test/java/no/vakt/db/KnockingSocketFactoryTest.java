package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.vakt.testing.Loopback;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.Configuration;

class KnockingSocketFactoryTest {
    static KnockingSocketFactory factory(String host, int port, int timeoutMs) throws Exception {
        KnockingSocketFactory f = new KnockingSocketFactory();
        f.setConfiguration(Configuration.parse("jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=" + timeoutMs), host);
        return f;
    }

    @Test
    void aClosedPortIsKnockedAtUntilTheTimeout() throws Exception {
        String host = Loopback.nextAddress();
        int port = Loopback.freePort(host);
        long start = System.nanoTime();
        assertThatThrownBy(() -> factory(host, port, 200).createSocket()).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("no answer within 200 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200);
    }

    @Test
    void thePortOpeningWhileKnockingHandsTheDriverAConnectedSocket() throws Exception {
        String host = Loopback.nextAddress();
        int port = Loopback.freePort(host);
        CompletableFuture<Socket> knocking = CompletableFuture.supplyAsync(() -> {
            try {
                return factory(host, port, 20_000).createSocket();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(knocking).isNotDone();
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName(host));
                Socket accepted = server.accept(); Socket s = knocking.get(20, TimeUnit.SECONDS)) {
            assertThat(s.isConnected()).isTrue();
            assertThat(accepted.getPort()).isEqualTo(s.getLocalPort());
        }
    }

    /**
     * A listener whose accept queue is full drops SYNs: a black hole on loopback. Freed, it is reached on
     * one of the overlapping connects within their spacing, not on the kernel's 1 s SYN retransmission.
     */
    @Test
    void aBlackHoledPortIsReachedSoonAfterItAnswersAgain() throws Exception {
        String host = Loopback.nextAddress();
        int port = Loopback.freePort(host);
        java.util.List<Socket> queued = new java.util.ArrayList<>();
        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            while (true) {
                Socket c = new Socket();
                try {
                    c.connect(new java.net.InetSocketAddress(host, port), 200);
                    queued.add(c);
                } catch (SocketTimeoutException full) {
                    c.close();
                    break;
                }
            }
            CompletableFuture<Socket> knocking = CompletableFuture.supplyAsync(() -> {
                try {
                    return factory(host, port, 20_000).createSocket();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(300)).atMost(java.time.Duration.ofSeconds(2))
                    .until(() -> !knocking.isDone());
            long freed = System.nanoTime();
            for (int i = 0; i < queued.size(); i++) server.accept().close();
            try (Socket s = knocking.get(20, TimeUnit.SECONDS)) {
                assertThat(s.isConnected()).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed)).isLessThan(700);
            }
        } finally {
            for (Socket c : queued) c.close();
        }
    }
}
