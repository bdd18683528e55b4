package no.vakt.drill;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.db.Errors;

/**
 * The drill's application: inserts one sequenced row every 1/rate seconds into {@code vakt.vakt_drill}
 * through the service ({@link ServiceResolver}, asked again on every new connection), and records each
 * acknowledged row with the time of the acknowledgement. A row whose insert failed is not acknowledged,
 * even if it may have committed ("maybe sent"): only acknowledged rows count for the RPO, extra rows
 * never do. A failed insert closes the connection; the next one resolves and connects afresh, as a busy
 * application does: overlapping attempts a quarter of the timeout apart ({@link OverlappingConnector}), so
 * the RTO measures when the service is back, not when one client's connect timeout ran out. Missed slots
 * are skipped, never caught up in a burst.
 */
public final class LoadWriter implements AutoCloseable {
    /** One acknowledged row: its sequence number, when the commit returned, and the host and port it went to. */
    public record Ack(long seq, Instant at, String host, int port) {
        /** {@code host:port}, for people. */
        public String address() {
            return host + ":" + port;
        }
    }

    /** One failed attempt (connect or insert), for the timeline. */
    public record Failure(long seq, Instant at, String error) {}

    /**
     * Connect attempts started per connect timeout while none connects: one every 250 ms at 1 s, the grid a
     * shop's many clients make at the least (a page view a second or more); a finer one would only measure
     * the writer's own threads.
     */
    static final int CONNECT_ATTEMPTS_PER_TIMEOUT = 4;

    private final ServiceResolver resolver;
    private final DrillAccount account;
    private final String drillId;
    private final Duration period;
    private final Duration timeout;
    private final Clock clock;
    private final String sourceAddress;
    private final List<Ack> acks = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final DrillThread thread = new DrillThread();
    private final OverlappingConnector connector;
    private Connection connection;
    private String connectedHost;
    private int connectedPort;

    /**
     * @param timeout bounds each connect and each insert (a hung primary costs this much per attempt)
     * @param sourceAddress the local address to connect from; null: the system picks
     */
    public LoadWriter(ServiceResolver resolver, DrillAccount account, String drillId, int ratePerSecond, Duration timeout,
            Clock clock, String sourceAddress) {
        this.sourceAddress = sourceAddress;
        this.resolver = resolver;
        this.account = account;
        this.drillId = drillId;
        this.period = Duration.ofMillis(Math.max(10, 1000 / ratePerSecond));
        this.timeout = timeout;
        this.clock = clock;
        this.connector = new OverlappingConnector(this::open, timeout, timeout.dividedBy(CONNECT_ATTEMPTS_PER_TIMEOUT));
    }

    public LoadWriter start() {
        thread.start("vakt-drill-writer", this::loop);
        return this;
    }

    public synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    public synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** The first acknowledgement at or after {@code t}, if any. */
    public synchronized Ack firstAckAfter(Instant t) {
        for (Ack a : acks) if (!a.at().isBefore(t)) return a;
        return null;
    }

    private void loop() {
        long seq = 0;
        long next = System.nanoTime();
        while (thread.running()) {
            seq++;
            attempt(seq);
            next += period.toNanos();
            long now = System.nanoTime();
            if (next < now) next = now; // a slow attempt: skip the missed slots
            thread.sleepNanos(next - now);
        }
        closeConnection();
    }

    private void attempt(long seq) {
        try {
            if (connection == null) connect();
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO " + DrillAccount.TABLE + " (drill_id, seq, written_at) VALUES (?, ?, UTC_TIMESTAMP(6))")) {
                ps.setString(1, drillId);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            Instant at = clock.instant();
            synchronized (this) {
                acks.add(new Ack(seq, at, connectedHost, connectedPort));
            }
        } catch (SQLException e) {
            fail(seq, Errors.describe(e));
        } catch (IOException e) {
            fail(seq, e.getMessage());
        }
    }

    private void connect() throws IOException, SQLException {
        OverlappingConnector.Opened o;
        try {
            o = connector.connect();
        } catch (InterruptedException e) {
            thread.halt();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting", e);
        }
        connection = o.connection();
        connectedHost = o.host();
        connectedPort = o.port();
    }

    /** One connect attempt (on the connector's threads): resolves the service afresh. */
    private OverlappingConnector.Opened open() throws IOException, SQLException {
        return open(resolver, account, timeout, sourceAddress);
    }

    /** A connection as the drill account to where the service resolves now; {@code timeout} bounds connect and reads. */
    static OverlappingConnector.Opened open(ServiceResolver resolver, DrillAccount account, Duration timeout,
            String sourceAddress) throws IOException, SQLException {
        InetSocketAddress to = resolver.resolve();
        String host = to.getAddress() != null ? to.getAddress().getHostAddress() : to.getHostString();
        long ms = Math.max(1, timeout.toMillis());
        String url = "jdbc:mariadb://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + to.getPort() + "/"
                + "?connectTimeout=" + ms + "&socketTimeout=" + ms + "&useServerPrepStmts=false"
                + (sourceAddress == null ? "" : "&localSocketAddress=" + sourceAddress);
        return new OverlappingConnector.Opened(DriverManager.getConnection(url, account.user(), account.password()), host,
                to.getPort());
    }

    private void fail(long seq, String error) {
        closeConnection();
        synchronized (this) {
            failures.add(new Failure(seq, clock.instant(), error));
        }
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // A dead server's socket: nothing left to release.
        }
        connection = null;
        connectedHost = null;
    }


    /** Stops after the attempt in flight (bounded by the timeout). */
    @Override
    public void close() {
        thread.close(timeout.multipliedBy(2).plusSeconds(1));
        connector.close();
    }
}
