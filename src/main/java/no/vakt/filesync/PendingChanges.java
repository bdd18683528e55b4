package no.vakt.filesync;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Changed paths waiting for the next push, each path once however often it changed. Bounded: past
 * {@code capacity} paths the set is dropped and a full reconcile asked for instead, which copies the
 * same changes without holding them in memory. The pusher waits here for work. The age of the oldest
 * unsynced change counts pending paths and the batch or reconcile in flight.
 */
final class PendingChanges {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private Set<String> paths = new LinkedHashSet<>();
    private Instant pendingSince;
    private String reconcileReason;
    private Instant reconcileSince;
    private Instant inFlightSince;

    PendingChanges(int capacity) {
        this.capacity = capacity;
    }

    /** A batch taken for pushing; {@code oldest} is when its first change was seen. */
    record Batch(Set<String> paths, Instant oldest) {}

    void add(String rel, Instant now) {
        lock.lock();
        try {
            if (paths.size() >= capacity && !paths.contains(rel)) {
                overflowLocked(now);
            } else {
                paths.add(rel);
                if (pendingSince == null) pendingSince = now;
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A full reconcile is needed because changes may be unsynced (start-up, lost events): they age from {@code now}. */
    void requestReconcile(String reason, Instant now) {
        request(reason, now);
    }

    /**
     * A full reconcile that checks rather than repairs (the periodic one, a delete guard re-check): it
     * makes nothing look unsynced, so a long periodic run of a big tree does not read as "behind".
     */
    void requestCheck(String reason) {
        request(reason, null);
    }

    private void request(String reason, Instant since) {
        lock.lock();
        try {
            if (reconcileReason == null) reconcileReason = reason;
            reconcileSince = min(reconcileSince, since);
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A reconcile taken for running; {@code since} is when its oldest unsynced change was seen (null: none known). */
    record Reconcile(String reason, Instant since) {}

    /**
     * The reconcile asked for, or null. Taking it clears the pending paths: the reconcile copies them too.
     * Call {@link #done()} when it finished, or {@link #retry} when it failed.
     */
    Reconcile takeReconcile() {
        lock.lock();
        try {
            String r = reconcileReason;
            if (r == null) return null;
            Reconcile out = new Reconcile(r, min(pendingSince, reconcileSince));
            inFlightSince = out.since();
            reconcileReason = null;
            reconcileSince = null;
            paths = new LinkedHashSet<>();
            pendingSince = null;
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** A reconcile failed: it is asked for again, and what it was to repair keeps its age. */
    void retry(Reconcile r) {
        lock.lock();
        try {
            inFlightSince = null;
            if (reconcileReason == null) reconcileReason = r.reason();
            reconcileSince = min(reconcileSince, r.since());
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Everything pending, now in flight; call {@link #done()} or {@link #restore} afterwards. */
    Batch drain() {
        lock.lock();
        try {
            Batch b = new Batch(paths, pendingSince);
            inFlightSince = pendingSince;
            paths = new LinkedHashSet<>();
            pendingSince = null;
            return b;
        } finally {
            lock.unlock();
        }
    }

    /** The batch or reconcile in flight was delivered. */
    void done() {
        lock.lock();
        try {
            inFlightSince = null;
        } finally {
            lock.unlock();
        }
    }

    /** Puts back paths a failed push could not deliver; {@code since} is when they were first seen. */
    void restore(Set<String> failed, Instant since) {
        lock.lock();
        try {
            inFlightSince = null;
            for (String p : failed) {
                if (paths.size() >= capacity) {
                    overflowLocked(since);
                    break;
                }
                paths.add(p);
            }
            if (!paths.isEmpty()) pendingSince = min(pendingSince, since);
        } finally {
            lock.unlock();
        }
    }

    private void overflowLocked(Instant now) {
        if (reconcileReason == null) {
            reconcileReason = "more than " + capacity + " changes pending";
            reconcileSince = min(pendingSince, now);
        }
        paths = new LinkedHashSet<>();
        pendingSince = null;
    }

    int size() {
        lock.lock();
        try {
            return paths.size();
        } finally {
            lock.unlock();
        }
    }

    /** Age of the oldest change not yet synced; zero when nothing is pending or in flight. */
    Duration oldestAge(Instant now) {
        lock.lock();
        try {
            Instant o = min(min(pendingSince, reconcileSince), inFlightSince);
            return o == null ? Duration.ZERO : Duration.between(o, now);
        } finally {
            lock.unlock();
        }
    }

    /** When the oldest pending path was seen, null when none. */
    Instant pendingSince() {
        lock.lock();
        try {
            return pendingSince;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code max} for work; true when there is some. */
    boolean awaitWork(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long nanos = max.toNanos();
            while (paths.isEmpty() && reconcileReason == null && nanos > 0) nanos = work.awaitNanos(nanos);
            return !paths.isEmpty() || reconcileReason != null;
        } finally {
            lock.unlock();
        }
    }

    /** True when a reconcile is waiting. */
    boolean reconcileRequested() {
        lock.lock();
        try {
            return reconcileReason != null;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting pusher (on close). */
    void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isBefore(b) ? a : b;
    }
}
