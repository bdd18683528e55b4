package no.vakt.alert;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on a loopback address of this helper's range (127.0.44.0/24) and a free port,
 * recording every request. Answers come from a per-instance script (status, body, headers), then from
 * {@code fallback}; a handler may also be given whole.
 */
final class HookServer implements AutoCloseable {
    record Request(String method, String path, Headers headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    record Answer(int status, String body, Headers headers) {
        static Answer of(int status, String body) {
            return new Answer(status, body, new Headers());
        }

        Answer with(String header, String value) {
            headers.add(header, value);
            return this;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Function<Request, Answer> handler = r -> Answer.of(200, "ok");

    private HookServer(String address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static HookServer start(String address) throws IOException {
        return new HookServer(address);
    }

    URI uri(String path) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path);
    }

    /** The next answers, in order; afterwards the handler answers. */
    HookServer answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    HookServer handler(Function<Request, Answer> h) {
        this.handler = h;
        return this;
    }

    List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders(),
                    ex.getRequestBody().readAllBytes());
            requests.add(r);
            Answer a = script.poll();
            if (a == null) a = handler.apply(r);
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().putAll(a.headers());
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
