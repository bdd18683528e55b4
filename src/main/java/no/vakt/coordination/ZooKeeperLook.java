package no.vakt.coordination;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.config.CoordinationConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.KeeperException;

/**
 * A read-only look at the election, for {@code vakt status}: who leads by ZooKeeper's latch nodes, without
 * taking part. Whether the daemon acts also needs its own live session: {@code /api/status} says that.
 */
public final class ZooKeeperLook {
    /** The latch's node names, as {@code LeaderLatch} writes them. */
    private static final String LATCH = "latch-";

    private ZooKeeperLook() {}

    /** Blocks at most the connection timeout to connect, then the bounded retries of two reads. */
    public static CoordinatorStatus of(CoordinationConfig config, Clock clock) {
        try (CuratorFramework client = Curators.client(config)) {
            client.start();
            if (!client.blockUntilConnected(Math.toIntExact(config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
                return new CoordinatorStatus(CoordinatorStatus.Mode.ZOOKEEPER, config.agent(), null, SessionState.LOST,
                        clock.instant(), false, "ZooKeeper did not answer within " + config.connectionTimeout().toMillis() + " ms");
            }
            Collection<String> nodes = LockInternals.getParticipantNodes(client, ZooKeeperCoordinator.LEADER, LATCH,
                    new StandardLockInternalsDriver());
            String leader = nodes.isEmpty() ? null
                    : new String(client.getData().forPath(nodes.iterator().next()), StandardCharsets.UTF_8);
            boolean me = config.agent().equals(leader);
            return new CoordinatorStatus(CoordinatorStatus.Mode.ZOOKEEPER, config.agent(), leader, SessionState.CONNECTED,
                    clock.instant(), me, leader == null ? "no agent takes part in the election"
                    : "the election's leader is " + leader + " (this agent acts only on a live session of its own)",
                    agents(client), epoch(client));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreadable(config, clock, e);
        } catch (Exception e) {
            return unreadable(config, clock, e);
        }
    }

    /** Each {@code /agents/NAME} node; one that went away between the listing and the read is left out. */
    private static List<CoordinatorStatus.Agent> agents(CuratorFramework client) throws Exception {
        if (client.checkExists().forPath(ZooKeeperCoordinator.AGENTS) == null) return List.of();
        List<CoordinatorStatus.Agent> out = new ArrayList<>();
        for (String name : client.getChildren().forPath(ZooKeeperCoordinator.AGENTS).stream().sorted().toList()) {
            try {
                out.add(AgentNodes.read(name, client.getData().forPath(ZooKeeperCoordinator.AGENTS + "/" + name)));
            } catch (KeeperException.NoNodeException e) {
                // its session ended meanwhile
            }
        }
        return out;
    }

    private static Long epoch(CuratorFramework client) throws Exception {
        try {
            return AgentNodes.epoch(client.getData().forPath(ZooKeeperCoordinator.EPOCH));
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    private static CoordinatorStatus unreadable(CoordinationConfig config, Clock clock, Exception e) {
        return new CoordinatorStatus(CoordinatorStatus.Mode.ZOOKEEPER, config.agent(), null, SessionState.LOST,
                clock.instant(), false, "cannot read the election: " + e);
    }
}
