package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CoordinationConfig;
import no.vakt.config.VaktConfig;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agents lab's pieces that need no root: an agent's config, zoo.cfg, and the lab's own ZooKeeper starter
 * running a real 3-server ensemble on loopback (the namespaces are {@code LabAgentsNetnsTest}'s).
 */
class LabZooKeeperTest {
    private final List<LabZooKeeper> started = new ArrayList<>();
    private Path dir;

    @AfterEach
    void stopAll() throws IOException {
        for (LabZooKeeper zk : started) zk.kill();
        if (dir != null) MariaDbServer.deleteTree(dir);
    }

    @Test
    void anAgentsConfigIsTheLabsWithItsOwnNameListenAddressAndTheEnsemble() throws Exception {
        dir = TestDirs.create("zk-cfg-");
        Lab lab = new Lab(new LabLayout(dir));
        String yaml = lab.configTemplate(LabSettings.defaults(), null).render()
                + "server:\n  listen: 127.0.0.1:8787\n  token-file: secrets/api.token\n";
        String agent = LabAgents.agentConfig(yaml, "10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181", "witness", "10.0.0.3:8787");
        Path file = dir.resolve("agent-witness.yml");
        Files.writeString(file, agent);
        VaktConfig config = ConfigLoader.load(file);
        CoordinationConfig c = config.coordinationSection().orElseThrow();
        assertThat(c.agent()).isEqualTo("witness");
        assertThat(c.zookeeper()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181");
        assertThat(c.sessionTimeout()).isEqualTo(LabAgents.SESSION_TIMEOUT);
        assertThat(config.server().listen()).isEqualTo("10.0.0.3:8787");
        // Everything else is the lab's config, line for line.
        assertThat(agent).startsWith(yaml.replace("127.0.0.1:8787", "10.0.0.3:8787"));
    }

    @Test
    void zooCfgNamesEveryServerAndServesClientsOnlyOnTheMembersAddress() {
        List<LabZooKeeper.Member> ensemble = List.of(new LabZooKeeper.Member(1, "10.9.0.11", 2181, 2888, 3888),
                new LabZooKeeper.Member(2, "10.9.0.12", 2181, 2888, 3888), new LabZooKeeper.Member(3, "10.9.0.13", 2181, 2888, 3888));
        String cfg = LabZooKeeper.zooCfg(Path.of("/lab/agents/bergen/zk-data"), ensemble.get(1), ensemble);
        assertThat(cfg).contains("dataDir=/lab/agents/bergen/zk-data\n", "clientPort=2181\n", "clientPortAddress=10.9.0.12\n",
                "server.1=10.9.0.11:2888:3888\n", "server.2=10.9.0.12:2888:3888\n", "server.3=10.9.0.13:2888:3888\n",
                "tickTime=500\n");
        assertThat(LabZooKeeper.connectString(ensemble)).isEqualTo("10.9.0.11:2181,10.9.0.12:2181,10.9.0.13:2181");
    }

    @Test
    void theLabsStarterRunsAnEnsembleThatOutlivesALeadersKillAndStopsCleanly() throws Exception {
        dir = TestDirs.create("zk-ens-");
        List<LabZooKeeper.Member> ensemble = new ArrayList<>();
        for (int i = 1; i <= 3; i++) ensemble.add(new LabZooKeeper.Member(i, "127.0.0.1", freePort(), freePort(), freePort()));
        for (LabZooKeeper.Member m : ensemble) {
            started.add(new LabZooKeeper(dir.resolve("zk" + m.id()), m, ensemble, List.of()));
        }
        for (LabZooKeeper zk : started) zk.launch();
        for (LabZooKeeper zk : started) zk.awaitServing(Duration.ofSeconds(60));
        assertThat(started).extracting(zk -> zk.mode().orElse("none")).containsExactlyInAnyOrder("leader", "follower", "follower");
        long pid = started.get(0).running().orElseThrow().pid();
        assertThat(started.get(0).launch()).as("a running server is left alone").isEqualTo(pid);

        LabZooKeeper leader = started.stream().filter(zk -> zk.mode().equals(Optional.of("leader"))).findFirst().orElseThrow();
        assertThat(leader.kill()).isTrue();
        List<LabZooKeeper> rest = started.stream().filter(zk -> zk != leader).toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rest)
                .extracting(zk -> zk.mode().orElse("none")).containsExactlyInAnyOrder("leader", "follower"));

        for (LabZooKeeper zk : rest) assertThat(zk.stop()).isTrue();
        assertThat(started).allSatisfy(zk -> {
            assertThat(zk.running()).isEmpty();
            assertThat(zk.mode()).isEmpty();
        });
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
