package no.vakt.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.http.BoundedHttp;

/**
 * The agents lab ({@code vakt lab up --netns --agents}, root only): in each of the namespaces oslo, bergen and
 * witness one ZooKeeper server (together a 3-server ensemble) and one {@code vakt run} agent. Every agent runs
 * the lab's vakt.yml plus a {@code coordination:} section naming it ({@code agent-NAME.yml} in the lab
 * directory, so the drill finds the lab's namespaces from it), its own journal, and its dashboard on its
 * namespace's address. Files under {@code agents/NAME/}: zoo.cfg, ZooKeeper data and log, pid files, journal.
 */
public final class LabAgents {
    public static final List<String> MEMBERS = List.of(LabSite.OSLO.siteName(), LabSite.BERGEN.siteName(), LabNetns.WITNESS);
    public static final int CLIENT_PORT = 2181;
    public static final int API_PORT = 8787;
    /** Short so a dead leader is replaced within seconds; the lab's servers grant 1 s to 10 s. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
    private static final int QUORUM_PORT = 2888;
    private static final int ELECTION_PORT = 3888;
    /** Three JVMs starting on a busy 2-core box, then electing: seconds, rarely more. */
    private static final Duration ZK_START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LabLayout layout;
    private final LabNetns netns;

    LabAgents(LabLayout layout, LabNetns netns) {
        this.layout = layout;
        this.netns = netns;
    }

    /** The agents of the --netns lab in this directory. */
    public static LabAgents of(LabLayout layout) {
        return new LabAgents(layout, LabNetns.of(layout));
    }

    /** What one member runs: its ZooKeeper server and its agent, and what the agent says about the election. */
    public record AgentReport(String member, String address, Long zooKeeperPid, String zooKeeperMode, Long agentPid,
            String role, String session, String leader) {}

    public boolean configured() {
        return Files.isDirectory(layout.dir().resolve("agents"));
    }

    public Path configFile(String member) {
        return layout.dir().resolve("agent-" + member + ".yml");
    }

    public Path journal(String member) {
        return home(member).resolve("journal.db");
    }

    Path home(String member) {
        return layout.dir().resolve("agents").resolve(member);
    }

    public String address(String member) {
        return netns.address(member);
    }

    public URI api(String member) {
        return URI.create("http://" + address(member) + ":" + API_PORT + "/");
    }

    public List<LabZooKeeper.Member> ensemble() {
        List<LabZooKeeper.Member> out = new ArrayList<>();
        for (int i = 0; i < MEMBERS.size(); i++) {
            out.add(new LabZooKeeper.Member(i + 1, address(MEMBERS.get(i)), CLIENT_PORT, QUORUM_PORT, ELECTION_PORT));
        }
        return out;
    }

    public LabZooKeeper zooKeeper(String member) {
        return new LabZooKeeper(home(member), ensemble().get(MEMBERS.indexOf(member)), ensemble(), netns.launcher(member));
    }

    public LabMonitor agent(String member) {
        return new LabMonitor(home(member).resolve("agent.pid"), home(member).resolve("agent.log"), netns.launcher(member),
                List.of("--journal", journal(member).toAbsolutePath().toString()));
    }

    /**
     * An agent's config: the lab's, its dashboard on the member's own address, and the ensemble with the
     * agent's name. The same for every agent but these two lines, as the issue asks of a real deployment.
     */
    static String agentConfig(String labYaml, String connectString, String agent, String listen) {
        String server = "server:\n  listen: 127.0.0.1:" + API_PORT + "\n";
        if (!labYaml.contains(server)) throw new IllegalStateException("the lab config has no server.listen line");
        return labYaml.replace(server, "server:\n  listen: " + listen + "\n")
                + "coordination:\n"
                + "  zookeeper: \"" + connectString + "\"\n"
                + "  session-timeout: " + SESSION_TIMEOUT.toSeconds() + "s\n"
                + "  connection-timeout: 2s\n"
                + "  agent: " + agent + "\n";
    }

