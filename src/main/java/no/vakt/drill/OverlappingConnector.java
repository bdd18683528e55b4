package no.vakt.drill;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How the drill's application gets a connection back: as a shop with many clients does, not as one client
 * waiting out one connect. While no attempt has connected, a new one (resolving the service afresh) starts
 * every {@code spacing}, each with the full connect timeout, so they overlap; the first that connects wins
 * and the others' connections are closed when they come. Against a black-holed old primary an attempt waits
 * out its timeout, and with one attempt at a time the first write on the new primary landed on that
 * timeout's whole-second grid after the fault (up to a second after the service name moved); with an
 * attempt every {@code spacing}, within {@code spacing} of it.
 *
 * <p>One call is bounded by the timeout: past it, it fails with the last attempt's error (attempts still
 * pending are abandoned; their own timeouts end them). When every started attempt failed (refused, no
 * such name), it fails at once, as one attempt would: the caller's pacing decides when to try again.
 * Not thread-safe: one writer thread calls it.
 */
final class OverlappingConnector implements AutoCloseable {
    /** One connect, resolving the service afresh. */
    @FunctionalInterface
    interface Attempt {
        Opened open() throws IOException, SQLException;
    }

    /** A connection and where it went. */
    record Opened(Connection connection, String host, int port) {}

    /**
     * Attempts in flight at once, at most: a call starts timeout / spacing + 1 of them (5 at 1 s and 250 ms)
     * and abandons the pending ones when it ends, so the next call may start while those run out their timeouts.
     */
    static final int MAX_ATTEMPTS = 12;

    private final Attempt attempt;
    private final long timeoutNanos;
    private final long spacingNanos;
    private final ThreadPoolExecutor pool;

    OverlappingConnector(Attempt attempt, Duration timeout, Duration spacing) {
        if (spacing.isZero() || spacing.isNegative()) throw new IllegalArgumentException("spacing must be positive");
        this.attempt = attempt;
        this.timeoutNanos = timeout.toNanos();
        this.spacingNanos = spacing.toNanos();
        this.pool = new ThreadPoolExecutor(0, MAX_ATTEMPTS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "vakt-drill-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /** The first connection any attempt of this call opens within the timeout. */
    Opened connect() throws IOException, SQLException, InterruptedException {
        Round round = new Round();
        long start = System.nanoTime();
        long end = start + timeoutNanos;
        try {
            for (int i = 1; ; i++) {
                if (!begin(round)) round.noMoreStarts();
                round.await(Math.min(start + spacingNanos * i, end));
                Opened won = round.outcome();
                if (won != null) return won;
                if (System.nanoTime() - end >= 0) round.fail("no connection within " + timeoutNanos / 1_000_000 + " ms");
            }
        } finally {
            round.close();
        }
    }

    private boolean begin(Round round) {
        if (!round.starting()) return false;
        try {
            pool.execute(() -> {
                try {
                    round.succeeded(attempt.open());
                } catch (IOException | SQLException | RuntimeException e) {
                    round.failed(e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            round.failed(new SQLTransientConnectionException(MAX_ATTEMPTS + " connection attempts still pending"));
            return false;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The attempts of one call: the winner, how many are pending, the last error. */
    private static final class Round {
        private Opened winner;
        private int pending;
        private Exception last;
        private boolean closed;
        private boolean noMoreStarts;

        synchronized boolean starting() {
            if (noMoreStarts) return false;
            pending++;
            return true;
        }

        synchronized void noMoreStarts() {
            noMoreStarts = true;
        }

        synchronized void succeeded(Opened o) {
            pending--;
            if (winner == null && !closed) {
                winner = o;
                notifyAll();
            } else {
                closeQuietly(o); // a later winner, or the call already ended: nobody uses it
            }
        }

        synchronized void failed(Exception e) {
            pending--;
            last = e;
            notifyAll();
        }

        /** Until a winner, no attempt pending, or {@code deadline} (System.nanoTime). */
        synchronized void await(long deadline) throws InterruptedException {
            while (winner == null && pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** The winner; throws the last error when nothing is pending any more and none won; null: wait on. */
        synchronized Opened outcome() throws IOException, SQLException {
            if (winner != null) return winner;
            if (pending == 0) rethrow(last == null ? new SQLTransientConnectionException("no attempt started") : last);
            return null;
        }

        synchronized void fail(String why) throws IOException, SQLException {
            if (last == null) throw new SQLTransientConnectionException(why);
            rethrow(last);
        }

        synchronized void close() {
            closed = true;
        }

        private static void rethrow(Exception e) throws IOException, SQLException {
            if (e instanceof IOException io) throw io;
            if (e instanceof SQLException sql) throw sql;
            throw new SQLTransientConnectionException(e.toString(), e);
        }

        private static void closeQuietly(Opened o) {
            try {
                o.connection().close();
            } catch (SQLException ignored) {
                // Never used: nothing to release but the socket.
            }
        }
    }
}
