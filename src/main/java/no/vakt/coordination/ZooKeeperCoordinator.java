package no.vakt.coordination;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.config.CoordinationConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authority through a ZooKeeper ensemble, with Curator's recipes under the cluster's chroot:
 * <ul>
 *   <li>{@code /leader}: a {@link LeaderLatch} per cluster, each agent taking part under its name;</li>
 *   <li>{@code /agents/NAME}: each agent's ephemeral node ({@link PersistentNode}, re-created on a new session)
 *       with its name, role and API address (where followers forward operator actions); a cache of all of
 *       them feeds {@link #status()};</li>
 *   <li>{@code /observations/NAME}: each agent's latest look at the primary ({@link ObservationBoard}), for
 *       the leader's {@link QuorumVerdict};</li>
 *   <li>{@code /epoch}: the cluster epoch, the fencing token, moved only by versioned compare-and-set
 *       ({@link DistributedAtomicLong}).</li>
 * </ul>
 * Authority holds only while this agent leads AND the session is CONNECTED or RECONNECTED. Curator reports
 * SUSPENDED as soon as the connection drops (long before the session expires) and this class's listener
 * clears its flag then, without waiting for the latch to notice. Every ZooKeeper call blocks at most the
 * connection timeout per attempt, over a bounded number of attempts; {@link #status()} never blocks.
 */
public final class ZooKeeperCoordinator implements Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinator.class);
    static final String LEADER = "/leader";
    static final String AGENTS = "/agents";
    static final String EPOCH = "/epoch";

    private record Session(SessionState state, Instant since) {}

    private final CoordinationConfig config;
    private final Clock clock;
    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final PersistentNode self;
    private final CuratorCache participants;
    /** Every agent's node and the epoch, kept by watches so that {@link #status()} reads them without blocking. */
    private final CuratorCache agents;
    private final CuratorCache epochNode;
    private final AtomicReference<String> api = new AtomicReference<>();
    private final DistributedAtomicLong epoch;
    private final ZooKeeperRuns runs;
    private final ObservationBoard board;
    /** Leader look-ups block (a ZooKeeper read): they run here, never on a caller's thread. */
    private final ExecutorService lookups;
    private final AtomicReference<Session> session;
    private final AtomicBoolean live = new AtomicBoolean(false);
    private final AtomicReference<String> leader = new AtomicReference<>();
    private final java.util.concurrent.CountDownLatch leaderKnown = new java.util.concurrent.CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean(false);

    private ZooKeeperCoordinator(CoordinationConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.session = new AtomicReference<>(new Session(SessionState.CONNECTING, clock.instant()));
        this.client = Curators.client(config);
        this.latch = new LeaderLatch(client, LEADER, config.agent(), LeaderLatch.CloseMode.SILENT);
        this.self = new PersistentNode(client, CreateMode.EPHEMERAL, false, AGENTS + "/" + config.agent(), describe(false));
        this.participants = CuratorCache.build(client, LEADER);
        this.agents = CuratorCache.build(client, AGENTS);
        this.epochNode = CuratorCache.build(client, EPOCH);
        this.epoch = new DistributedAtomicLong(client, EPOCH, Curators.retries());
        this.runs = new ZooKeeperRuns(client);
        // One cache per path: the board's quorum reads the same /agents and /epoch caches as the status.
        this.board = new ObservationBoard(client, config.agent(), agents, epochNode);
        this.lookups = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vakt-coordination");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects in the background and takes part in the election; returns at once (without ZooKeeper the
     * agent runs on, without authority). {@link #status()} says when it is connected and who leads.
     */
    public static ZooKeeperCoordinator start(CoordinationConfig config, Clock clock) {
        ZooKeeperCoordinator c = new ZooKeeperCoordinator(config, clock);
        try {
            c.begin();
        } catch (RuntimeException e) {
            c.close(); // no client thread left behind
            throw e;
        }
        return c;
    }

    private void begin() {
        // Registered before the client starts, so the first CONNECTED is not missed.
        client.getConnectionStateListenable().addListener((c, state) -> onConnectionState(state));
        client.start();
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                setLeader(config.agent());
                publishSelf();
            }

            @Override
            public void notLeader() {
                lookUpLeader();
                publishSelf();
            }
        });
        participants.listenable().addListener((type, before, after) -> lookUpLeader());
        self.getListenable().addListener(path -> publishSelf());
        try {
            latch.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot take part in the leader election: " + e.getMessage(), e);
        }
        self.start();
        participants.start();
        agents.start();
        epochNode.start();
        board.start();
        runs.watchPause();
    }

    private void onConnectionState(ConnectionState state) {
        SessionState s = switch (state) {
            case CONNECTED -> SessionState.CONNECTED;
            case RECONNECTED -> SessionState.RECONNECTED;
            case SUSPENDED -> SessionState.SUSPENDED;
            case LOST -> SessionState.LOST;
            case READ_ONLY -> SessionState.READ_ONLY;
        };
        // The flag first: authority ends here, before anything else is done about it.
        live.set(s.live());
        session.set(new Session(s, clock.instant()));
        if (s.live()) {
            LOG.info("coordination: ZooKeeper session {} (agent {})", s, config.agent());
            lookUpLeader();
        } else {
            LOG.warn("coordination: ZooKeeper session {} (agent {}): no authority", s, config.agent());
        }
    }

    @Override
    public CoordinatorStatus status() {
        Session s = session.get();
        boolean open = !closed.get();
        boolean connected = live.get() && open;
        boolean leading = connected && latch.hasLeadership();
        String who = leading ? config.agent() : leader.get();
        String reason;
        if (!open) {
            reason = "the coordinator is closed";
        } else if (!connected) {
            reason = "ZooKeeper session " + s.state() + " since " + s.since() + ": no authority until connected again";
        } else if (leading) {
            reason = "leader on a connected ZooKeeper session";
        } else {
            reason = "not the leader" + (who == null ? " (leader not known yet)" : "; the leader is " + who);
        }
        return new CoordinatorStatus(CoordinatorStatus.Mode.ZOOKEEPER, config.agent(), who,
                open ? s.state() : SessionState.CLOSED, s.since(), leading, reason, open ? agentList() : List.of(),
                open ? epochNode.get(EPOCH).map(d -> AgentNodes.epoch(d.getData())).orElse(null) : null);
    }

    /** The cached {@code /agents/NAME} nodes, by name (the cache holds {@code /agents} itself too). */
    private List<CoordinatorStatus.Agent> agentList() {
        return agents.stream().filter(d -> d.getPath().startsWith(AGENTS + "/"))
                .map(d -> AgentNodes.read(d.getPath().substring(AGENTS.length() + 1), d.getData()))
                .sorted(Comparator.comparing(CoordinatorStatus.Agent::name)).toList();
    }

    /** Publishes this agent's API address in its node, so followers can forward operator actions to it when it leads. */
    @Override
    public void advertise(String apiUrl) {
        api.set(apiUrl);
        publishSelf();
    }

    @Override
    public OptionalLong epoch() {
        try {
            AtomicValue<Long> v = epoch.get();
            return v.succeeded() ? OptionalLong.of(v.postValue()) : OptionalLong.empty();
        } catch (Exception e) {
            LOG.warn("coordination: cannot read the epoch: {}", e.toString());
            return OptionalLong.empty();
        }
    }

    @Override
    public EpochUpdate advanceEpoch(long expected, long next) {
        Epochs.requireGrowth(expected, next);
        try {
            // An epoch never written is 0: the first advance starts from it.
            epoch.initialize(0L);
            AtomicValue<Long> v = epoch.compareAndSet(expected, next);
            if (v.succeeded()) return new EpochUpdate.Advanced(next);
            // Refused: read what it is now (the value seen by the failed attempt may itself be old).
            AtomicValue<Long> now = epoch.get();
            return new EpochUpdate.Refused(expected, now.succeeded() ? now.postValue() : v.preValue());
        } catch (Exception e) {
            return new EpochUpdate.Unavailable("ZooKeeper did not answer: " + e);
        }
    }

    @Override
    public java.util.Optional<ZooKeeperRuns> runs() {
        return java.util.Optional.of(runs);
    }

    @Override
    public void publish(PrimaryObservation observation) {
        if (!closed.get()) board.publish(observation);
    }

    @Override
    public OptionalLong knownEpoch() {
        return closed.get() ? OptionalLong.empty() : board.knownEpoch();
    }

    @Override
    public java.util.Optional<AgentViews> agentViews() {
        return java.util.Optional.of(board.views());
    }

    private void setLeader(String agent) {
        leader.set(agent);
        if (agent != null) leaderKnown.countDown();
    }

    @Override
    public boolean awaitLeader(java.time.Duration timeout) throws InterruptedException {
        return leaderKnown.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void lookUpLeader() {
        if (closed.get()) return;
        try {
            lookups.execute(() -> {
                try {
                    Participant p = latch.getLeader();
                    setLeader(p.isLeader() && !p.getId().isEmpty() ? p.getId() : null);
                } catch (Exception e) {
                    LOG.debug("coordination: leader look-up failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The agent's node says its name and role; best effort (a node not created yet is written on creation). */
    private void publishSelf() {
        if (closed.get()) return;
        try {
            self.setData(describe(live.get() && latch.hasLeadership()));
        } catch (Exception e) {
            LOG.debug("coordination: cannot publish this agent's node yet: {}", e.toString());
        }
    }

    private byte[] describe(boolean leading) {
        return AgentNodes.describe(config.agent(), leading, api.get(), clock.instant());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        live.set(false);
        lookups.shutdownNow();
        participants.close();
        board.close();
        agents.close();
        epochNode.close();
        runs.close();
        closeQuietly(self);
        closeQuietly(latch);
        client.close();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("coordination: close: {}", e.toString());
        }
    }
}
