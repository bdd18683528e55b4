package no.vakt.coordination;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' observations of the primary in ZooKeeper: this agent's own under {@code /observations/AGENT}
 * (ephemeral, re-created on a new session, written at each monitor tick), and caches of everyone's and of
 * who is connected ({@code /agents}) and of the epoch, so the leader reads them without a ZooKeeper round trip.
 */
final class ObservationBoard implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ObservationBoard.class);
    static final String OBSERVATIONS = "/observations";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework client;
    private final String agent;
    private final CuratorCache observations;
    /** The coordinator's caches (one per ZooKeeper path): read here, started and closed by it. */
    private final CuratorCache agents;
    /** The epoch node, as {@code DistributedAtomicLong} writes it (8 bytes, big-endian). */
    private final CuratorCache epoch;
    /** Created at the first publish: a node with no observation yet would say nothing. */
    private final AtomicReference<PersistentNode> own = new AtomicReference<>();

    /** @param agents the cache of {@code /agents} and @param epoch the cache of {@code /epoch}, owned by the caller */
    ObservationBoard(CuratorFramework client, String agent, CuratorCache agents, CuratorCache epoch) {
        this.client = client;
        this.agent = agent;
        this.observations = CuratorCache.build(client, OBSERVATIONS);
        this.agents = agents;
        this.epoch = epoch;
    }

    void start() {
        observations.start();
    }

    /** The epoch as last seen (a watch keeps it); empty before it was ever written or read. */
    java.util.OptionalLong knownEpoch() {
        return epoch.get(ZooKeeperCoordinator.EPOCH).map(d -> AgentNodes.epoch(d.getData()))
                .map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty());
    }

    /** Best effort and never blocking: the node is written in the background, re-created after a new session. */
    void publish(PrimaryObservation o) {
        byte[] data;
        try {
            data = JSON.writeValueAsBytes(o.json());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        PersistentNode node = own.get();
        if (node == null) {
            PersistentNode created = new PersistentNode(client, CreateMode.EPHEMERAL, false, OBSERVATIONS + "/" + agent, data);
            if (own.compareAndSet(null, created)) {
                created.start();
                return;
            }
            closeQuietly(created);
            node = own.get();
        }
        try {
            node.setData(data);
        } catch (Exception e) {
            LOG.debug("coordination: cannot publish this agent's observation yet: {}", e.toString());
        }
    }

    AgentViews views() {
        Set<String> connected = new TreeSet<>();
        agents.stream().map(ChildData::getPath).filter(p -> p.startsWith(ZooKeeperCoordinator.AGENTS + "/"))
                .forEach(p -> connected.add(p.substring(ZooKeeperCoordinator.AGENTS.length() + 1)));
        List<PrimaryObservation> seen = new ArrayList<>();
        observations.stream().filter(d -> d.getPath().startsWith(OBSERVATIONS + "/") && d.getData() != null)
                .forEach(d -> parse(d.getData(), seen));
        return new AgentViews(connected, seen);
    }

    private static void parse(byte[] data, List<PrimaryObservation> into) {
        try {
            PrimaryObservation o = PrimaryObservation.fromJson(JSON.readValue(data, Map.class));
            if (o != null) into.add(o);
        } catch (IOException e) {
            LOG.debug("coordination: an unreadable observation: {}", e.toString());
        }
    }

    @Override
    public void close() {
        observations.close();
        PersistentNode node = own.getAndSet(null);
        if (node != null) closeQuietly(node);
    }

    private static void closeQuietly(PersistentNode n) {
        try {
            n.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("coordination: close: {}", e.toString());
        }
    }
}
