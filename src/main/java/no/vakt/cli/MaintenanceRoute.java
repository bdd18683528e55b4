package no.vakt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import no.vakt.config.SecretRef;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.maintenance.Maintenance;
import no.vakt.server.DaemonClient;

/**
 * How {@code vakt pause} and {@code vakt resume} reach the state: through the running daemon's API (admin
 * token, so the daemon journals the token role and the caller's address), or, when no daemon answers on
 * {@code server.listen} or no admin token is configured or readable here, by writing the journal
 * directly. Either way the daemon reads the pause from the journal when it decides.
 */
final class MaintenanceRoute {
    /** A pause or resume is one journal write: a daemon that takes longer is stuck. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    /** The daemon's answer, or why the journal is written instead. */
    sealed interface Route permits Api, Direct {}

    record Api(String url, DaemonClient.Reply reply) implements Route {
        /** Whether the daemon refused; if so, says why on {@code err} for {@code vakt COMMAND}. */
        boolean refused(String command, java.io.PrintWriter err) {
            if (reply.ok()) return false;
            err.println("vakt " + command + ": the daemon at " + url + " refused (HTTP " + reply.status() + "): "
                    + message(reply).orElse("no message"));
            return true;
        }
    }

    record Direct(String why) implements Route {}

    private MaintenanceRoute() {}

    /** POSTs {@code path} to the daemon when one answers; otherwise says why the caller must write the journal. */
    static Route call(VaktConfig cfg, String path, Map<String, ?> body) throws InterruptedException {
        ServerConfig s = cfg.server();
        if (!s.enabled()) return new Direct("server.enabled is false: no daemon API");
        if (s.address().port() == 0) return new Direct("server.listen has port 0: the daemon's port is not known");
        if (s.tokenSecret().isEmpty()) return new Direct("no server.token-file: the daemon accepts no action");
        String url = url(s);
        DaemonClient client;
        try {
            client = DaemonClient.of(s, url);
        } catch (SecretRef.SecretUnavailableException e) {
            return new Direct("the admin token is not readable here (" + e.getMessage() + ")");
        }
        try {
            return new Api(url, client.post(path, body, CALL_TIMEOUT));
        } catch (ConnectException e) {
            return new Direct("no daemon answers on " + url);
        } catch (IOException e) {
            throw new IllegalStateException("the daemon at " + url + " did not answer: " + e, e);
        }
    }

    /** The daemon's own URL: a wildcard listen address is reached on loopback. */
    static String url(ServerConfig s) {
        String host = s.address().host();
        if (host.equals("0.0.0.0") || host.isEmpty()) host = "127.0.0.1";
        if (host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) host = "::1";
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return (s.tls() != null ? "https" : "http") + "://" + shown + ":" + s.address().port() + "/";
    }

    /** What was done, as the line printed once it is known where: through the daemon or in the journal. */
    interface Done {
        String line(String where);
    }

    /**
     * {@code vakt COMMAND} (pause or resume): POSTs {@code body} to the daemon's {@code api/COMMAND} and reads
     * its reply with {@code viaDaemon}; without a daemon, does {@code direct} on the journal. Prints the line.
     */
    static int act(ConfigAndJournal config, Clock clock, String command, Map<String, ?> body,
            Function<JsonNode, Done> viaDaemon, Function<Maintenance, Done> direct) throws InterruptedException {
        VaktConfig cfg = config.load();
        Route route = call(cfg, "api/" + command, body);
        if (route instanceof Api api) {
            if (api.refused(command, config.err())) return ExitCodes.FAILED;
            config.out().println(viaDaemon.apply(api.reply().body()).line("through vakt run at " + api.url()));
            return ExitCodes.OK;
        }
        Path file = config.journal();
        Done done;
        String where = "written to the journal " + file;
        try (Journal journal = new Journal(file, clock)) {
            Maintenance local = new Maintenance(journal, cfg.cluster(), clock);
            Optional<no.vakt.config.CoordinationConfig> agents = cfg.coordinationSection();
            if (agents.isPresent()) {
                // With agents the pause is the cluster's: written to ZooKeeper too, so the leader honours it.
                try {
                    done = no.vakt.coordination.ZooKeeperRuns.using(agents.get(),
                            zk -> direct.apply(local.share(new SharedPause(zk))));
                    where += " and to ZooKeeper";
                } catch (no.vakt.coordination.ZooKeeperRuns.Unavailable e) {
                    done = direct.apply(new Maintenance(journal, cfg.cluster(), clock));
                    where += " only (ZooKeeper: " + e.getMessage() + ")";
                }
            } else {
                done = direct.apply(local);
            }
        }
        config.out().println(done.line(where + ": " + ((Direct) route).why()));
        return ExitCodes.OK;
    }

    static Optional<String> message(DaemonClient.Reply r) {
        return Optional.ofNullable(r.text("message"));
    }
}
