package no.vakt.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CoordinationConfig;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.lab.LabAgents;
import no.vakt.lab.LabSite;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.data.Stat;

/** bench/ha: what the ensemble holds, read from the host with a client of the bench's own (the agents' chroot). */
final class HaZooKeeper {
    private HaZooKeeper() {}

    static CoordinationConfig config(LabAgents agents) {
        // Every agent's config has the same section but for the agent's name; bergen's is as good as any.
        return ConfigLoader.load(agents.configFile(LabSite.BERGEN.siteName())).coordinationSection().orElseThrow();
    }

    private static CuratorFramework client(LabAgents agents) {
        CoordinationConfig c = config(agents);
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(c.zookeeper())
                .namespace(c.chroot().substring(1)).sessionTimeoutMs(4000).connectionTimeoutMs(2000)
                .retryPolicy(new RetryNTimes(2, 200)).build();
        zk.start();
        return zk;
    }

    /** The leader latch's nodes, in sequence order: "latch-N=AGENT(session 0x..)"; the first one leads. */
    static String latchNodes(LabAgents agents) {
        try (CuratorFramework zk = client(agents)) {
            if (!zk.blockUntilConnected(3, TimeUnit.SECONDS)) return "ZooKeeper did not answer";
            List<String> out = new ArrayList<>();
            List<String> nodes = new ArrayList<>(zk.getChildren().forPath("/leader"));
            // LeaderLatch's nodes end in their sequence number: the lowest leads.
            nodes.sort((a, b) -> a.substring(a.lastIndexOf('-') + 1).compareTo(b.substring(b.lastIndexOf('-') + 1)));
            for (String n : nodes) {
                Stat st = new Stat();
                byte[] data = zk.getData().storingStatIn(st).forPath("/leader/" + n);
                out.add(n.substring(n.lastIndexOf('-') + 1) + "=" + new String(data, StandardCharsets.UTF_8)
                        + "(session 0x" + Long.toHexString(st.getEphemeralOwner()) + ")");
            }
            return out.toString();
        } catch (Exception e) {
            return "cannot read: " + e;
        }
    }

    /** The cluster's latest run ({@code /run/current}), empty when none or unreadable. */
    static Optional<ZooKeeperRuns.Versioned> currentRun(LabAgents agents) {
        try {
            return ZooKeeperRuns.using(config(agents), ZooKeeperRuns::current);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The epoch in ZooKeeper, or -1. */
    static long epoch(LabAgents agents) {
        try (CuratorFramework zk = client(agents)) {
            if (!zk.blockUntilConnected(3, TimeUnit.SECONDS)) return -1;
            byte[] d = zk.getData().forPath("/epoch");
            // DistributedAtomicLong keeps 8 big-endian bytes.
            return d.length == 8 ? java.nio.ByteBuffer.wrap(d).getLong() : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
