package no.vakt.db;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.HostAddress;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * A socket factory for Connector/J ({@code socketFactory=} in the URL) that keeps knocking at a server's
 * port until it opens, within the session's {@code connectTimeout}, and hands the driver an already
 * connected socket (the driver then skips its own connect). A refused connect is retried every
 * {@link #KNOCK_MILLIS} ms at TCP level, which costs two system calls, so the driver's handshake starts
 * on the first connection the restarted server accepts, ahead of clients that retry at their own pace.
 * A connect that gets no answer at all (a black hole) is left pending and another one starts every
 * {@link #SYN_EVERY_MILLIS} ms, each kept up to {@link #PENDING_MILLIS}: the first to complete wins. One
 * pending connect alone would resend its SYN only on the kernel's backoff (1, 2, 4 ... s), and a connect
 * given up and started again every 100 ms (as before) still left the old primary reachable and writable
 * for up to those 100 ms after a black hole ended; overlapping connects send a SYN every 20 ms without
 * giving up on a path whose round trip is longer than that.
 *
 * <p>The winner is the first connection the server <em>speaks</em> on (MariaDB sends its greeting first),
 * not the first whose TCP handshake completed: a completed handshake is no proof that the server will
 * ever take the connection. A frozen server's kernel completes handshakes into its accept queue, and when
 * that queue is full (a SIGSTOPped server under load fills its 80 places in seconds) a connect can
 * complete on the client's side while the server dropped its final ACK: it sits in SYN_RECV until the
 * server's SYN-ACK retransmission, a second or more after the server resumed. Taking such a connect as the
 * winner leaves the door fence waiting on it while the resumed server answers others (the likely cause of
 * a sigstop-db run where the two-writable rule fenced the node 165 ms after SIGCONT and the door fence
 * never answered, though it had waited for seconds). So a completed connect
 * waits for the greeting, the first one keeps its place in the queue, and a fresh connect starts every
 * {@link #GREETING_CONNECT_EVERY_MILLIS} ms meanwhile; the first to be greeted wins, the rest are closed.
 * Used by the door fence ({@link DbSession#openKnocking}).
 */
public final class KnockingSocketFactory extends ConfigurableSocketFactory {
    static final long KNOCK_MILLIS = 1;
    /** A fresh SYN every 20 ms while black-holed: the door fence lands within about that of its end. */
    static final long SYN_EVERY_MILLIS = 20;
    /** How long each connect stays pending: a path's round trip may be longer than the SYN spacing. */
    static final long PENDING_MILLIS = 2_000;
    /**
     * While a completed connect waits for the greeting, a fresh one every 50 ms: a completed connect the
     * server never greets (below) is overtaken within that once the server works again.
     */
    static final long GREETING_CONNECT_EVERY_MILLIS = 50;
    /** Completed connects kept waiting for a greeting: the first, and the newest after it (2 s of them). */
    static final int GREETING_KEPT = 40;

    private InetSocketAddress address;
    private int timeoutMs;

    @Override
    public void setConfiguration(Configuration conf, String host) {
        int port = conf.addresses().stream().filter(a -> host.equals(a.host)).mapToInt(a -> a.port).findFirst()
                .orElse(conf.addresses().isEmpty() ? 3306 : conf.addresses().get(0).port);
        this.address = new InetSocketAddress(host, port);
        this.timeoutMs = Math.max(1, conf.connectTimeout());
    }

    @Override
    public Socket createSocket() throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        Deque<SocketChannel> pending = new ArrayDeque<>();
        Deque<SocketChannel> greeting = new ArrayDeque<>();
        SocketChannel winner = null;
        try (Selector selector = Selector.open()) {
            long nextSyn = System.nanoTime();
            while (winner == null) {
                long now = System.nanoTime();
                // An interrupted select returns at once: give up instead of spinning (the door fence was stopped).
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("interrupted while knocking at " + address);
                if (now - deadline >= 0) throw new SocketTimeoutException("no answer within " + timeoutMs + " ms from " + address);
                if (now - nextSyn >= 0) {
                    nextSyn = now + TimeUnit.MILLISECONDS.toNanos(greeting.isEmpty() ? SYN_EVERY_MILLIS : GREETING_CONNECT_EVERY_MILLIS);
                    SocketChannel ch = SocketChannel.open();
                    try {
                        ch.configureBlocking(false);
                        if (ch.connect(address)) {
                            awaitGreeting(ch, selector, greeting);
                        } else {
                            ch.register(selector, SelectionKey.OP_CONNECT);
                            pending.addLast(ch);
                        }
                    } catch (ConnectException refused) {
                        ch.close();
                        nextSyn = now + TimeUnit.MILLISECONDS.toNanos(KNOCK_MILLIS);
                    } catch (IOException e) {
                        ch.close();
                        throw e;
                    }
                    while (pending.size() > PENDING_MILLIS / SYN_EVERY_MILLIS) pending.removeFirst().close();
                }
                long waitMs = TimeUnit.NANOSECONDS.toMillis(Math.min(nextSyn, deadline) - System.nanoTime());
                if (waitMs > 0) selector.select(waitMs);
                else selector.selectNow();
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    if (key.isValid() && key.isReadable()) {
                        // The server speaks first (its greeting, or an error packet): this one it has accepted.
                        greeting.remove(ch);
                        key.cancel();
                        winner = ch;
                        break;
                    }
                    pending.remove(ch);
                    try {
                        if (ch.finishConnect()) {
                            awaitGreeting(ch, selector, greeting);
                        } else {
                            pending.addLast(ch);
                        }
                    } catch (ConnectException refused) {
                        ch.close(); // the port is closed now: knock again in a millisecond
                        nextSyn = Math.min(nextSyn, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KNOCK_MILLIS));
                    } catch (IOException e) {
                        ch.close();
                        throw e;
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (winner != null) winner.close();
            throw e;
        } finally {
            for (SocketChannel ch : pending) closeQuietly(ch);
            for (SocketChannel ch : greeting) closeQuietly(ch);
        }
        // The selector is closed, so the winner is deregistered and may block again, as the driver expects.
        try {
            winner.configureBlocking(true);
            return winner.socket();
        } catch (IOException e) {
            winner.close();
            throw e;
        }
    }

    /**
     * A connect that completed waits for the server's first bytes. The first such connect keeps its place
     * in the server's accept queue; beyond {@link #GREETING_KEPT} the oldest after it is given up.
     */
    private static void awaitGreeting(SocketChannel ch, Selector selector, Deque<SocketChannel> greeting) throws IOException {
        ch.register(selector, SelectionKey.OP_READ);
        greeting.addLast(ch);
        if (greeting.size() > GREETING_KEPT) {
            SocketChannel first = greeting.removeFirst();
            closeQuietly(greeting.removeFirst());
            greeting.addFirst(first);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a connect given up on
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new UnsupportedOperationException("the driver calls createSocket()");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new UnsupportedOperationException("the driver calls createSocket()");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new UnsupportedOperationException("the driver calls createSocket()");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new UnsupportedOperationException("the driver calls createSocket()");
    }
}
