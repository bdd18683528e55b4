package no.vakt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on a raw socket that reads each request's headers, answers
 * {@code 200 OK} with a Content-Length of 1000 and 10 bytes of body, and then sends nothing more
 * until it is closed: the "headers then stall" of a hung API or webhook receiver. Counts requests.
 */
public final class StallingHttpServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    public StallingHttpServer(String address) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        acceptor = new Thread(this::accept, "stalling-http");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI uri(String path) {
        return URI.create("http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + path);
    }

    public String hostPort() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> stall(s), "stalling-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void stall(Socket s) {
        try {
            InputStream in = s.getInputStream();
            // Read up to the blank line that ends the request headers; the body, if any, is left unread.
            int state = 0;
            for (int b; state < 4 && (b = in.read()) >= 0; ) {
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            if (state < 4) return;
            requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"rrsets\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Now stall: the connection stays open, the rest of the body never comes.
        } catch (IOException ignored) {
            // the client gave up
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
    }
}
