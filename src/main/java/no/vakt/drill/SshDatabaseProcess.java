package no.vakt.drill;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;

/**
 * The primary's mariadbd on a remote host, reached with {@code ssh} (the node's {@code ssh:} target,
 * key-based, BatchMode) and an argument list, never a shell string built from config. The clean stop is
 * the SQL SHUTDOWN statement (no ssh needed); start uses the host's service manager.
 */
public final class SshDatabaseProcess implements DatabaseProcess {
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private final Node node;
    private final NodeInspector inspector;

    public SshDatabaseProcess(Node node, NodeInspector inspector) {
        if (node.ssh() == null || node.ssh().isBlank()) throw new IllegalArgumentException(node.name() + " has no ssh target");
        this.node = node;
        this.inspector = inspector;
    }

    @Override
    public String describe() {
        return "mariadbd of " + node.name() + " on " + node.ssh() + " (over ssh)";
    }

    @Override
    public void kill() throws IOException, InterruptedException {
        ssh("sudo", "-n", "pkill", "-KILL", "-x", "mariadbd");
    }

    @Override
    public void stop(Duration max) throws SQLException {
        try (DbSession db = inspector.open(node)) {
            db.execute("SHUTDOWN");
        }
    }

    @Override
    public void start(Duration max) throws IOException, InterruptedException {
        ssh("sudo", "-n", "systemctl", "start", "mariadb");
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            try (DbSession db = inspector.open(node)) {
                return;
            } catch (SQLException e) {
                Thread.sleep(250);
            }
        }
        throw new IOException(node.name() + " did not accept connections within " + max.toSeconds() + " s after systemctl start");
    }

    private void ssh(String... remote) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", node.ssh()));
        cmd.addAll(List.of(remote));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(SSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("ssh " + node.ssh() + " timed out");
        }
        if (p.exitValue() != 0) throw new IOException("ssh " + node.ssh() + " " + String.join(" ", remote) + " failed ("
                + p.exitValue() + "): " + out.strip());
    }
}
