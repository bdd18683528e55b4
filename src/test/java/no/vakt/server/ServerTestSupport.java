package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Test-only: addresses in this helper's loopback range, a token file, and a small JSON HTTP client. */
final class ServerTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 127.0.45.0/24 is reserved for the server's tests; each server gets its own address. */
    private static final AtomicInteger NEXT = new AtomicInteger(10 + (int) (ProcessHandle.current().pid() % 100));

    private ServerTestSupport() {}

    static String nextAddress() {
        return "127.0.45." + (NEXT.getAndIncrement() % 240 + 10);
    }

    static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return s.getLocalPort();
        }
    }

    static Path tokenFile(Path dir, String token) throws IOException {
        Path f = dir.resolve("api.token");
        Files.writeString(f, token + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    static final class Client {
        private final HttpClient http;
        private final String base;

        Client(String base) {
            this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
        }

        Client(String base, HttpClient http) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            this.http = http;
        }

        Response get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
        }

        Response get(String path, String token) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), token);
        }

        Response post(String path, String body, String token) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), token);
        }

        private Response send(HttpRequest.Builder b, String token) throws IOException, InterruptedException {
            if (token != null) b.header("Authorization", "Bearer " + token);
            // Operator actions run a failover or a switchover inside the request.
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        }
    }
}
