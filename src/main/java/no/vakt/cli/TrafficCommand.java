package no.vakt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;
import no.vakt.traffic.ConfiguredTrafficSwitch;
import no.vakt.traffic.TrafficResult;
import no.vakt.traffic.TrafficView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt traffic show|apply}: where users are sent, read from the authorities, and the switch by hand. */
@Command(name = "traffic", header = "Show or re-apply the traffic switch (DNS, balancers)", mixinStandardHelpOptions = true,
        description = {"The traffic switch: the DNS records (and balancers) of the config's traffic: section.",
            "",
            "show   where each entry points now (as its authority answers), and at which node",
            "apply  point every entry at the live primary (or --node), as a failover does"},
        subcommands = {TrafficCommand.Show.class, TrafficCommand.Apply.class})
public final class TrafficCommand extends CommandGroup {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Where each traffic entry points now, read from the authority itself (the zone's"
                    + " authoritative server or the provider's API, never a cache): values, node, live TTL.",
                "Exit 0 when every entry was read, 1 otherwise."},
            footer = {"", "--json prints {cluster, entries: [{index, type, entry, values, node, ttl_seconds, error}]};",
                "node is null when the values match no configured node, error null when the entry was read."})
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigAndJournal config;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws JsonProcessingException {
            VaktConfig cfg = config.load();
            PrintWriter out = config.out();
            List<TrafficView.Row> rows = TrafficView.read(cfg);
            if (json.on) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("cluster", cfg.cluster());
                doc.put("entries", rows);
                out.println(JSON.writeValueAsString(doc));
            } else if (rows.isEmpty()) {
                out.println("No traffic entries configured (traffic: []): traffic is moved by hand after a failover.");
            } else {
                for (TrafficView.Row r : rows) {
                    out.printf("[%d] %s%n", r.index(), r.entry());
                    if (r.ok()) {
                        out.printf("    -> %s  node %s  TTL %s%n", String.join(", ", r.values()),
                                r.node() == null ? "(none of the configured nodes)" : r.node(),
                                r.ttlSeconds() == null ? "-" : r.ttlSeconds() + "s");
                    } else {
                        out.printf("    ERROR %s%n", r.error());
                    }
                }
            }
            out.flush();
            return rows.stream().allMatch(TrafficView.Row::ok) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Point every traffic entry at the live primary (the writable node that replicates"
                    + " from nobody), or at --node.",
                "Each entry is applied in order, retried on timeouts and rate limits, verified on the authority,"
                        + " and journaled. Safe to repeat: an entry that already points there is left alone.",
                "Exit 0 when every entry points there, 1 otherwise."})
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConfigAndJournal config;

        @Option(names = "--node", paramLabel = "NODE", description = "Point at this node (default: the live primary)")
        String node;

        @Option(names = "--force", description = "Point at --node even when it is not the live primary")
        boolean force;

        @Override
        public Integer call() throws Exception {
            VaktConfig cfg = config.load();
            PrintWriter out = config.out();
            if (node != null && cfg.node(node).isEmpty()) {
                throw new UsageException("--node: '" + node + "' is not a node; expected one of "
                        + cfg.nodes().stream().map(n -> n.name()).toList());
            }
            if (cfg.traffic().isEmpty()) {
                out.println("No traffic entries configured (traffic: []): nothing to apply.");
                out.flush();
                return ExitCodes.OK;
            }
            Path journalPath = config.journal();
            // The daemon's API routes only to the live primary: --force stays a local action, refused meanwhile.
            var api = force ? null : new ClusterClaim.Api("api/traffic/apply", node == null ? Map.of()
                    : Map.of("node", node), java.time.Duration.ofMinutes(10));
            return ClusterClaim.run(journalPath, "vakt traffic apply", cfg, api, out, () -> apply(cfg, journalPath, out));
        }

        private int apply(VaktConfig cfg, Path journalPath, PrintWriter out) {
            LivePrimaries live = LivePrimaries.of(StatusProbe.forConfig(cfg).inspectAll(cfg));
            String roles = live.roles();
            String target;
            if (node == null) {
                if (live.single().isEmpty()) {
                    out.println("Cannot tell the live primary (" + roles + "); nothing changed."
                            + " Give the node: vakt traffic apply --node NODE");
                    out.flush();
                    return ExitCodes.FAILED;
                }
                target = live.single().get();
            } else {
                if (!live.nodes().equals(List.of(node)) && !force) {
                    out.println(node + " is not the live primary (" + roles + "): traffic sent there would meet a"
                            + " read-only or unreachable server. Nothing changed; add --force to do it anyway.");
                    out.flush();
                    return ExitCodes.FAILED;
                }
                target = node;
            }
            Clock clock = Clock.systemUTC();
            try (Journal journal = new Journal(journalPath, clock)) {
                long epoch = journal.currentEpoch();
                journal.append(EventKind.OPERATOR_ACTION, cfg.cluster(), target,
                        "vakt traffic apply: point traffic at " + target + (force ? " (--force)" : ""),
                        Map.of("live_roles", roles, "epoch", epoch));
                out.printf("Pointing %d traffic entr%s at %s (live roles: %s)%n", cfg.traffic().size(),
                        cfg.traffic().size() == 1 ? "y" : "ies", target, roles);
                out.flush();
                ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(cfg, journal, new LoggingAlertSink(),
                        no.vakt.traffic.TrafficCalls.DEFAULT, Sleeper.REAL, clock);
                List<TrafficResult> results = sw.apply(cfg.cluster(), target, epoch);
                for (TrafficResult r : results) {
                    out.printf("  [%d] %-9s %s%s%n", r.index(), r.label(), r.entry(),
                            r.ok() ? ", visible after " + r.timeToVisible().toMillis() + " ms" + attempts(r) : "");
                    if (!r.ok()) out.printf("      %s%n", r.error());
                }
                boolean ok = results.stream().allMatch(TrafficResult::ok);
                out.println(ok ? "Traffic points at " + target + "." : "Some entries do not point at " + target + ": see above.");
                out.flush();
                return ok ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        private static String attempts(TrafficResult r) {
            return r.attempts() > 1 ? " (" + r.attempts() + " attempts)" : "";
        }
    }
}
