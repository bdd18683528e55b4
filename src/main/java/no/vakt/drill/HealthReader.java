package no.vakt.drill;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.http.BoundedHttp;

/**
 * The drill's site visitor: fetches the health page every period at the address the service name
 * resolves to now (the path and port of the primary's {@code health-url}), like a browser after its
 * DNS cache expired. The request goes to the resolved address; the Host header is the address too (the
 * JDK does not let a client set Host), which a per-site web server does not mind.
 */
public final class HealthReader implements AutoCloseable {
    /** One fetch: when it ended, whether the site answered 2xx, and the status or error. */
    public record Sample(Instant at, boolean healthy, String detail) {}

    private final ServiceResolver resolver;
    private final URI healthUrl;
    private final Duration period;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final List<Sample> samples = new ArrayList<>();
    private final DrillThread thread = new DrillThread();

    public HealthReader(ServiceResolver resolver, URI healthUrl, Duration period, Duration timeout, Clock clock) {
        this.resolver = resolver;
        this.healthUrl = healthUrl;
        this.period = period;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public HealthReader start() {
        thread.start("vakt-drill-reader", this::loop);
        return this;
    }

    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The first healthy fetch at or after {@code t} that follows an unhealthy one after {@code t}, else null. */
    public synchronized Instant healthyAgainAfter(Instant t) {
        boolean sawFailure = false;
        for (Sample s : samples) {
            if (s.at().isBefore(t)) continue;
            if (!s.healthy()) sawFailure = true;
            else if (sawFailure) return s.at();
        }
        return null;
    }

    private void loop() {
        while (thread.running()) {
            Sample s = fetch();
            synchronized (this) {
                samples.add(s);
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Sample fetch() {
        try {
            InetSocketAddress to = resolver.resolve();
            String host = to.getAddress() != null ? to.getAddress().getHostAddress() : to.getHostString();
            int port = healthUrl.getPort() > 0 ? healthUrl.getPort() : "https".equals(healthUrl.getScheme()) ? 443 : 80;
            URI target = new URI(healthUrl.getScheme(), null, host, port, healthUrl.getPath(), healthUrl.getQuery(), null);
            HttpResponse<Void> r = BoundedHttp.send(http, HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding(), timeout);
            return new Sample(clock.instant(), r.statusCode() / 100 == 2, "HTTP " + r.statusCode() + " from " + host);
        } catch (IOException | java.net.URISyntaxException e) {
            return new Sample(clock.instant(), false, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.halt();
            return new Sample(clock.instant(), false, "interrupted");
        }
    }

    @Override
    public void close() {
        thread.close(timeout.multipliedBy(3).plus(period).plusSeconds(1));
    }
}
