package no.vakt.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * A lab site's web server: {@code /health} answers "ok SITE", everything else is served from the
 * site's uploads directory (files only; no listing, nothing outside it). Run inside the site's network
 * namespace by {@link LabNetns} ({@code ip netns exec NS java -cp ... no.vakt.lab.SiteWebServer}), so a
 * drill's block-ports fault cuts it off as it would a real site.
 *
 * <p>Usage: {@code SiteWebServer ADDRESS PORT SITE UPLOADS_DIR PID_FILE}
 */
public final class SiteWebServer {
    private final HttpServer server;
    private final String site;
    private final Path root;

    public SiteWebServer(String address, int port, String site, Path root) throws IOException {
        this.site = site;
        this.root = root.toAbsolutePath().normalize();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 16);
        server.createContext("/health", this::health);
        server.createContext("/", this::file);
        // A few threads: a health check must answer while a slow client downloads.
        server.setExecutor(Executors.newFixedThreadPool(4));
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: SiteWebServer ADDRESS PORT SITE UPLOADS_DIR PID_FILE");
            System.exit(2);
        }
        SiteWebServer s = new SiteWebServer(args[0], Integer.parseInt(args[1]), args[2], Path.of(args[3]));
        s.start();
        Files.writeString(Path.of(args[4]), ProcessHandle.current().pid() + "\n");
    }

    private void health(HttpExchange x) throws IOException {
        send(x, 200, "text/plain", ("ok " + site + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void file(HttpExchange x) throws IOException {
        if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
            send(x, 405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = x.getRequestURI().getPath();
        Path target = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
        if (!target.startsWith(root) || !Files.isRegularFile(target)) {
            send(x, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(x, 200, "application/octet-stream", Files.readAllBytes(target));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(x.getRequestMethod());
        x.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            if (!head) out.write(body);
        }
    }
}
