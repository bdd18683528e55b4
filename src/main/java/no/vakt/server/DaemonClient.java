package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import no.vakt.config.ServerConfig;

/**
 * The CLI's way to hand an operator action to the running {@code vakt run}: a POST to its API with the
 * admin token of the config's {@code server:} section (read from its file or variable, never printed).
 * The daemon's address comes from the cluster lock file ({@link no.vakt.journal.ClusterLock}); over HTTPS
 * the daemon's own certificate ({@code server.tls.cert}) is the one trusted.
 */
public final class DaemonClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The daemon's answer: HTTP status and JSON body. */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status == 200;
        }

        public String text(String field) {
            JsonNode n = body.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http;

    private DaemonClient(URI base, String token, HttpClient http) {
        this.base = base;
        this.token = token;
        this.http = http;
    }

    /**
     * A client for the daemon at {@code apiUrl}. Throws IllegalStateException when the config has no
     * {@code server.token-file}/{@code token-env} (the daemon then accepts no action from anyone).
     */
    public static DaemonClient of(ServerConfig server, String apiUrl) {
        String token = server.tokenSecret().orElseThrow(() -> new IllegalStateException(
                "the config's server section has no token-file or token-env, so the running vakt run accepts no"
                        + " operator action; configure one and restart vakt run")).resolve();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (apiUrl.startsWith("https:") && server.tls() != null) b.sslContext(trusting(server.tls().cert()));
        return new DaemonClient(URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/"), token, b.build());
    }

    /** POSTs {@code body} as JSON to {@code path} (e.g. {@code api/switchover}); {@code timeout} bounds the whole call. */
    public Reply post(String path, Map<String, ?> body, Duration timeout) throws IOException, InterruptedException {
        return forward(path, JSON.writeValueAsBytes(body), timeout, Map.of());
    }

    /** POSTs a JSON body as it came (a follower hands an operator action to the leader), with extra headers. */
    Reply forward(String path, byte[] json, Duration timeout, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        headers.forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode doc;
        try {
            doc = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            doc = JSON.createObjectNode().put("message", "the daemon answered " + r.statusCode() + " without JSON");
        }
        return new Reply(r.statusCode(), doc);
    }

    private static SSLContext trusting(Path certFile) {
        try (InputStream in = Files.newInputStream(certFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("vakt-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the daemon's certificate " + certFile + ": " + e.getMessage(), e);
        }
    }
}
