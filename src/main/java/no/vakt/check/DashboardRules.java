package no.vakt.check;

import java.util.List;
import no.vakt.config.LoopbackHost;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;

/**
 * The preflight's view of the {@code server:} section (finding id {@code dashboard-exposure}): a dashboard
 * reachable from other machines over plain HTTP would carry the API token in clear text.
 */
public final class DashboardRules {
    private DashboardRules() {}

    public static List<Finding> exposure(VaktConfig config, Observations observations) {
        ServerConfig s = config.server();
        if (!s.enabled()) return List.of();
        String host = s.address().host();
        if (LoopbackHost.is(host)) {
            return List.of(Finding.ok("dashboard-exposure", null, "the dashboard listens on " + s.listen() + " (this machine only)"));
        }
        if (s.tls() == null) {
            return List.of(Finding.warning("dashboard-exposure", null, "the dashboard listens on " + s.listen()
                    + " over plain HTTP: the API token and the cluster's state cross the network in clear text",
                    "add server.tls (cert and key, PEM) or listen on 127.0.0.1 and reach it through an SSH tunnel"));
        }
        if (s.tokenSecret().isEmpty()) {
            return List.of(Finding.info("dashboard-exposure", null, "the dashboard listens on " + s.listen()
                    + " with TLS; without server.token-file other machines cannot read it (unless server.read-token-file"
                    + " is set) and nobody can act"));
        }
        return List.of(Finding.ok("dashboard-exposure", null, "the dashboard listens on " + s.listen() + " with TLS and a token"));
    }
}
