package no.vakt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import no.vakt.cli.Main;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabAgents;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabNetns;
import no.vakt.lab.LabSite;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;

/**
 * bench/ha: the proofs of issue 15 on the agents lab ({@code vakt lab up --netns --agents}, root): an election,
 * kill -9 of the leading agent, monitor-only partitions, ZooKeeper quorum lost and back, the whole oslo site
 * isolated, and block-ports RTO with the agents next to the single monitor on the same lab. Prints one line per
 * figure; every wait is bounded. Usage: HaBench DIR DRILLS.
 */
public final class HaBench {
    /** No failover may happen in this window (the checks need 3 s to call the primary DOWN). */
    private static final Duration QUIET = Duration.ofSeconds(12);
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    private final String prefix;
    private final int octet;
    /** Read after lab up: the namespaces' names are recorded by it. */
    LabAgents agents;
    LabNetns netns;
    final PrintWriter out = new PrintWriter(System.out, true);
    private int logs;

    private HaBench(Path dir, String prefix, int octet) {
        this.dir = dir;
        this.prefix = prefix;
        this.octet = octet;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".vakt/bench-ha").toAbsolutePath();
        int drills = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        HaBench b = new HaBench(dir, args.length > 2 ? args[2] : "va-", args.length > 3 ? Integer.parseInt(args[3]) : 82);
        Set<String> rows = Set.of((args.length > 4 ? args[4] : "all").split(","));
        int code = 1;
        try {
            code = b.run(drills, r -> rows.contains("all") || rows.contains(r));
        } finally {
            b.keepAgentLogs();
            b.vakt("down", "lab", "down", "--dir", dir.toString(), "--purge");
        }
        System.exit(code);
    }

    private int run(int drills, Predicate<String> row) throws Exception {
        vakt("down", "lab", "down", "--dir", dir.toString(), "--purge");
        long t0 = System.nanoTime();
        if (vakt("up", "lab", "up", "--dir", dir.toString(), "--netns", "--agents", "--netns-prefix", prefix, "--netns-octet",
                Integer.toString(octet), "--no-tls", "--no-hints") != 0) {
            out.println("lab up --agents FAILED: see " + dir.resolve("bench-logs"));
            return 1;
        }
        agents = LabAgents.of(new LabLayout(dir));
        netns = LabNetns.of(new LabLayout(dir));
        // Back-to-back failovers: only the cooldown is shortened (as bench/block-ports does); the agents restart on it.
        for (Path f : Stream.concat(Stream.of(config()), LabAgents.MEMBERS.stream().map(agents::configFile)).toList()) {
            Files.writeString(f, Files.readString(f).replace("cooldown: 1m", "cooldown: 2s"));
        }
        for (String m : LabAgents.MEMBERS) agents.agent(m).stop();
        for (String m : LabAgents.MEMBERS) agents.startAgent(m);
        Optional<String> leader = agents.awaitLeader(Duration.ofSeconds(30));
        out.printf("election: lab up --agents %d ms; leader %s; ZooKeeper modes %s%n", ms(t0), leader.orElse("NONE"),
                agents.status().stream().map(LabAgents.AgentReport::zooKeeperMode).toList());
        if (leader.isEmpty()) return 1;
        if (vakt("replicate", "replicate", "--config", config().toString()) != 0) {
            out.println("replicate FAILED");
            return 1;
        }
        if (row.test("kill")) killLeader();
        if (row.test("cut-primary")) monitorCutFromPrimary();
        if (row.test("cut-zk")) leaderCutFromZooKeeper();
        if (row.test("step-kills")) new HaStepKills(this).run();
        if (row.test("quorum")) quorumLost();
        // The RTO rows before the isolation: its switch-back has left the file sync direction behind before.
        if (row.test("rto")) rto(drills);
        if (row.test("isolate")) new HaIsolation(this).run();
        return 0;
    }

    // ---- rows ----

    private void killLeader() throws Exception {
        String old = agents.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        long pid = agents.agent(old).running().orElseThrow().pid();
        long t = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        Optional<String> next = await(Duration.ofSeconds(20), () -> agents.leader().filter(l -> !l.equals(old)).isPresent())
                ? agents.leader() : Optional.empty();
        out.printf("kill -9 of the leading agent %s (idle): %s took over after %d ms (session timeout %d ms)%n", old,
                next.orElse("NOBODY"), ms(t), LabAgents.SESSION_TIMEOUT.toMillis());
        agents.startAgent(old);
        out.printf("  %s's agent started again: leader %s, roles %s%n", old, agents.awaitLeader(Duration.ofSeconds(10))
                .orElse("not agreed"), roles());
    }

    private void monitorCutFromPrimary() throws Exception {
        String oslo = netns.address(LabSite.OSLO);
        netns.addRules(LabNetns.WITNESS, List.of(), List.of(List.of("-d", oslo, "-p", "tcp", "--dport", "3306", "-j", "DROP")));
        boolean failover = failoverWithin(QUIET);
        netns.clearRules(LabNetns.WITNESS);
        out.printf("monitor-only partition, witness agent cut off from the primary (%d s): %s; roles %s%n", QUIET.toSeconds(),
                failover ? "FAILOVER (wrong)" : "no failover", roles());
    }

    /**
     * The leading agent cut off from every ZooKeeper server, its own site's included (both directions of the client
     * port, so the server in its own namespace is cut too): its authority must go within the session timeout while
     * another agent takes it, never two at once, and no failover.
     */
    private void leaderCutFromZooKeeper() throws Exception {
        String old = agents.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        String port = Integer.toString(LabAgents.CLIENT_PORT);
        try (AuthoritySampler s = sampler()) {
            await(Duration.ofSeconds(2), () -> !s.samples().isEmpty());
            out.printf("  ZooKeeper's latch nodes before the cut: %s%n", HaZooKeeper.latchNodes(agents));
            long cut = s.now();
            out.printf("  cut at %s (%d ms into the samples)%n", java.time.Instant.now(), cut);
            netns.addRules(old, List.of(List.of("-p", "tcp", "--sport", port, "-j", "DROP")),
                    List.of(List.of("-p", "tcp", "--dport", port, "-j", "DROP")));
            boolean failover = failoverWithin(QUIET);
            out.printf("  ZooKeeper's latch nodes during the cut: %s%n", HaZooKeeper.latchNodes(agents));
            long lost = s.first(old, '-', cut);
            long other = s.otherLeads(old, cut);
            netns.clearRules(old);
            long healed = s.now();
            boolean back = await(Duration.ofSeconds(20), () -> agents.status().stream().allMatch(a -> "CONNECTED".equals(a.session())
                    || "RECONNECTED".equals(a.session())));
            out.printf("monitor-only partition, leader %s cut off from every ZooKeeper server (its own site's too): authority"
                    + " gone after %s (session timeout %d ms), another leads after %s, most agents with authority in one"
                    + " sample: %d; %s in %d s; all sessions back %s after the cut; roles %s%n", old,
                    lost < 0 ? "NEVER" : (lost - cut) + " ms", LabAgents.SESSION_TIMEOUT.toMillis(),
                    other < 0 ? "NEVER" : (other - cut) + " ms", s.maxLeaders(), failover ? "FAILOVER (wrong)" : "no failover",
                    QUIET.toSeconds(), back ? (s.now() - healed) + " ms" : "NEVER", roles());
            out.print(s.changes());
        }
        out.printf("  %s's agent log, coordination lines: %s%n", old, agentLogLines(old, "coordination:", 8));
    }

    /** The agents' logs next to the commands' (the lab's directory is purged at the end). */
    private void keepAgentLogs() {
        for (String m : LabAgents.MEMBERS) {
            Path log = dir.resolve("agents").resolve(m).resolve("agent.log");
            try {
                if (Files.exists(log)) Files.copy(log, dir.resolveSibling(dir.getFileName() + "-logs").resolve("agent-" + m + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                out.println("cannot keep " + log + ": " + e.getMessage());
            }
        }
    }

    AuthoritySampler sampler() {
        return new AuthoritySampler(agents, () -> {
            VaktConfig cfg = ConfigLoader.load(config());
            return LivePrimaries.of(StatusProbe.forConfig(cfg).inspectAll(cfg)).nodes();
        });
    }

    /** The last {@code max} lines of a member's agent log that contain {@code needle}. */
    List<String> agentLogLines(String member, String needle, int max) throws IOException {
        Path log = dir.resolve("agents").resolve(member).resolve("agent.log");
        if (!Files.exists(log)) return List.of();
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.filter(l -> l.contains(needle)).toList();
            return all.subList(Math.max(0, all.size() - max), all.size());
        }
    }

    private void quorumLost() throws Exception {
        List<String> down = List.of(LabSite.BERGEN.siteName(), LabNetns.WITNESS);
        long logLines = alertLines();
        long t = System.nanoTime();
        for (String m : down) agents.zooKeeper(m).kill();
        boolean noneLeads = await(Duration.ofSeconds(15), () -> agents.status().stream().noneMatch(a -> "leader".equals(a.role())));
        long noneMs = ms(t);
        // The primary's ports blocked while there is no quorum: detection goes on, nobody may act.
        netns.addRules(LabSite.OSLO, List.of(List.of("-p", "tcp", "--dport", "3306", "-j", "DROP")),
                List.of(List.of("-p", "tcp", "--sport", "3306", "-j", "DROP")));
        boolean failover = failoverWithin(QUIET);
        netns.clearRules(LabSite.OSLO);
        long alerts = alertLines() - logLines;
        long back = System.nanoTime();
        for (String m : down) agents.zooKeeper(m).launch();
        Optional<String> leader = agents.awaitLeader(Duration.ofSeconds(45));
        out.printf("ZooKeeper quorum lost (bergen and witness servers kill -9): no agent leads after %s; primary blocked %d s:"
                + " %s; %d alert line(s) in the agents' logs; quorum back: %s leads after %d ms (no agent restarted);"
                + " roles %s%n", noneLeads ? noneMs + " ms" : "NEVER (wrong)", QUIET.toSeconds(),
                failover ? "FAILOVER (wrong)" : "no failover", alerts, leader.orElse("NOBODY"), ms(back), roles());
    }

    private void rto(int n) throws Exception {
        // Back-to-back drills: only the cooldown is shortened, as in bench/block-ports.
        List<Long> withAgents = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Thread.sleep(3000); // the cooldown
            String leader = agents.awaitLeader(Duration.ofSeconds(20)).orElse(null);
            if (leader == null) {
                out.println("block-ports with agents " + i + ": no leader");
                continue;
            }
            Optional<JsonNode> r = drill("agents-" + i, leader, "block-ports", true);
            out.printf("block-ports with agents %d (leader %s): %s%n", i, leader, describe(r));
            r.filter(j -> j.path("passed").asBoolean()).ifPresent(j -> withAgents.add(j.path("measurement").path("rto_ms").asLong()));
        }
        // The single monitor on the same lab: the agents stopped, the drill's own monitor (bench/block-ports' way).
        for (String m : LabAgents.MEMBERS) agents.agent(m).stop();
        List<Long> single = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Thread.sleep(3000);
            Optional<JsonNode> r = drill("single-" + i, null, "block-ports", true);
            out.printf("block-ports single monitor %d: %s%n", i, describe(r));
            r.filter(j -> j.path("passed").asBoolean()).ifPresent(j -> single.add(j.path("measurement").path("rto_ms").asLong()));
        }
        out.printf("RTO block-ports, median of %d: agents %s, single monitor %s (goal < 4000 ms; agents no worse)%n", n,
                median(withAgents), median(single));
        for (String m : LabAgents.MEMBERS) agents.startAgent(m); // the rows after this one need them
    }

    // ---- helpers ----

    /** A drill, with rejoin and switch-back when {@code rejoin}; with {@code leader} through that agent's config and journal. */
    Optional<JsonNode> drill(String name, String leader, String fault, boolean rejoin) throws IOException {
        Path report = dir.resolve("reports").resolve(name);
        List<String> args = new ArrayList<>(List.of("drill", "--config",
                leader == null ? config().toString() : agents.configFile(leader).toString(), "--fault", fault, "--report",
                report.toString()));
        if (rejoin) args.addAll(List.of("--rejoin", "--switch-back", "--discard-errant"));
        if (leader != null) args.addAll(List.of("--journal", agents.journal(leader).toString(), "--monitor", "external"));
        vakt("drill-" + name, args.toArray(String[]::new));
        if (!Files.isDirectory(report)) return Optional.empty();
        try (Stream<Path> files = Files.list(report)) {
            Optional<Path> json = files.filter(f -> f.toString().endsWith(".json")).findFirst();
            return json.isPresent() ? Optional.of(JSON.readTree(json.get().toFile())) : Optional.empty();
        }
    }

    static String describe(Optional<JsonNode> r) {
        if (r.isEmpty()) return "no report (see bench-logs)";
        JsonNode j = r.get();
        return (j.path("passed").asBoolean() ? "PASSED" : "FAILED") + ", RTO " + j.path("measurement").path("rto_ms").asText("n/a")
                + " ms";
    }

    private static String median(List<Long> v) {
        if (v.isEmpty()) return "n/a";
        List<Long> s = v.stream().sorted().toList();
        long m = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return m + " ms (" + s.size() + " passed, min " + s.get(0) + ", max " + s.get(s.size() - 1) + ")";
    }

    /** Whether bergen-db became writable (a failover) within {@code window}; polls the servers. */
    boolean failoverWithin(Duration window) throws InterruptedException {
        return await(window, () -> roles().contains("bergen-db primary"));
    }

    String roles() {
        VaktConfig cfg = ConfigLoader.load(config());
        return LivePrimaries.of(StatusProbe.forConfig(cfg).inspectAll(cfg)).roles();
    }

    private long alertLines() throws IOException {
        long n = 0;
        for (String m : LabAgents.MEMBERS) {
            Path log = dir.resolve("agents").resolve(m).resolve("agent.log");
            if (Files.exists(log)) {
                try (Stream<String> lines = Files.lines(log)) {
                    n += lines.filter(l -> l.contains("lost ZooKeeper")).count(); // the coordination-lost alert, as logged
                }
            }
        }
        return n;
    }

    Path config() {
        return dir.resolve("vakt.yml");
    }

    /** Polls (every 100 ms, bounded) until {@code done}; whether it came true. */
    static boolean await(Duration max, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return done.getAsBoolean();
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A vakt command in this JVM, its output in bench-logs/NN-name.log; its exit code. */
    int vakt(String name, String... args) throws IOException {
        Path logs = dir.resolveSibling(dir.getFileName() + "-logs");
        Files.createDirectories(logs);
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(logs.resolve(String.format("%02d-%s.log", ++this.logs, name))))) {
            var cl = Main.commandLine();
            cl.setOut(log);
            cl.setErr(log);
            return cl.execute(args);
        }
    }
}
