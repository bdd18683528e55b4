package no.vakt.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.process.Daemons;

/**
 * A private OpenSSH server on loopback addresses, with its own host key and one authorized client key,
 * for the lab's file sync and for tests. Everything lives in {@code dir}; the server is a daemon found
 * again through its pid file, like the lab's MariaDB servers.
 */
public final class Sshd {
    private static final String SSHD = "/usr/sbin/sshd";
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final Path dir;
    private final List<String> addresses;
    private final int port;

    public Sshd(Path dir, List<String> addresses, int port) {
        this.dir = dir.toAbsolutePath();
        this.addresses = List.copyOf(addresses);
        this.port = port;
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    public Path pidFile() {
        return dir.resolve("sshd.pid");
    }

    public Path logFile() {
        return dir.resolve("sshd.log");
    }

    /** Creates the keys and config when missing and starts the server unless it runs; returns its pid. */
    public long start() throws IOException {
        Optional<ProcessHandle> live = process();
        if (live.isPresent()) return live.get().pid();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path hostKey = dir.resolve("host_ed25519");
        if (!Files.exists(hostKey)) keygen(hostKey);
        if (!Files.exists(clientKey())) keygen(clientKey());
        Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String hostPub = Files.readString(dir.resolve("host_ed25519.pub")).trim();
        String[] parts = hostPub.split("\\s+");
        StringBuilder known = new StringBuilder();
        for (String a : addresses) known.append('[').append(a).append("]:").append(port).append(' ')
                .append(parts[0]).append(' ').append(parts[1]).append('\n');
        Files.writeString(knownHosts(), known);
        StringBuilder cfg = new StringBuilder();
        cfg.append("# Vakt: private sshd for file sync on loopback\n");
        cfg.append("Port ").append(port).append('\n');
        for (String a : addresses) cfg.append("ListenAddress ").append(a).append('\n');
        cfg.append("HostKey ").append(hostKey).append('\n');
        cfg.append("AuthorizedKeysFile ").append(dir.resolve("authorized_keys")).append('\n');
        cfg.append("PidFile ").append(pidFile()).append('\n');
        cfg.append("""
                StrictModes no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                UsePAM no
                UseDNS no
                PrintMotd no
                PrintLastLog no
                MaxSessions 32
                MaxStartups 64
                """);
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, cfg);
        try {
            Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory sshd insists on
        } catch (IOException ignored) {
            // Not root: sshd says what is missing.
        }
        Files.deleteIfExists(pidFile());
        Process p = new ProcessBuilder(SSHD, "-f", config.toString(), "-E", logFile().toString())
                .redirectErrorStream(true).start();
        try {
            // sshd forks into the background once it listens; the parent's exit code says whether it could.
            if (!p.waitFor(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("sshd did not start within " + START_WAIT);
            }
            String output = new String(p.getInputStream().readAllBytes()).trim();
            if (p.exitValue() != 0) throw new IOException("sshd failed (exit " + p.exitValue() + "): " + output + " " + tail());
            long deadline = System.nanoTime() + START_WAIT.toNanos();
            while (process().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting sshd");
        }
        return process().orElseThrow(() -> new IOException("sshd wrote no pid file: " + tail())).pid();
    }

    /** The running server, from its pid file (only an sshd process counts). */
    public Optional<ProcessHandle> process() {
        return Daemons.fromPidFile(pidFile(), c -> c.endsWith("sshd"), true);
    }

    /** Stops the server (and with it the sessions it serves); true when one was running. */
    public boolean stop() {
        Optional<ProcessHandle> p = process();
        if (p.isEmpty()) return false;
        List<ProcessHandle> sessions = new ArrayList<>(p.get().descendants().toList());
        sessions.forEach(ProcessHandle::destroy);
        Daemons.stop(p.get(), Duration.ofSeconds(5));
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException ignored) {
            // Stale pid files are checked against the process anyway.
        }
        return true;
    }

    private static void keygen(Path key) throws IOException {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vakt", "-f", key.toString())
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running ssh-keygen");
        }
    }

    private String tail() {
        return String.join(" | ", Daemons.tail(logFile(), 3));
    }
}
