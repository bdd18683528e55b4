package no.vakt.traffic;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;

/**
 * An HAProxy backend whose servers are the database nodes, switched through the runtime API:
 * <pre>
 * - type: haproxy
 *   socket: /run/haproxy/admin.sock      # or address: 127.0.0.1:9999 (stats socket ipv4@... level admin)
 *   backend: mariadb
 *   servers: {oslo-db: oslo, bergen-db: bergen}
 * </pre>
 * {@code servers} defaults to a server named like each node. {@code shutdown-sessions} (default true)
 * cuts the connections still open to the servers put in maintenance, so pooled connections cannot keep
 * writing to the old primary.
 */
public record HaproxyEntry(
        Path socket, String address, String backend, Map<String, String> servers, Duration timeout, Boolean shutdownSessions)
        implements TrafficEntry {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public HaproxyEntry {
        if ((socket == null) == (address == null || address.isBlank())) {
            throw new IllegalArgumentException("haproxy entry: expected either socket: PATH (a unix stats socket) or address: HOST:PORT "
                    + "(a TCP stats socket), exactly one");
        }
        if (address != null) HaproxyRuntime.parseAddress(address);
        backend = EntryChecks.required("haproxy", "backend", backend, "mariadb");
        if (backend.contains("/") || backend.contains(" ")) {
            throw new IllegalArgumentException("haproxy entry: backend must be a backend name without '/' or spaces; got '" + backend + "'");
        }
        servers = EntryChecks.targets("haproxy", "servers", servers);
        for (String s : servers.values()) {
            if (s.contains("/") || s.contains(" ")) {
                throw new IllegalArgumentException("haproxy entry: server names have no '/' or spaces; got '" + s + "'");
            }
        }
        timeout = EntryChecks.positive("haproxy", "timeout", timeout, DEFAULT_TIMEOUT);
        shutdownSessions = shutdownSessions == null || shutdownSessions;
    }

    String where() {
        return socket != null ? socket.toString() : address;
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        EntryTargets resolved = EntryTargets.resolve("haproxy backend " + backend, servers, config, n -> n.name());
        return new HaproxyProvider(this, resolved, new HaproxyRuntime(this), Clock.systemUTC(), Sleeper.REAL);
    }
}
