package no.vakt.drill;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import no.vakt.config.FaultKind;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;

/**
 * kill-db and stop-db on a local mariadbd (found by its pid file) or over ssh; the network kinds are
 * delegated to {@code network} when the lab runs in network namespaces, else refused.
 */
public final class DefaultFaults implements FaultFactory {
    private final NodeInspector inspector;
    private final NetworkFaults network;

    /** The network kinds, when the sites run in network namespaces (the lab with --netns, as root). */
    public interface NetworkFaults {
        /** Whether the node is in a namespace this process made and can change. */
        boolean covers(Node node);

        Fault create(FaultKind kind, VaktConfig config, Node primary) throws Exception;

        /**
         * Finds the network faults that go with a config file; the CLI passes the lab's, so the drill
         * does not depend on the sandbox.
         */
        @FunctionalInterface
        interface Finder {
            Finder NONE = configFile -> Optional.empty();

            Optional<NetworkFaults> forConfig(Path configFile);
        }
    }

    public DefaultFaults(NodeInspector inspector, NetworkFaults network) {
        this.inspector = inspector;
        this.network = network;
    }

    @Override
    public boolean netnsAvailable() {
        return network != null;
    }

    @Override
    public Fault create(FaultKind kind, VaktConfig config, Node primary) throws Exception {
        if (kind.needsNetns()) {
            if (network == null || !network.covers(primary)) {
                throw new IllegalStateException(kind.label() + " needs " + primary.name()
                        + " in a network namespace of the lab (vakt lab up --netns, as root)");
            }
            return network.create(kind, config, primary);
        }
        return new ProcessFault(kind, process(primary), Duration.ofSeconds(60));
    }

    private DatabaseProcess process(Node primary) throws SQLException {
        boolean inNetns = network != null && network.covers(primary);
        try (DbSession db = inspector.open(primary)) {
            Optional<LocalDatabaseProcess> local = LocalDatabaseProcess.find(primary, db, inspector, inNetns);
            if (local.isPresent()) return local.get();
        }
        if (primary.ssh() != null && !primary.ssh().isBlank()) return new SshDatabaseProcess(primary, inspector);
        throw new IllegalStateException(primary.name() + "'s mariadbd is not on this machine and the node has no ssh:"
                + " target; set ssh: for it (key-based, allowed to run sudo pkill/systemctl), or drill on the lab");
    }
}