    /**
     * Adds the witness namespace, writes the agents' configs, starts the three ZooKeeper servers and waits
     * until they serve (a leader elected), then starts the agents and waits for their dashboards. What runs
     * is left alone; what is missing is started.
     */
    public void up(String labYaml) throws IOException, InterruptedException {
        netns.witnessUp();
        String connect = LabZooKeeper.connectString(ensemble());
        for (String m : MEMBERS) {
            Files.createDirectories(home(m));
            Files.writeString(configFile(m), agentConfig(labYaml, connect, m, address(m) + ":" + API_PORT));
        }
        for (String m : MEMBERS) zooKeeper(m).launch();
        for (String m : MEMBERS) zooKeeper(m).awaitServing(ZK_START);
        Map<String, ProcessHandle> agents = new LinkedHashMap<>();
        for (String m : MEMBERS) agents.put(m, agent(m).launch(configFile(m)));
        for (String m : MEMBERS) agent(m).awaitDashboard(agents.get(m), api(m));
    }

    /** Starts a member's agent again on its config and journal (after a kill or a stop); waits for its dashboard. */
    public void startAgent(String member) throws IOException, InterruptedException {
        LabMonitor a = agent(member);
        a.awaitDashboard(a.launch(configFile(member)), api(member));
    }

    /** Stops the agents first (so none acts on the servers going away), then the ZooKeeper servers. */
    public List<String> down() throws IOException {
        List<String> done = new ArrayList<>();
        for (String m : MEMBERS) if (agent(m).stop()) done.add("stopped the agent of " + m);
        for (String m : MEMBERS) if (zooKeeper(m).stop()) done.add("stopped the ZooKeeper server of " + m);
        return done;
    }

    public List<AgentReport> status() {
        List<AgentReport> out = new ArrayList<>();
        for (String m : MEMBERS) {
            LabZooKeeper zk = zooKeeper(m);
            Optional<ProcessHandle> zkPid = zk.running();
            Optional<ProcessHandle> agentPid = agent(m).running();
            Optional<JsonNode> c = agentPid.isPresent() ? coordination(m) : Optional.empty();
            out.add(new AgentReport(m, address(m), zkPid.map(ProcessHandle::pid).orElse(null),
                    zkPid.isPresent() ? zk.mode().orElse("not serving") : "not running",
                    agentPid.map(ProcessHandle::pid).orElse(null),
                    c.map(j -> j.path("authority").asBoolean() ? "leader" : "follower").orElse(agentPid.isPresent() ? "?" : "not running"),
                    c.map(j -> j.path("session").asText()).orElse(null),
                    c.map(j -> j.path("leader").isNull() ? null : j.path("leader").asText()).orElse(null)));
        }
        return out;
    }

    /** The agent that has authority, when exactly one says so. */
    public Optional<String> leader() {
        List<String> leaders = status().stream().filter(r -> "leader".equals(r.role())).map(AgentReport::member).toList();
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    /** Polls (bounded) until exactly one agent leads. */
    public Optional<String> awaitLeader(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            Optional<String> leader = leader();
            if (leader.isPresent() || System.nanoTime() > deadline) return leader;
            try {
                Thread.sleep(250); // polling other processes: nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The {@code coordination} object of the agent's /api/status; empty when it does not answer in a second. */
    public Optional<JsonNode> coordination(String member) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            // From the host the agent is another machine: reads take the lab's API token.
            String token = Files.readString(layout.secretsDir().resolve("api.token")).strip();
            HttpResponse<String> r = BoundedHttp.send(http, HttpRequest.newBuilder(api(member).resolve("/api/status"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(2));
            if (r.statusCode() != 200) return Optional.empty();
            JsonNode c = JSON.readTree(r.body()).path("coordination");
            return c.isObject() ? Optional.of(c) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
