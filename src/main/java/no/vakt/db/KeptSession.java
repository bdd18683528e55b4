package no.vakt.db;

import java.io.Closeable;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One admin session to one node kept between calls, for reads that run every second and need no proof
 * that a new connection would be accepted (the standby's inspection): a fresh TLS-verified connection
 * each time was most of a steady {@code vakt run}'s CPU. The work itself re-validates the session: its
 * statements run under the session's socket timeout, and when one fails on the kept session that session
 * is dropped and the work runs once more on a fresh one, so a node that died, restarted or ended the
 * session is seen as on a fresh connection (a dead node fails both; a black hole within the caller's
 * deadline). Never for the primary's liveness probe: a kept socket would hide a primary that no longer
 * accepts connections.
 *
 * <p>Safe from several threads: the session is taken out while in use, so a call that overlaps one still
 * running (an abandoned probe finishing its timeout) opens its own, and the spare is closed.
 */
public final class KeptSession implements Closeable {
    /** Opens a fresh session. */
    @FunctionalInterface
    public interface Opener {
        DbSession open() throws SQLException;
    }

    /** Statements on a session. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(DbSession db) throws SQLException;
    }

    private final Opener opener;
    private final AtomicReference<DbSession> idle = new AtomicReference<>();
    private volatile boolean closed;

    public KeptSession(Opener opener) {
        this.opener = opener;
    }

    /** Runs {@code work} on the kept session, or on a fresh one when there is none or the kept one failed. */
    public <T> T run(Work<T> work) throws SQLException {
        DbSession kept = idle.getAndSet(null);
        if (kept != null) {
            try {
                T result = work.apply(kept);
                giveBack(kept);
                return result;
            } catch (SQLException | RuntimeException e) {
                kept.close(); // stale, or the node failed: a fresh session tells which
            }
        }
        DbSession fresh = opener.open();
        try {
            T result = work.apply(fresh);
            giveBack(fresh);
            return result;
        } catch (SQLException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private void giveBack(DbSession session) {
        if (closed || !idle.compareAndSet(null, session)) {
            session.close();
        } else if (closed) {
            // close() ran between the check and the set: it may have missed this one.
            DbSession s = idle.getAndSet(null);
            if (s != null) s.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        DbSession s = idle.getAndSet(null);
        if (s != null) s.close();
    }
}
