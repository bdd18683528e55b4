package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;

/**
 * Points an HAProxy backend at one node by server states: the node's server READY, every other
 * configured server in MAINT.
 *
 * <p>Order: the other servers go to MAINT (and their open sessions are shut) before the new one is set
 * READY. The opposite order would leave a moment with two ready servers, in which new connections
 * could reach the old primary and write there while the new primary also takes writes: split brain.
 * This order instead leaves a moment with no ready server, in which new connections are refused or
 * queued: the safe failure for a database. Servers of the backend that the entry does not name are
 * left alone.
 */
final class HaproxyProvider extends PolledProvider<HaproxyEntry> {
    // The runtime API answers in milliseconds; 100 ms between reads catches a flip quickly.
    private static final Duration POLL = Duration.ofMillis(100);

    private final HaproxyRuntime runtime;

    HaproxyProvider(HaproxyEntry entry, EntryTargets servers, HaproxyRuntime runtime, Clock clock, Sleeper pause) {
        super(entry, servers, POLL, clock, pause);
        this.runtime = runtime;
    }

    @Override
    public String describe() {
        return "haproxy backend " + entry.backend() + " via " + entry.where();
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        String target = targets.valueFor(node);
        Map<String, HaproxyServerState> states = states();
        List<String> others = others(target);
        boolean targetReady = admittedReady(states.get(target));
        boolean othersOut = others.stream().allMatch(o -> states.get(o).maint());
        if (targetReady && othersOut) return ApplyOutcome.UNCHANGED;
        for (String o : others) {
            if (!states.get(o).maint()) command("set server " + entry.backend() + "/" + o + " state maint");
            // Also when it already was in MAINT: an earlier attempt may have stopped between the two commands.
            if (entry.shutdownSessions()) command("shutdown sessions server " + entry.backend() + "/" + o);
        }
        if (!targetReady) command("set server " + entry.backend() + "/" + target + " state ready");
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        Map<String, HaproxyServerState> states = states();
        List<String> values = new ArrayList<>();
        states.values().forEach(s -> values.add(s.server() + "=" + s.label()));
        List<String> ready = targets.asMap().values().stream().filter(s -> admittedReady(states.get(s))).toList();
        String node = ready.size() == 1 ? targets.nodeFor(ready) : null;
        return new PointsAt(values, node, null);
    }

    @Override
    public Duration verify(String node, Duration bound) throws TrafficException {
        String target = targets.valueFor(node);
        List<String> others = others(target);
        return poll.await(describe(), bound, () -> {
            Map<String, HaproxyServerState> states = states();
            return states.get(target).up() && others.stream().allMatch(o -> states.get(o).maint());
        });
    }

    @Override
    public void checkAccess() throws TrafficException {
        String level = runtime.execute("show cli level").trim();
        // "show cli level" exists since HAProxy 2.0; older versions answer "Unknown command" and are checked by use.
        if (!level.equals("admin") && (level.equals("user") || level.equals("operator"))) {
            throw new TrafficException(describe() + ": the stats socket is at level " + level
                    + "; switching servers needs 'level admin' on the stats socket line", false);
        }
        states();
    }

    private List<String> others(String target) {
        return targets.asMap().values().stream().filter(s -> !s.equals(target)).distinct().toList();
    }

    /** Not in maintenance and not draining: the state "set server ... state ready" leaves. Health checks may still say DOWN. */
    private static boolean admittedReady(HaproxyServerState s) {
        return !s.maint() && !s.drain();
    }

    /** The backend's servers; every server the entry names must be among them. */
    private Map<String, HaproxyServerState> states() throws TrafficException {
        String answer = runtime.execute("show servers state " + entry.backend());
        Map<String, HaproxyServerState> states = HaproxyServerState.parse(answer, entry.backend());
        if (states == null) {
            throw new TrafficException("haproxy " + entry.where() + ": backend '" + entry.backend() + "' cannot be read: "
                    + firstLine(answer), false);
        }
        for (Map.Entry<String, String> e : targets.asMap().entrySet()) {
            if (!states.containsKey(e.getValue())) {
                throw new TrafficException("haproxy " + entry.where() + ": backend '" + entry.backend() + "' has no server '"
                        + e.getValue() + "' (for node " + e.getKey() + "); it has: " + String.join(", ", states.keySet()), false);
            }
        }
        return states;
    }

    /** A state-changing command answers nothing on success; any text is HAProxy's error. */
    private void command(String command) throws TrafficException {
        String answer = runtime.execute(command).trim();
        if (answer.isEmpty()) return;
        String hint = answer.startsWith("Permission denied") ? "; the stats socket needs 'level admin'" : "";
        throw new TrafficException("haproxy " + entry.where() + ": '" + command + "' failed: " + firstLine(answer) + hint, false);
    }

    private static String firstLine(String text) {
        String t = text.trim();
        if (t.isEmpty()) return "(empty answer)";
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
