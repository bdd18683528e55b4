package no.vakt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import no.vakt.lab.LabAgents;

/**
 * bench/ha: samples every agent's /api/status (all at once, every 200 ms) and the servers' live roles, in the
 * background, so that a row can say when authority went and came, whether two agents ever claimed it in one
 * sample, and whether two servers were ever writable. An agent that does not answer is "?", never "no authority".
 */
final class AuthoritySampler implements AutoCloseable {
    /** One agent in one sample: A authority, - none, ? no answer, x not running; with its session state. */
    record Seen(char role, String session) {}

    record Sample(long ms, Map<String, Seen> agents, List<String> writable) {}

    private final LabAgents agents;
    private final Supplier<List<String>> writable;
    private final long t0 = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(LabAgents.MEMBERS.size() + 2);
    private volatile boolean running = true;
    private volatile int maxWritable;
    /** The servers' roles take a connect timeout when one is cut off: read on their own thread, the latest one used. */
    private volatile List<String> lastWritable = List.of();
    private final CompletableFuture<Void> loop;
    private final CompletableFuture<Void> servers;

    /** {@code writable}: the servers that are writable primaries now (read from them; unreachable ones left out). */
    AuthoritySampler(LabAgents agents, Supplier<List<String>> writable) {
        this.agents = agents;
        this.writable = writable;
        this.loop = CompletableFuture.runAsync(this::run, pool);
        this.servers = CompletableFuture.runAsync(this::readServers, pool);
    }

    private void readServers() {
        while (running) {
            try {
                lastWritable = writable.get();
            } catch (RuntimeException e) {
                lastWritable = List.of("?");
            }
            maxWritable = Math.max(maxWritable, lastWritable.size());
            sleep(200);
        }
    }

    private void run() {
        while (running) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<String, CompletableFuture<Seen>> asks = new LinkedHashMap<>();
            for (String m : LabAgents.MEMBERS) asks.put(m, CompletableFuture.supplyAsync(() -> ask(m), pool));
            List<String> w = lastWritable;
            Map<String, Seen> seen = new LinkedHashMap<>();
            asks.forEach((m, f) -> seen.put(m, f.join()));
            synchronized (samples) {
                samples.add(new Sample(ms, seen, w));
            }
            sleep(200);
        }
    }

    private Seen ask(String member) {
        if (agents.agent(member).running().isEmpty()) return new Seen('x', "");
        Optional<JsonNode> c = agents.coordination(member);
        return c.map(j -> new Seen(j.path("authority").asBoolean() ? 'A' : '-', j.path("session").asText()))
                .orElse(new Seen('?', ""));
    }

    /** Milliseconds since the sampler started. */
    long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The first sample at or after {@code fromMs} where {@code member} is seen as {@code role}; -1 when none. */
    long first(String member, char role, long fromMs) {
        return samples().stream().filter(s -> s.ms() >= fromMs && s.agents().get(member).role() == role).mapToLong(Sample::ms)
                .findFirst().orElse(-1);
    }

    /** The first sample at or after {@code fromMs} where an agent other than {@code member} has authority; -1 when none. */
    long otherLeads(String member, long fromMs) {
        return samples().stream().filter(s -> s.ms() >= fromMs && s.agents().entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(member) && e.getValue().role() == 'A')).mapToLong(Sample::ms).findFirst().orElse(-1);
    }

    /** The most agents that claimed authority in one sample. */
    int maxLeaders() {
        return samples().stream().mapToInt(s -> (int) s.agents().values().stream().filter(v -> v.role() == 'A').count()).max()
                .orElse(0);
    }

    /** The most servers writable in one read of them. */
    int maxWritable() {
        return maxWritable;
    }

    /** The samples where something changed, one short line each: "1234ms oslo=A/CONNECTED bergen=-/... writable=[..]". */
    String changes() {
        StringBuilder b = new StringBuilder();
        String last = "";
        for (Sample s : samples()) {
            StringBuilder line = new StringBuilder();
            s.agents().forEach((m, v) -> line.append(m).append('=').append(v.role()).append(v.session().isEmpty() ? "" : "/"
                    + v.session()).append(' '));
            line.append("writable=").append(s.writable());
            if (!line.toString().equals(last)) b.append(String.format("    %6d ms %s%n", s.ms(), line));
            last = line.toString();
        }
        return b.toString();
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.get(10, TimeUnit.SECONDS);
            servers.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The last sample may hang on a server's timeout: the samples taken are what counts.
        }
        pool.shutdownNow();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
