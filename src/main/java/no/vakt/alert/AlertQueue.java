package no.vakt.alert;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded first-in first-out queue of alerts waiting for one channel. {@link #offer} never blocks:
 * when the queue is full it makes room by dropping the oldest of the least severe alerts (INFO first),
 * or drops the new alert when everything waiting is more severe than it.
 */
final class AlertQueue {
    /**
     * An alert on its way.
     *
     * @param id the delivery id, the same on every channel and attempt
     * @param alertId its journal entry, 0 when it could not be journaled
     */
    record Envelope(Alert alert, String id, java.time.Instant raisedAt, long alertId) {}

    private final int capacity;
    private final ArrayDeque<Envelope> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    AlertQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code e}; returns what was dropped to make room (possibly {@code e} itself). */
    Optional<Envelope> offer(Envelope e) {
        lock.lock();
        try {
            Envelope dropped = null;
            if (items.size() >= capacity) {
                Envelope victim = leastSevereOldest();
                if (victim.alert().severity().compareTo(e.alert().severity()) > 0) {
                    return Optional.of(e);
                }
                items.remove(victim);
                dropped = victim;
            }
            items.addLast(e);
            notEmpty.signal();
            return Optional.ofNullable(dropped);
        } finally {
            lock.unlock();
        }
    }

    /** The next alert, waiting up to {@code timeout}; null when none came. */
    Envelope poll(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (items.isEmpty()) {
                if (nanos <= 0) return null;
                nanos = notEmpty.awaitNanos(nanos);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything still waiting. */
    List<Envelope> drain() {
        lock.lock();
        try {
            List<Envelope> all = new ArrayList<>(items);
            items.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #poll} (used at close). */
    void wake() {
        lock.lock();
        try {
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Envelope leastSevereOldest() {
        Envelope pick = null;
        for (Iterator<Envelope> it = items.iterator(); it.hasNext(); ) {
            Envelope x = it.next();
            if (pick == null || x.alert().severity().compareTo(pick.alert().severity()) < 0) pick = x;
        }
        return pick;
    }
}
