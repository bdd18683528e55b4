package no.vakt.drill;

import java.io.IOException;
import java.net.InetSocketAddress;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.roles.LiveRole;

/**
 * No service name configured: traffic goes to whichever node is the live primary (writable and
 * replicating from nobody), read from both servers on every connect. Stands in for the traffic switch
 * until one is configured; the report says so.
 */
public final class LivePrimaryResolver implements ServiceResolver {
    private final VaktConfig config;
    private final NodeInspector inspector;
    private volatile Node last;

    public LivePrimaryResolver(VaktConfig config, NodeInspector inspector) {
        this.config = config;
        this.inspector = inspector;
    }

    @Override
    public InetSocketAddress resolve() throws IOException {
        Node found = null;
        for (Node n : config.nodes()) {
            NodeState s = inspector.inspect(n);
            if (LiveRole.of(s) == LiveRole.PRIMARY) {
                if (found != null) throw new IOException("two writable nodes: " + found.name() + " and " + n.name());
                found = n;
            }
        }
        if (found == null) found = last;
        if (found == null) throw new IOException("no live primary");
        last = found;
        return InetSocketAddress.createUnresolved(found.mysql().host(), found.mysql().port());
    }

    @Override
    public String describe() {
        return "the live primary (no drills.service configured)";
    }

    @Override
    public boolean throughServiceName() {
        return false;
    }
}
