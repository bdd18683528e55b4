package no.vakt.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.process.Daemons;

/**
 * A mariadbd on this machine: the lab's, a test's, or one inside a network namespace of the lab. Found
 * through the server itself ({@code @@pid_file}), so no lab layout is needed; its command line (and its
 * network namespace, from {@code ip netns identify}) is remembered before the fault so it can be started
 * again exactly as it ran.
 */
public final class LocalDatabaseProcess implements DatabaseProcess {
    private final Node node;
    private final NodeInspector inspector;
    private final long pid;
    private final List<String> commandLine;
    private final String netns;

    private LocalDatabaseProcess(Node node, NodeInspector inspector, long pid, List<String> commandLine, String netns) {
        this.node = node;
        this.inspector = inspector;
        this.pid = pid;
        this.commandLine = commandLine;
        this.netns = netns;
    }

    /**
     * The node's mariadbd when it runs on this machine: its address is local (or in one of this
     * machine's network namespaces) and its pid file names a live mariadbd. Empty otherwise.
     */
    public static Optional<LocalDatabaseProcess> find(Node node, DbSession db, NodeInspector inspector, boolean netnsLab)
            throws SQLException {
        if (!netnsLab && !isLocalAddress(node.mysql().host())) return Optional.empty();
        String pidFile = db.scalar("SELECT @@GLOBAL.pid_file").orElse(null);
        if (pidFile == null) return Optional.empty();
        Path file = Path.of(pidFile);
        if (!file.isAbsolute()) {
            file = Path.of(db.scalar("SELECT @@GLOBAL.datadir").orElse("/")).resolve(pidFile);
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) return Optional.empty();
        Optional<String> command = h.get().info().command();
        if (command.isEmpty() || !(command.get().endsWith("mariadbd") || command.get().endsWith("mysqld"))) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(command.get());
        h.get().info().arguments().ifPresent(a -> cmd.addAll(Arrays.asList(a)));
        return Optional.of(new LocalDatabaseProcess(node, inspector, pid, List.copyOf(cmd), netnsOf(pid)));
    }

    static boolean isLocalAddress(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The named network namespace the process runs in, null for the host's own (or without ip). */
    private static String netnsOf(long pid) {
        if (!"root".equals(System.getProperty("user.name"))) return null;
        try {
            Process p = new ProcessBuilder("ip", "netns", "identify", Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 && !out.isEmpty() && !out.contains(" ") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public long pid() {
        return pid;
    }

    @Override
    public String describe() {
        return "mariadbd pid " + pid + " of " + node.name() + " (" + node.mysql().address() + ")"
                + (netns == null ? "" : " in network namespace " + netns);
    }

    @Override
    public void kill() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            Daemons.awaitExit(h, Duration.ofSeconds(10));
        });
    }

    @Override
    public void stop(Duration max) {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy(); // SIGTERM: mariadbd shuts down cleanly
            if (!Daemons.awaitExit(h, max)) {
                h.destroyForcibly();
                Daemons.awaitExit(h, Duration.ofSeconds(10));
            }
        });
    }

    @Override
    public void start(Duration max) throws IOException, InterruptedException {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || acceptsConnections()) return;
        List<String> cmd = new ArrayList<>();
        if (netns != null) cmd.addAll(List.of("ip", "netns", "exec", netns));
        cmd.addAll(commandLine);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Instant deadline = Instant.now().plus(max);
        // Poll every 100 ms: mariadbd on a warm data directory answers within a second or two (crash recovery included).
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) throw new IOException("mariadbd for " + node.name() + " exited with " + p.exitValue()
                    + " when started again; see its error log");
            if (acceptsConnections()) return;
            Thread.sleep(100);
        }
        throw new IOException("mariadbd for " + node.name() + " did not accept connections within " + max.toSeconds() + " s");
    }

    private boolean acceptsConnections() {
        try (DbSession db = inspector.open(node)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
