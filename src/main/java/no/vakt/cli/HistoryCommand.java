package no.vakt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import no.vakt.config.CoordinationConfig;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.journal.JournalJson;
import no.vakt.journal.StepRecord;
import no.vakt.server.HistoryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt history}: the journal's failovers (with their steps), epochs and events. */
@Command(name = "history", header = "What the journal recorded: failovers, alerts, traffic, drills", mixinStandardHelpOptions = true,
        description = {"What the journal recorded: failovers with their steps, then events.",
            "Read-only; safe while vakt runs."},
        footer = {"", "--json prints one object: journal (path), current_epoch,",
            "  failovers[] (newest first, each with steps[]), events[] (oldest first).",
            "A failover's outcome is the journal's (completed, aborted, refused, running); its label says",
            "  \"completed, traffic pending\" (and trafficPending is true) when it completed with its",
            "  traffic switch failed: vakt run retries the switch, vakt traffic apply runs it by hand.",
            "Its ending is the value to test: completed, completed_traffic_pending, aborted_before_promotion,",
            "  aborted_after_promotion, refused (null while running)."})
public final class HistoryCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Mixin
    JsonOption json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N failovers and N events (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws JsonProcessingException {
        if (limit < 1) throw new UsageException("--limit must be at least 1");
        Path file = config.journal();
        PrintWriter out = config.out();
        Read read = Journal.readIfPresent(file, Clock.systemUTC(),
                j -> new Read(j.failovers(limit), j.history(limit), j.currentEpoch()), new Read(List.of(), List.of(), 0));
        List<FailoverRecord> failovers = read.failovers();
        List<JournalEvent> events = read.events();
        long epoch = read.epoch();
        Optional<ClusterHistory> cluster = coordination().map(k -> ClusterHistory.read(k, limit));
        if (json.on) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("journal", file.toString());
            doc.put("current_epoch", epoch);
            cluster.ifPresent(c -> c.json(doc));
            doc.put("failovers", HistoryJson.failovers(failovers));
            doc.put("events", events);
            out.println(JournalJson.pretty(doc));
            return ExitCodes.OK;
        }
        cluster.ifPresent(c -> c.print(out));
        out.println("Journal " + file + (Files.exists(file) ? "" : " (none yet)") + "; epoch " + epoch);
        out.println("Failovers (newest first): " + (failovers.isEmpty() ? "none" : ""));
        for (FailoverRecord f : failovers) {
            out.printf("  #%d %s %s -> %s, %s, trigger %s, mode %s, epoch %d%s%n", f.id(), f.startedAt(),
                    f.fromNode(), f.toNode(), f.label(), f.trigger(), f.mode(), f.epoch(),
                    f.endedAt() == null ? "" : ", took " + Duration.between(f.startedAt(), f.endedAt()).toMillis() + " ms");
            if (f.summary() != null) out.println("     " + f.summary());
            for (StepRecord s : f.steps()) {
                String took = s.endedAt() == null ? "?" : Duration.between(s.startedAt(), s.endedAt()).toMillis() + " ms";
                out.printf("     %d. %-18s %-8s %8s  %s%n", s.seq(), s.name(),
                        s.outcome() == null ? "running" : s.outcome().label(), took, s.detail() == null ? "" : s.detail());
            }
        }
        out.println("Events (oldest first): " + (events.isEmpty() ? "none" : ""));
        for (JournalEvent e : events) {
            out.printf("  %s %-15s %s%s%n", e.at(), e.kind().label(), e.node() == null ? "" : e.node() + ": ", e.summary());
        }
        return ExitCodes.OK;
    }

    /**
     * The config's {@code coordination:} section; empty without one, and when the config does not load (the journal
     * stays readable with a broken config, as before agents).
     */
    private Optional<CoordinationConfig> coordination() {
        if (!Files.exists(config.path())) return Optional.empty();
        try {
            return config.load().coordinationSection();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private record Read(List<FailoverRecord> failovers, List<JournalEvent> events, long epoch) {}
}
