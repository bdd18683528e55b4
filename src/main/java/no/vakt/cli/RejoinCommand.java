package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import no.vakt.cluster.VaktFiles;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.failover.planned.Rejoin;
import no.vakt.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rejoin", header = "Make a former primary the replica of the current one", mixinStandardHelpOptions = true,
        description = "Makes a former primary NODE the read-only replica of the current primary (the other node,"
                + " which must be writable and replicate from nobody). First it looks for errant transactions:"
                + " GTIDs NODE has that the primary lacks. If there are any they are saved with mariadb-binlog to"
                + " .vakt/errant/NODE-TIME.sql next to the config and the rejoin stops; --discard-errant lets NODE"
                + " forget them (RESET MASTER) and follow the primary from the last shared GTID. Their rows stay in"
                + " NODE's tables: re-seed with `vakt replicate --overwrite` for an identical copy.",
        footer = {"", "Exit codes: 0 rejoined or already a replica, 1 refused or failed, 2 bad config or usage."})
public final class RejoinCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Parameters(paramLabel = "NODE", description = "The former primary, by its name in the config.")
    String nodeName;

    @Option(names = "--discard-errant",
            description = "Continue although NODE has errant transactions (they are saved to a file first).")
    boolean discardErrant;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for the replica threads and the catch-up (default: ${DEFAULT-VALUE}).")
    String waitText;

    @Override
    public Integer call() throws Exception {
        VaktConfig cfg = config.load();
        Node node = cfg.node(nodeName).orElseThrow(() -> new UsageException("no node named '" + nodeName + "' in the config"
                + " (nodes: " + String.join(", ", cfg.nodes().stream().map(Node::name).toList()) + ")"));
        Duration wait = DurationConverter.positive("--wait", waitText);
        PrintWriter out = config.out();
        Path journalPath = config.journal();
        var api = new ClusterClaim.Api("api/rejoin", java.util.Map.of("node", node.name(), "discard_errant", discardErrant,
                "wait", wait.toMillis() + "ms"), wait.plusMinutes(35));
        return ClusterClaim.run(journalPath, "vakt rejoin", cfg, api, out,
                () -> rejoin(cfg, node, wait, journalPath, Clock.systemUTC(), out));
    }

    private int rejoin(VaktConfig cfg, Node node, Duration wait, Path journalPath, Clock clock, PrintWriter out) throws Exception {
        try (Journal journal = new Journal(journalPath, clock)) {
            Rejoin.Result r = new Rejoin(journal, clock, cfg.policy().checks().timeout().plusSeconds(2),
                    VaktFiles.errantDir(config.path()), Duration.ofMinutes(30))
                    .run(cfg, node, new Rejoin.Options(discardErrant, wait), out);
            boolean ok = r.outcome() == Rejoin.Outcome.REJOINED || r.outcome() == Rejoin.Outcome.ALREADY_REPLICA;
            out.flush();
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (SecretRef.SecretUnavailableException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
