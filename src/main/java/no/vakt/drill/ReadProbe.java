package no.vakt.drill;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The drill's reader: a point read through the service every period ({@code MAX(seq)} of this drill's rows, one
 * index dive to the newest row), timed, for "time to warm" ({@link TimeToWarm}). A failed read closes the
 * connection; the next one resolves the service afresh. It measures the service's read path (name, connection,
 * the server's response), not the shop's own hot set, which the drill does not know: bench/warm measures that.
 */
public final class ReadProbe implements AutoCloseable {
    private final ServiceResolver resolver;
    private final DrillAccount account;
    private final String drillId;
    private final Duration period;
    private final Duration timeout;
    private final Clock clock;
    private final String sourceAddress;
    private final List<TimeToWarm.Sample> samples = new ArrayList<>();
    private final DrillThread thread = new DrillThread();
    private Connection connection;

    public ReadProbe(ServiceResolver resolver, DrillAccount account, String drillId, Duration period, Duration timeout,
            Clock clock, String sourceAddress) {
        this.resolver = resolver;
        this.account = account;
        this.drillId = drillId;
        this.period = period;
        this.timeout = timeout;
        this.clock = clock;
        this.sourceAddress = sourceAddress;
    }

    public ReadProbe start() {
        thread.start("vakt-drill-read-probe", this::loop);
        return this;
    }

    public synchronized List<TimeToWarm.Sample> samples() {
        return List.copyOf(samples);
    }

    private void loop() {
        long next = System.nanoTime();
        while (thread.running()) {
            // A (re)connect is the RTO's business, not read latency: it is not timed; a failed one is a failed read.
            boolean up = connected();
            Instant at = clock.instant();
            long t = System.nanoTime();
            boolean ok = up && read();
            TimeToWarm.Sample s = new TimeToWarm.Sample(at, Duration.ofNanos(System.nanoTime() - t), ok);
            synchronized (this) {
                samples.add(s);
            }
            next += period.toNanos();
            long wait = next - System.nanoTime();
            if (wait < 0) next = System.nanoTime(); // a slow read: skip the missed slots
            else thread.sleepNanos(wait);
        }
        close(connection);
    }

    private boolean connected() {
        if (connection != null) return true;
        try {
            connection = LoadWriter.open(resolver, account, timeout, sourceAddress).connection();
            return true;
        } catch (SQLException | IOException e) {
            return false;
        }
    }

    private boolean read() {
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT MAX(seq) FROM " + DrillAccount.TABLE + " WHERE drill_id = ?")) {
                ps.setString(1, drillId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            return true;
        } catch (SQLException e) {
            close(connection);
            connection = null;
            return false;
        }
    }

    private static void close(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // A dead server's socket: nothing left to release.
        }
    }


    @Override
    public void close() {
        thread.close(timeout.multipliedBy(2).plusSeconds(1));
    }
}
