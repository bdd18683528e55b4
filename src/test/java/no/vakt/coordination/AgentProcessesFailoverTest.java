package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CoordinationConfig;
import no.vakt.db.NodeInspector;
import no.vakt.filesync.StatusFile;
import no.vakt.testing.Loopback;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestDirs;
import no.vakt.testing.TestPair;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

/**
 * End to end with real processes: a MariaDB pair, one ZooKeeper server and two `vakt run` agents (separate JVMs,
 * named like their sites) on the same config. A kill -9 of the primary's mariadbd gives exactly one failover, run
 * by the leading agent (oslo's); the new source's agent (bergen's) takes over the file sync direction from the
 * cluster's record although its own journal never saw the failover. A kill -9 of the leading agent's JVM then
 * gives bergen's agent the authority within the session timeout, with no second failover. The direction is the
 * cluster's, not the acting agent's journal's: a rejoin run by oslo's agent turns bergen's agent's files towards
 * oslo-db, and a switchover from the CLI of a host without an agent (forwarded to the leader, bergen's) is recorded in
 * ZooKeeper and makes oslo's agent push.
 */
class AgentProcessesFailoverTest {
    private static final Duration SESSION = Duration.ofSeconds(3);
    // This test's loopback range (127.0.200.x-127.0.209.x); the pid spreads parallel JVMs over it.
    private static final int OCTET = 200 + (int) (ProcessHandle.current().pid() % 10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "e2e-" + Long.toHexString(System.nanoTime());
    /** Each agent's API address. */
    private static final Map<String, String> API = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void oneFailoverARejoinAndASwitchoverTheFilesFollowTheClusterWhicheverAgentActs() throws Exception {
        List<Process> agents = new ArrayList<>();
        try (ZooKeeperServers zk = ZooKeeperServers.start(TestDirs.create("zk-"), 1);
                TestPair pair = TestPair.builder().hosts("127.0.%d.11".formatted(OCTET), "127.0.%d.12".formatted(OCTET))
                        .start()) {
            ReplicationFixture.start(pair);
            String base = Files.readString(pair.configFile).replace("interval: 1s", "interval: 200ms")
                    .replace("timeout: 1s", "timeout: 500ms");
            String chroot = "/vakt/e2e";
            Path oslo = agentConfig(pair, base, zk, chroot, "oslo");
            Path bergen = agentConfig(pair, base, zk, chroot, "bergen");

            try (CuratorFramework observer = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                    .namespace(chroot.substring(1)).retryPolicy(new RetryOneTime(100)).build()) {
                observer.start();
                Process osloAgent = start(oslo, agents);
                await("oslo's agent leads").atMost(Duration.ofSeconds(30)).until(() -> role(observer, "oslo").equals("leader"));
                start(bergen, agents);
                await("bergen's agent follows").atMost(Duration.ofSeconds(30))
                        .until(() -> role(observer, "bergen").equals("follower"));
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
                await("the leader's heartbeats replicated").atMost(Duration.ofSeconds(30)).until(() -> {
                    Long lag = inspector.inspect(pair.config().standby()).heartbeatLagMs();
                    return lag != null && lag < 500;
                });
                await("bergen's agent holds: oslo-db is the source").atMost(Duration.ofSeconds(15)).until(() ->
                        "oslo-db is the source; its host's agent pushes, not agent bergen".equals(fileSync(bergen).get("note")));

                long killed = System.nanoTime();
                pair.primary.kill();
                await("bergen-db promoted").atMost(Duration.ofSeconds(30))
                        .until(() -> !inspector.inspect(pair.config().standby()).readOnly());
                CoordinationConfig cc = ConfigLoader.load(bergen).coordinationSection().orElseThrow();
                await("the failover in the cluster's record").atMost(Duration.ofSeconds(15))
                        .until(() -> ZooKeeperRuns.history(cc, 10).size() == 1);
                ClusterRun run = ZooKeeperRuns.history(cc, 10).get(0);
                assertThat(run.ending().promoted()).as(run.summary()).isTrue();
                assertThat(run.toNode()).isEqualTo("bergen-db");
                assertThat(run.agent()).isEqualTo("oslo");
                await("bergen's agent has the direction").atMost(Duration.ofSeconds(15)).until(() -> {
                    Map<?, ?> s = fileSync(bergen);
                    return "bergen-db".equals(s.get("source")) && ((Number) s.get("epoch")).longValue() == run.epoch()
                            && "bergen-db is the source; no target until `vakt rejoin oslo-db`".equals(s.get("note"));
                });
                System.out.printf("kill -9 of the primary's mariadbd to bergen's agent holding the files: %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
                await("oslo's agent no longer pushes").atMost(Duration.ofSeconds(15)).until(() ->
                        "bergen-db is the source; its host's agent pushes, not agent oslo".equals(fileSync(oslo).get("note")));

                // The old primary back: oslo's agent (the leader, not the new source's) fences it, and the rejoin runs
                // there; bergen's agent, whose journal never saw the rejoin, pushes to oslo-db from the cluster's direction.
                pair.primary.start();
                await("oslo-db fenced by oslo's agent").atMost(Duration.ofSeconds(30))
                        .until(() -> inspector.inspect(pair.config().primary()).readOnly());
                rejoin("oslo");
                await("bergen's agent pushes to oslo-db after a rejoin another agent ran").atMost(Duration.ofSeconds(15))
                        .until(() -> pushes(bergen, "bergen-db", "oslo-db"));

                long leaderKilled = System.nanoTime();
                osloAgent.destroyForcibly();
                assertThat(osloAgent.waitFor(10, TimeUnit.SECONDS)).isTrue();
                await("bergen's agent leads").atMost(SESSION.plusSeconds(3)).pollInterval(Duration.ofMillis(50))
                        .until(() -> role(observer, "bergen").equals("leader"));
                long tookOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leaderKilled);
                System.out.printf("kill -9 of the leading agent to bergen's agent leading: %d ms (session %d ms)%n",
                        tookOver, SESSION.toMillis());
                // The new leader honours the failover oslo's agent ran: no second one, the direction unchanged.
                await("still one failover").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(() -> ZooKeeperRuns.history(cc, 10).size() == 1);
                assertThat(fileSync(bergen).get("source")).isEqualTo("bergen-db");

                // oslo's agent back as a follower; a switchover from an operator's host without an agent goes to the
                // leader (bergen's) and is the cluster's run: oslo's agent, the new source's, pushes although its own
                // journal never saw the switchover.
                start(oslo, agents);
                await("oslo's agent follows").atMost(Duration.ofSeconds(30)).until(() -> role(observer, "oslo").equals("follower"));
                Path operator = agentConfig(pair, base, zk, chroot, "operator");
                no.vakt.testing.Cli cli = no.vakt.testing.Cli.run("switchover", "--config", operator.toString());
                assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
                assertThat(cli.out()).contains("agent bergen leads this cluster: handing the action to it");
                List<ClusterRun> runs = ZooKeeperRuns.history(cc, 10);
                assertThat(runs).hasSize(2);
                assertThat(runs.get(0).mode()).isEqualTo("switchover");
                assertThat(runs.get(0).agent()).isEqualTo("bergen");
                assertThat(runs.get(0).toNode()).isEqualTo("oslo-db");
                assertThat(runs.get(0).epoch()).isGreaterThan(run.epoch());
                await("oslo's agent pushes to bergen-db after the switchover").atMost(Duration.ofSeconds(15))
                        .until(() -> pushes(oslo, "oslo-db", "bergen-db"));
                await("bergen's agent no longer pushes").atMost(Duration.ofSeconds(15)).until(() ->
                        "oslo-db is the source; its host's agent pushes, not agent bergen".equals(fileSync(bergen).get("note")));
            } finally {
                agents.forEach(Process::destroyForcibly);
            }
        }
    }

    /** A rejoin of oslo-db through {@code agent}'s API, asked again until it answers 200 (the fence may come first). */
    private static void rejoin(String agent) {
        List<String> answers = new ArrayList<>();
        await("oslo-db rejoined through " + agent + "'s agent").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://" + API.get(agent) + "/api/rejoin"))
                            .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"node\": \"oslo-db\", \"discard_errant\": true}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    answers.add(r.statusCode() + " " + r.body());
                    return r.statusCode() == 200;
                });
        System.out.println("rejoin answers: " + answers);
    }

    /** Whether the agent's file sync pushes {@code source} -> {@code target} (not held, not paused). */
    private static boolean pushes(Path config, String source, String target) {
        Map<?, ?> s = fileSync(config);
        return source.equals(s.get("source")) && target.equals(s.get("target")) && s.get("note") == null;
    }

    /** The pair's config for one agent: its own directory (journal, status), ZooKeeper, its name and API address. */
    private static Path agentConfig(TestPair pair, String base, ZooKeeperServers zk, String chroot, String agent)
            throws Exception {
        Path dir = Files.createDirectories(pair.dir.resolve(agent + "-agent"));
        Files.createDirectories(dir.resolve("oslo/uploads"));
        Files.createDirectories(dir.resolve("bergen/uploads"));
        String api = "127.0.%d.%d".formatted(OCTET, agent.equals("oslo") ? 13 : 14);
        String files = "files:\n  directories:\n    - path: oslo/uploads\n      target: bergen/uploads\n"
                + "  ssh:\n    user: " + System.getProperty("user.name") + "\n    port: " + Loopback.freePort(api) + "\n";
        API.put(agent, api + ":" + Loopback.freePort(api));
        Path token = pair.dir.resolve("secrets/api.token");
        if (!Files.exists(token)) {
            Files.writeString(token, TOKEN + "\n");
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        }
        String yaml = base.replace("files: {}\n", files)
                + "coordination:\n  zookeeper: \"" + zk.connectString() + "\"\n  chroot: " + chroot + "\n"
                + "  session-timeout: " + SESSION.toSeconds() + "s\n  connection-timeout: 2s\n  agent: " + agent + "\n"
                + "server:\n  listen: " + API.get(agent) + "\n  token-file: " + token + "\n";
        Path file = dir.resolve("vakt.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Process start(Path config, List<Process> agents) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main",
                "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(config.resolveSibling("agent.log").toFile());
        pb.environment().put("LANG", "C.UTF-8");
        Process p = pb.start();
        agents.add(p);
        return p;
    }

    /** The agent's file sync status as it writes it every second; empty until it has written one. */
    private static Map<?, ?> fileSync(Path config) {
        try {
            return JSON.readValue(StatusFile.forConfig(config).toFile(), Map.class);
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    /** The role an agent's ephemeral node publishes; "" while it has none. */
    private static String role(CuratorFramework observer, String agent) {
        try {
            Map<?, ?> m = JSON.readValue(observer.getData().forPath(ZooKeeperCoordinator.AGENTS + "/" + agent), Map.class);
            return agent.equals(m.get("agent")) ? String.valueOf(m.get("role")) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
