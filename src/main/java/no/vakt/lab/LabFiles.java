package no.vakt.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import no.vakt.filesync.Receiver;

/**
 * The lab's file sync: an uploads directory per site ({@code oslo/uploads}, {@code bergen/uploads}) and
 * one private sshd listening on both sites' addresses, which the lab's {@code files:} section pushes
 * through, so {@code vakt run} on the lab keeps the two directories equal.
 */
public final class LabFiles {
    /** The lab's sshd port on each site address (like MySQL's, one port on two addresses). */
    public static final int SSH_PORT = 2222;

    private final LabLayout layout;
    private final LabSettings settings;

    public LabFiles(LabLayout layout, LabSettings settings) {
        this.layout = layout;
        this.settings = settings;
    }

    public Path uploads(LabSite site) {
        return layout.siteHome(site).resolve("uploads");
    }

    public Sshd sshd() {
        List<String> addresses = settings.netns() ? List.of(netnsSshAddress(layout))
                : List.of(settings.osloAddress(), settings.bergenAddress());
        return new Sshd(layout.dir().resolve("ssh"), addresses, SSH_PORT);
    }

    /**
     * With network namespaces the site addresses exist only inside them: the host's sshd serves on the
     * lab bridge's own address and the nodes' ssh: targets say so (the uploads directories are local
     * either way). Each namespaced lab has its own subnet, so two of them never compete for the port,
     * and the drills' faults, which live inside the sites' namespaces, never cut the file sync off.
     */
    public static String netnsSshAddress(LabLayout layout) {
        return LabNetns.of(layout).monitorAddress();
    }

    /** Creates the uploads directories and starts the sshd when it is not running. */
    public void up() throws IOException {
        for (LabSite site : LabSite.values()) Files.createDirectories(uploads(site));
        sshd().start();
    }

    /** Stops the sshd; true when it was running. */
    public boolean down() {
        return sshd().stop();
    }

    /** The {@code files:} section of the lab's vakt.yml; paths relative to the config's directory. */
    public String configSection() {
        Sshd sshd = sshd();
        StringBuilder y = new StringBuilder();
        y.append("files:\n");
        y.append("  directories:\n");
        // Per node: the two sites' directories differ, so they must not follow the role: fields.
        y.append("    - paths:\n");
        for (LabSite site : LabSite.values()) {
            y.append("        ").append(site.nodeName()).append(": ").append(quote(layout.relative(uploads(site)).toString()))
                    .append('\n');
        }
        y.append("  coalesce: 100ms\n  full-sync-interval: 1h\n  max-delete-percent: 20\n");
        y.append("  ssh:\n");
        y.append("    user: ").append(quote(System.getProperty("user.name"))).append('\n');
        y.append("    identity-file: ").append(quote(layout.relative(sshd.clientKey()).toString())).append('\n');
        y.append("    port: ").append(sshd.port()).append('\n');
        y.append("    known-hosts-file: ").append(quote(layout.relative(sshd.knownHosts()).toString())).append('\n');
        y.append("  receiver: [");
        List<String> cmd = localReceiverCommand();
        for (int i = 0; i < cmd.size(); i++) y.append(i == 0 ? "" : ", ").append(quote(cmd.get(i)));
        y.append("]\n");
        return y.toString();
    }

    /**
     * The receiver as this machine runs it: this JVM's java with this jar (or classes directory), in a
     * UTF-8 locale so file names keep their characters. Small heap and quick start: it only copies bytes.
     */
    public static List<String> localReceiverCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add("env");
        cmd.add("LC_ALL=C.UTF-8");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", codeSource()));
        cmd.add(Receiver.class.getName());
        return cmd;
    }

    private static String codeSource() {
        try {
            return Path.of(Receiver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate Vakt's classes", e);
        }
    }

    /** A YAML double-quoted string. */
    public static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
