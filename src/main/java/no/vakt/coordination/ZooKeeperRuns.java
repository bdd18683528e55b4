package no.vakt.coordination;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import no.vakt.journal.JournalJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster's failovers in ZooKeeper, under the cluster's chroot:
 * <ul>
 *   <li>{@code /run/current}: the latest run ({@link ClusterRun}), written by the agent that holds it before each
 *       step and after its result. Every write names the node version it read (compare-and-set), so an agent that
 *       lost the run to a successor cannot overwrite the successor's record: its write is {@link RunWrite.Refused}.</li>
 *   <li>{@code /runs/run-NNNNNNNNNN}: each finished run, sequential, the newest {@link #KEEP} kept:
 *       {@code vakt history} on any agent.</li>
 *   <li>{@code /pause}: the maintenance pause in force, set through any agent.</li>
 * </ul>
 * Every call blocks at most the client's bounded retries; a failed read throws {@link Unavailable}.
 */
public final class ZooKeeperRuns {
    static final String CURRENT = "/run/current";
    static final String ARCHIVE = "/runs";
    static final String RUN = ARCHIVE + "/run-";
    static final String PAUSE = "/pause";
    static final String LAST_PROMOTION = "/run/last-promotion";
    /** Finished runs kept under {@code /runs}: the history's length, not an audit log (each journal is). */
    public static final int KEEP = 50;
    private static final ObjectMapper JSON = JournalJson.mapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** ZooKeeper did not answer (or answered with something that is not a run). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String what, Exception cause) {
            super(what + ": " + cause, cause);
        }

        Unavailable(String what) {
            super(what);
        }
    }

    /** The run as read, with the node version a write must expect. */
    public record Versioned(ClusterRun run, int version) {}

    private final CuratorFramework client;
    /**
     * The agent's copy of {@code /pause}, kept by a watch: {@link #pause()} is read on every status request and tick,
     * and a read over a connection that just died blocks until the client notices (2/3 of the session timeout) and
     * then for all the retries, so a cut-off agent's /api/status would not answer. Null for a command's client.
     */
    private volatile CuratorCache pauseCache;
    /** Until the watched copy has its first load, {@link #pause()} reads ZooKeeper (a pause set must not be missed). */
    private volatile boolean pauseLoaded;

    public ZooKeeperRuns(CuratorFramework client) {
        this.client = client;
    }

    /** From now on {@link #pause()} answers from a watched copy, without blocking (the daemon's agent). */
    void watchPause() {
        CuratorCache c = CuratorCache.build(client, PAUSE);
        c.listenable().addListener(org.apache.curator.framework.recipes.cache.CuratorCacheListener.builder()
                .forInitialized(() -> pauseLoaded = true).build());
        c.start();
        pauseCache = c;
    }

    void close() {
        CuratorCache c = pauseCache;
        if (c != null) c.close();
    }

    /**
     * The cluster's finished runs for {@code vakt history}, over a client of its own: blocks at most the connection
     * timeout to connect, then the bounded retries of the reads.
     */
    public static List<ClusterRun> history(no.vakt.config.CoordinationConfig config, int limit) {
        return using(config, runs -> runs.history(limit));
    }

    /**
     * {@code work} with a client of its own (a command without the daemon: {@code vakt history}, {@code vakt pause}):
     * blocks at most the connection timeout to connect, then the bounded retries of each call.
     */
    public static <T> T using(no.vakt.config.CoordinationConfig config, java.util.function.Function<ZooKeeperRuns, T> work) {
        try (CuratorFramework c = Curators.client(config)) {
            c.start();
            if (!c.blockUntilConnected(Math.toIntExact(config.connectionTimeout().toMillis()),
                    java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new Unavailable("ZooKeeper did not answer within " + config.connectionTimeout().toMillis() + " ms");
            }
            return work.apply(new ZooKeeperRuns(c));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }

    /** The cluster's file sync direction, watched from now on; the caller closes it. */
    public SharedDirection direction() {
        return new SharedDirection(client);
    }

    public Optional<Versioned> current() {
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(CURRENT);
            return Optional.of(new Versioned(JSON.readValue(data, ClusterRun.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new Unavailable("cannot read " + CURRENT, e);
        }
    }

    /**
     * Records a run that begins: refused while another run (another key) is still running in the cluster; a
     * finished one is replaced (it stays under {@code /runs}).
     */
    public RunWrite begin(ClusterRun run) {
        try {
            Optional<Versioned> now = current();
            if (now.isPresent()) {
                ClusterRun there = now.get().run();
                if (there.running() && !there.key().equals(run.key())) return new RunWrite.Refused(there.agent(), there.key());
                return update(run, now.get().version());
            }
            client.create().creatingParentsIfNeeded().forPath(CURRENT, bytes(run));
            return new RunWrite.Written(0);
        } catch (KeeperException.NodeExistsException e) {
            // Another agent began one at the same moment: it won.
            return current().<RunWrite>map(v -> new RunWrite.Refused(v.run().agent(), v.run().key()))
                    .orElseGet(() -> new RunWrite.Unavailable("the run node came and went"));
        } catch (Unavailable e) {
            return new RunWrite.Unavailable(e.getMessage());
        } catch (Exception e) {
            return new RunWrite.Unavailable("ZooKeeper did not answer: " + e);
        }
    }

    /** Writes {@code run} only if the node is still at {@code expectedVersion} (compare-and-set). */
    public RunWrite update(ClusterRun run, int expectedVersion) {
        try {
            Stat stat = client.setData().withVersion(expectedVersion).forPath(CURRENT, bytes(run));
            return new RunWrite.Written(stat.getVersion());
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            try {
                return current().<RunWrite>map(v -> new RunWrite.Refused(v.run().agent(), v.run().key()))
                        .orElseGet(() -> new RunWrite.Refused(null, null));
            } catch (Unavailable u) {
                return new RunWrite.Refused(null, null);
            }
        } catch (Exception e) {
            return new RunWrite.Unavailable("ZooKeeper did not answer: " + e);
        }
    }

    /**
     * Appends a finished run to {@code /runs} and drops the oldest beyond {@link #KEEP}; one that promoted a
     * standby also sets {@code /run/last-promotion}, so the cooldown is one read when a failover is planned.
     */
    public void archive(ClusterRun run) {
        if (run.running()) throw new IllegalArgumentException("run " + run.key() + " is still running");
        try {
            if (run.ending().promoted()) setOrCreate(LAST_PROMOTION, run.endedAt().toString());
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(RUN, bytes(run));
            List<String> names = new ArrayList<>(client.getChildren().forPath(ARCHIVE));
            names.sort(Comparator.naturalOrder());
            for (String old : names.subList(0, Math.max(0, names.size() - KEEP))) {
                try {
                    client.delete().forPath(ARCHIVE + "/" + old);
                } catch (KeeperException.NoNodeException e) {
                    // another agent trimmed it
                }
            }
        } catch (Exception e) {
            throw new Unavailable("cannot archive run " + run.key(), e);
        }
    }

    /**
     * The cluster's newest {@code limit} finished runs, newest first; the current one too once it has finished
     * (its holder may have died between its last write and its archive).
     */
    public List<ClusterRun> history(int limit) {
        try {
            List<ClusterRun> out = new ArrayList<>();
            Optional<Versioned> now = current();
            List<String> names = new ArrayList<>();
            if (client.checkExists().forPath(ARCHIVE) != null) names.addAll(client.getChildren().forPath(ARCHIVE));
            names.sort(Comparator.reverseOrder());
            for (String name : names) {
                if (out.size() >= limit) break;
                try {
                    out.add(JSON.readValue(client.getData().forPath(ARCHIVE + "/" + name), ClusterRun.class));
                } catch (KeeperException.NoNodeException e) {
                    // trimmed meanwhile
                }
            }
            now.map(Versioned::run).filter(r -> !r.running() && out.stream().noneMatch(o -> o.key().equals(r.key())))
                    .ifPresent(r -> out.add(0, r));
            return out.size() > limit ? out.subList(0, limit) : out;
        } catch (Unavailable e) {
            throw e;
        } catch (Exception e) {
            throw new Unavailable("cannot read " + ARCHIVE, e);
        }
    }

    /**
     * When the cluster's newest failover that promoted a standby ended: the cooldown counts from it. Two reads: the
     * archived mark, and the current run (its holder may have died before archiving it).
     */
    public Optional<Instant> lastPromotionEnd() {
        Optional<Instant> archived;
        try {
            archived = Optional.of(Instant.parse(new String(client.getData().forPath(LAST_PROMOTION),
                    java.nio.charset.StandardCharsets.UTF_8)));
        } catch (KeeperException.NoNodeException e) {
            archived = Optional.empty();
        } catch (Exception e) {
            throw new Unavailable("cannot read " + LAST_PROMOTION, e);
        }
        Optional<Instant> current = current().map(Versioned::run).filter(r -> !r.running() && r.ending().promoted())
                .map(ClusterRun::endedAt);
        return Stream.of(archived, current).flatMap(Optional::stream).max(Comparator.naturalOrder());
    }

    /**
     * @param run the newest finished run that promoted a standby
     * @param underWay a run is under way now: the record may change when it ends
     */
    public record Promotion(Optional<ClusterRun> run, boolean underWay) {}

    /**
     * The cluster's newest finished run that promoted a standby (its new primary and epoch are the file sync
     * direction every agent falls back on), and whether a run is under way: one read then (the finished runs are not read,
     * the answer would be stale when it ends), one read when the current run is the newest promotion, else the archive.
     */
    public Promotion lastPromotionNow() {
        Optional<ClusterRun> now = current().map(Versioned::run);
        if (now.isPresent() && now.get().running()) return new Promotion(Optional.empty(), true);
        Optional<ClusterRun> promoted = now.filter(r -> r.ending().promoted());
        return new Promotion(promoted.isPresent() ? promoted
                : history(KEEP).stream().filter(r -> r.ending().promoted()).findFirst(), false);
    }

    /** The newest pause or resume set through any agent (the JSON the maintenance package wrote); empty when none. */
    public Optional<String> pause() {
        CuratorCache cache = pauseCache;
        if (cache != null && pauseLoaded) {
            return cache.get(PAUSE).map(d -> new String(d.getData(), java.nio.charset.StandardCharsets.UTF_8));
        }
        try {
            return Optional.of(new String(client.getData().forPath(PAUSE), java.nio.charset.StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new Unavailable("cannot read " + PAUSE, e);
        }
    }

    /** Replaces the cluster's pause state: the newest pause or resume wins, as in a journal. */
    public void pause(String json) {
        try {
            setOrCreate(PAUSE, json);
        } catch (Exception e) {
            throw new Unavailable("cannot write " + PAUSE, e);
        }
    }

    /** The newest value wins (no compare-and-set): for state people set, not for the run a leader holds. */
    private void setOrCreate(String path, String value) throws Exception {
        byte[] data = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            client.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
            try {
                client.create().creatingParentsIfNeeded().forPath(path, data);
            } catch (KeeperException.NodeExistsException raced) {
                client.setData().forPath(path, data); // created by another agent meanwhile
            }
        }
    }

    private static byte[] bytes(ClusterRun run) throws IOException {
        return JSON.writeValueAsBytes(run);
    }
}
