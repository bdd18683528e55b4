package no.vakt.db;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.HostAddress;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * A socket factory for Connector/J ({@code socketFactory=} in the URL) that keeps knocking at a server's
 * port until it opens, within the session's {@code connectTimeout}, and hands the driver an already
 * connected socket (the driver then skips its own connect). A refused connect is retried every
 * {@link #KNOCK_MILLIS} ms at TCP level, which costs two system calls, so the driver's handshake starts
 * on the first connection the restarted server accepts, ahead of clients that retry at their own pace.
 * A connect that gets no answer at all (a black hole) is given up after {@link #SYN_WINDOW_MILLIS} and
 * started again: one pending connect would only resend its SYN on the kernel's backoff (1, 2, 4 ... s),
 * so the fence would arrive seconds after the network heals. A frozen server's kernel still completes
 * the handshake: that connect succeeds at once and the session waits for the greeting, which comes on
 * SIGCONT, first in the queue.
 * Used by the door fence ({@link DbSession#openKnocking}).
 */
public final class KnockingSocketFactory extends ConfigurableSocketFactory {
    static final long KNOCK_MILLIS = 1;
    /** A fresh SYN every 100 ms: the door fence lands within about that of a black hole's end. */
    static final int SYN_WINDOW_MILLIS = 100;

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
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) throw new SocketTimeoutException("no answer within " + timeoutMs + " ms from " + address);
            Socket s = new Socket();
            try {
                s.connect(address, (int) Math.min(SYN_WINDOW_MILLIS, left));
                return s;
            } catch (SocketTimeoutException silent) {
                s.close(); // no SYN-ACK yet: a new connect sends a new SYN now, not on the kernel's backoff
            } catch (ConnectException refused) {
                s.close();
                try {
                    Thread.sleep(KNOCK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while knocking at " + address, e);
                }
            } catch (IOException e) {
                s.close();
                throw e;
            }
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
