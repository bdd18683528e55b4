package no.vakt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only loopback TCP forwarder: clients connect to {@link #host()}:{@link #port()} and reach the
 * target through it. {@link #block()} cuts every open connection and closes each new one at once (a
 * partition between the client and the target, on this path only); {@link #unblock()} lets connections
 * through again. Bounded: at most {@link #MAX_CONNECTIONS} open at once (more are closed), two daemon
 * threads per connection; {@link #close()} ends everything.
 */
public final class TcpProxy implements AutoCloseable {
    public static final int MAX_CONNECTIONS = 64;
    private static final int CONNECT_TIMEOUT_MS = 2000;

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean blocked;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, String targetHost, int targetPort) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** Starts a proxy on a fresh loopback address and port forwarding to the target. */
    public static TcpProxy start(String targetHost, int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(Loopback.nextAddress()), 0), 50);
        return new TcpProxy(s, targetHost, targetPort);
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (blocked ones included). */
    public int accepted() {
        return accepted.get();
    }

    /** Cuts every open connection; new ones are closed at once until {@link #unblock()}. */
    public void block() {
        blocked = true;
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    public void unblock() {
        blocked = false;
    }

    @Override
    public void close() {
        closed = true;
        blocked = true;
        closeQuietly(server);
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (blocked || open.size() >= MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            Socket target = new Socket();
            try {
                target.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(target);
                continue;
            }
            open.add(client);
            open.add(target);
            if (blocked) { // blocked while connecting: block() may have missed these two
                closeBoth(client, target);
                continue;
            }
            pump(client, target, "up");
            pump(target, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side closed or was cut: close both
            } finally {
                closeBoth(from, to);
            }
        }, "tcp-proxy-" + direction + "-" + port());
        t.setDaemon(true);
        t.start();
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
