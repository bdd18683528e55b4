package no.vakt.coordination;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import no.vakt.journal.JournalJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's file sync direction in ZooKeeper ({@code /file-sync/direction}, docs/ha.md): the newest direction any
 * agent journaled (a failover's or switchover's hand-over, a rejoin), so the source's agent follows a direction
 * another agent decided. Newest = higher epoch, then later journal time (a rejoin keeps the failover's epoch). Read
 * from a watched cache (never blocks); offered with a compare-and-set on the version last seen, in the background.
 */
public final class SharedDirection implements AutoCloseable {
    static final String PATH = "/file-sync/direction";
    private static final Logger LOG = LoggerFactory.getLogger(SharedDirection.class);
    private static final ObjectMapper JSON = JournalJson.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Newest first: epoch, then the time it was journaled. */
    public static final Comparator<Direction> ORDER = Comparator.comparingLong(Direction::epoch)
            .thenComparing(Direction::at);

    /**
     * @param target null: paused (a failover's new primary until a rejoin)
     * @param at when the deciding agent journaled it
     * @param agent the agent that published it
     */
    public record Direction(String source, String target, long epoch, String reason, Instant at, String agent) {}

    private final CuratorFramework client;
    private final CuratorCache cache;
    /** The write in flight, if any: the same direction is not offered again before its answer. */
    private final java.util.concurrent.atomic.AtomicReference<Direction> inFlight = new java.util.concurrent.atomic.AtomicReference<>();

    SharedDirection(CuratorFramework client) {
        this.client = client;
        this.cache = CuratorCache.build(client, PATH, CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.start();
    }

    /** The cluster's direction as last seen; empty before any agent published one (or while unreadable). */
    public Optional<Direction> current() {
        return cache.get(PATH).flatMap(SharedDirection::parse);
    }

    /**
     * Publishes {@code d} when it is newer than the cluster's, in the background (never blocks): a write that lost
     * a race is dropped, and the caller offers again once its cache shows the winner.
     */
    public void offer(Direction d) {
        Optional<ChildData> now = cache.get(PATH);
        if (now.flatMap(SharedDirection::parse).filter(c -> ORDER.compare(c, d) >= 0).isPresent()) return;
        if (!inFlight.compareAndSet(null, d)) return;
        try {
            byte[] data = JSON.writeValueAsBytes(d);
            if (now.isEmpty()) {
                client.create().creatingParentsIfNeeded().inBackground((c, e) -> done(e.getResultCode(), d)).forPath(PATH, data);
            } else {
                client.setData().withVersion(now.get().getStat().getVersion())
                        .inBackground((c, e) -> done(e.getResultCode(), d)).forPath(PATH, data);
            }
        } catch (Exception e) {
            inFlight.set(null);
            LOG.warn("file sync: the direction {} -> {} (epoch {}) is not in ZooKeeper yet: {}", d.source(), d.target(),
                    d.epoch(), e.toString());
        }
    }

    private void done(int code, Direction d) {
        inFlight.set(null);
        if (code == 0) {
            LOG.info("file sync: the cluster's direction is {} -> {} (epoch {}, {})", d.source(),
                    d.target() == null ? "none (paused)" : d.target(), d.epoch(), d.reason());
        } else {
            // Another agent wrote first, or ZooKeeper did not answer: offered again while this one is newer.
            LOG.debug("file sync: direction not published (ZooKeeper code {})", code);
        }
    }

    private static Optional<Direction> parse(ChildData c) {
        try {
            return c.getData() == null || c.getData().length == 0 ? Optional.empty()
                    : Optional.of(JSON.readValue(c.getData(), Direction.class));
        } catch (java.io.IOException e) {
            LOG.warn("file sync: {} holds no direction: {}", PATH, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
