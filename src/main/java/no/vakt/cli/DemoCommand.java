package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabAgents;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code vakt demo}: the whole story on the lab in one command, each step the very CLI command an
 * operator would type, run in-process. Stops at the first failing step.
 */
@Command(name = "demo", header = "Try Vakt end to end on the lab, then leave the dashboard up", mixinStandardHelpOptions = true,
        description = {"Try Vakt end to end on the lab: lab up, replicate, heartbeat, status, check, and a drill",
            "(block-ports with the sites in network namespaces as root, kill-db otherwise).",
            "",
            "Each step is the CLI command you would type; the demo stops at the",
            "first step that fails.",
            "The lab is left running to explore (stop it with: vakt lab down), unless --stop."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".vakt/lab",
            description = "Lab directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--stop", description = "Stop the lab when the demo ends (default: leave it running to explore)")
    boolean stop;

    // Passed through to `lab up` so tests run the demo away from a real lab.
    @Option(names = "--port", hidden = true)
    Integer port;

    @Option(names = "--oslo-address", hidden = true)
    String osloAddress;

    @Option(names = "--bergen-address", hidden = true)
    String bergenAddress;

    @Option(names = "--agents", description = "As root: the agents lab (vakt lab up --netns --agents: ZooKeeper and a"
            + " vakt run agent in oslo, bergen and witness); the drill's failover is the leading agent's (docs/ha.md)")
    boolean agents;

    @Option(names = "--no-netns", hidden = true, description = "Loopback lab even as root (tests)")
    boolean noNetns;

    @Option(names = "--netns-prefix", hidden = true)
    String netnsPrefix;

    @Option(names = "--netns-octet", hidden = true)
    Integer netnsOctet;

    @Spec
    CommandSpec spec;

    /** Agents elect within a session timeout or two of starting. */
    private static final java.time.Duration LEADER_WAIT = java.time.Duration.ofSeconds(30);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String cfg = new LabLayout(dir).configFile().toString();
        String dirFlag = dir.equals(LabLayout.DEFAULT_DIR) ? "" : " --dir " + dir;
        if (agents && !netns()) {
            throw new UsageException("--agents needs network namespaces: " + no.vakt.lab.LabNetns.unavailableReason()
                    .orElse("not with --no-netns or --oslo-address"));
        }
        List<Supplier<List<String>>> steps = List.of(
                this::labUp,
                () -> List.of("replicate", "--config", cfg),
                () -> List.of("heartbeat", "--config", cfg, "--duration", "3s"),
                () -> List.of("status", "--config", cfg),
                () -> List.of("check", "--config", cfg),
                // The war game: a real fault, Vakt's monitor fails over, RTO/RPO measured, then back as it was.
                () -> drill(cfg));
        int failed = -1;
        for (int i = 0; i < steps.size() && failed < 0; i++) {
            List<String> step = steps.get(i).get();
            out.printf("%n==> [%d/%d] vakt %s%n", i + 1, steps.size(), String.join(" ", step));
            out.flush();
            int code = run(step);
            if (code != ExitCodes.OK) {
                failed = i;
                out.printf("%n==> step %d (vakt %s) failed with exit code %d; the demo stops here.%n", i + 1,
                        step.get(0), code);
            }
        }
        if (stop) {
            out.printf("%n==> vakt lab down%s%n", dirFlag);
            out.flush();
            run(List.of("lab", "down", "--dir", dir.toString()));
        }
        out.println();
        if (failed < 0) out.println("The demo ran every step.");
        if (!stop && failed < 0 && !agents) startDashboard(out, cfg);
        if (!stop && agents) {
            LabAgents a = LabAgents.of(new LabLayout(dir));
            out.printf("The agents' dashboards: %s (token: %s)%n", LabAgents.MEMBERS.stream().map(m -> a.api(m).toString())
                    .collect(java.util.stream.Collectors.joining(" ")), new LabLayout(dir).secretsDir().resolve("api.token"));
        }
        if (!stop) {
            out.println("The lab is still running. Try:");
            out.printf("  ./vakt status --config %s --watch%n", cfg);
            out.printf("  ./vakt check --config %s%n", cfg);
            out.printf("  ./vakt drill --config %s --history   # the drill's report is listed there%n", cfg);
            out.printf("  ./vakt heartbeat --config %s%n", cfg);
            out.printf("  ./vakt lab status%s%n", dirFlag);
            out.printf("Stop it with: ./vakt lab down%s   (--purge also deletes its data)%n", dirFlag);
        } else {
            out.printf("The lab is stopped (its data stays in %s). To explore: ./vakt demo,%n", dir);
            out.printf("or ./vakt lab up%s, then ./vakt status --config %s%n", dirFlag, cfg);
        }
        out.flush();
        return failed < 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Leaves {@code vakt run} watching the lab in the background, with its dashboard, for a look. */
    private void startDashboard(PrintWriter out, String cfg) {
        try {
            VaktConfig config = ConfigLoader.load(Path.of(cfg));
            String listen = config.server().listen();
            java.net.URI url = java.net.URI.create((config.server().tls() == null ? "http://" : "https://") + listen + "/");
            long pid = new LabMonitor(new LabLayout(dir)).start(Path.of(cfg), url);
            out.printf("%n==> vakt run --config %s   (in the background, pid %d, log %s)%n", cfg, pid,
                    new LabMonitor(new LabLayout(dir)).logFile());
            out.printf("Dashboard: %s  (the drill's figures are under \"last drill\"; stopped by vakt lab down)%n", url);
        } catch (Exception e) {
            out.printf("%nThe dashboard did not start: %s%n", e.getMessage());
        }
        out.flush();
    }

    /**
     * Block-ports with namespaces, kill-db otherwise. With agents the leading agent fails over, so the drill
     * watches (--monitor external) through that agent's config and journal, chosen when the drill starts.
     */
    private List<String> drill(String cfg) {
        List<String> args = new ArrayList<>(List.of("drill", "--config", cfg, "--fault", netns() ? "block-ports" : "kill-db",
                "--rejoin", "--switch-back", "--discard-errant"));
        if (!agents) return args;
        LabAgents a = LabAgents.of(new LabLayout(dir));
        String leader = a.awaitLeader(LEADER_WAIT).orElseThrow(() -> new IllegalStateException(
                "no agent leads after " + LEADER_WAIT.toSeconds() + " s: see vakt lab status" + dirFlag()));
        args.set(2, a.configFile(leader).toString());
        args.addAll(List.of("--journal", a.journal(leader).toString(), "--monitor", "external"));
        return args;
    }

    private String dirFlag() {
        return dir.equals(LabLayout.DEFAULT_DIR) ? "" : " --dir " + dir;
    }

    private List<String> labUp() {
        List<String> args = new ArrayList<>(List.of("lab", "up", "--dir", dir.toString(), "--no-hints"));
        if (port != null) args.addAll(List.of("--port", port.toString()));
        if (osloAddress != null) args.addAll(List.of("--oslo-address", osloAddress));
        if (bergenAddress != null) args.addAll(List.of("--bergen-address", bergenAddress));
        if (netns()) args.add("--netns");
        if (agents) args.add("--agents");
        if (netns() && netnsPrefix != null) args.addAll(List.of("--netns-prefix", netnsPrefix));
        if (netns() && netnsOctet != null) args.addAll(List.of("--netns-octet", netnsOctet.toString()));
        return args;
    }

    /** As root the sites get network namespaces, so the drill blocks ports as the seeds' war game does. */
    private boolean netns() {
        return !noNetns && osloAddress == null && no.vakt.lab.LabNetns.unavailableReason().isEmpty();
    }

    /** Runs one CLI command in-process, printing where this command prints. */
    private int run(List<String> args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        try {
            return cl.execute(args.toArray(String[]::new));
        } finally {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
        }
    }
}
