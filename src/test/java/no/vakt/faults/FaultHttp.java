package no.vakt.faults;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP API that misbehaves on purpose, as the fault of a row: it answers every request with one status
 * code, or sends the headers of a 200 and then stalls the body. Not a stand-in for any provider: the fault
 * is the provider failing.
 */
final class FaultHttp implements AutoCloseable {
    /** How a stalled body is held: longer than any deadline Vakt may set, bounded so the bench always ends. */
    private static final long STALL_SECONDS = 300;

    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();

    /** @param status the status to answer; 0: headers of a 200, then a body that never comes */
    FaultHttp(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            if (status == 0) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 1000);
                OutputStream body = ex.getResponseBody();
                body.write('{');
                body.flush();
                try {
                    release.await(STALL_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
                return;
            }
            if (status == 429) ex.getResponseHeaders().add("Retry-After", "1");
            byte[] b = ("{\"error\": \"fault " + status + "\"}").getBytes();
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
