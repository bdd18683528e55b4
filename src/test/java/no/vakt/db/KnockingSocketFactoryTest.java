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
                Socket accepted = greet(server.accept()); Socket s = knocking.get(20, TimeUnit.SECONDS)) {
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
            CompletableFuture.runAsync(() -> greetEvery(server));
            try (Socket s = knocking.get(20, TimeUnit.SECONDS)) {
                assertThat(s.isConnected()).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed)).isLessThan(700);
            }
        } finally {
            for (Socket c : queued) c.close();
        }
    }

    /**
     * A completed TCP handshake is not a connection the server will take (a full accept queue drops the
     * final ACK: the client's side is connected, the server's waits in SYN_RECV for a second or more). The
     * driver gets the first connection the server speaks on: here the first connect is accepted but never
     * greeted, and a later one, greeted, wins.
     */
    @Test
    void aConnectTheServerNeverGreetsIsOvertakenByOneItGreets() throws Exception {
        String host = Loopback.nextAddress();
        int port = Loopback.freePort(host);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName(host))) {
            CompletableFuture<Socket> knocking = CompletableFuture.supplyAsync(() -> {
                try {
                    return factory(host, port, 20_000).createSocket();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await("no greeting, no winner").during(java.time.Duration.ofMillis(300))
                    .atMost(java.time.Duration.ofSeconds(2)).until(() -> !knocking.isDone());
            try (Socket silent = server.accept()) {
                CompletableFuture.runAsync(() -> greetEvery(server));
                try (Socket s = knocking.get(5, TimeUnit.SECONDS)) {
                    assertThat(s.getLocalPort()).as("not the silent first connect").isNotEqualTo(silent.getPort());
                    s.setSoTimeout(2000);
                    assertThat(s.getInputStream().read()).isEqualTo('G');
                }
            }
        }
    }

    /** What a MariaDB server does first on a connection it accepted: speak (a one-byte stand-in for its greeting). */
    private static Socket greet(Socket accepted) throws java.io.IOException {
        accepted.getOutputStream().write('G');
        accepted.getOutputStream().flush();
        return accepted;
    }

    private static void greetEvery(ServerSocket server) {
        java.util.List<Socket> open = new java.util.ArrayList<>();
        try {
            while (!server.isClosed()) open.add(greet(server.accept()));
        } catch (java.io.IOException closed) {
            // the test is over
        } finally {
            for (Socket c : open) {
                try {
                    c.close();
                } catch (java.io.IOException ignored) {
                    // closing
                }
            }
        }
    }
}
