package no.vakt.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.SyncDirectory;
import no.vakt.config.VaktConfig;
import no.vakt.filesync.BoundedCommand;
import no.vakt.filesync.SshTarget;

/**
 * Files on the new primary, proven with a canary: before the fault the drill writes
 * {@code .vakt-drill-ID} into every {@code files.directories} entry on the primary's side (local: Vakt
 * runs where the source directories are, as its file sync does), and after the failover asks the new
 * primary's node over ssh whether every one of them is there. Only file sync can have put them there.
 */
public final class CanaryFilesProbe implements FilesProbe {
    private final VaktConfig config;
    private final Duration sshTimeout;
    private Node source;
    private String name;
    private String unavailable;

    private CanaryFilesProbe(VaktConfig config) {
        this.config = config;
        // ssh's own connect bound plus a few seconds for the remote shell on a busy host.
        this.sshTimeout = config.files().ssh().connectTimeout().plusSeconds(5);
    }

    public static FilesProbe forConfig(VaktConfig config) {
        return config.files().enabled() ? new CanaryFilesProbe(config) : FilesProbe.NONE;
    }

    @Override
    public String unavailable() {
        return unavailable;
    }

    @Override
    public void prepare(Node primary, String drillId) {
        source = primary;
        name = ".vakt-drill-" + drillId;
        try {
            for (SyncDirectory d : config.files().directories()) {
                Files.writeString(side(d, primary).resolve(name), "Vakt drill " + drillId + ": must reach the standby\n");
            }
        } catch (IOException e) {
            unavailable = "files on the new primary: the canary could not be written on " + primary.name() + "'s side: " + e;
        }
    }

    @Override
    public boolean present(Node node) throws IOException {
        for (SyncDirectory d : config.files().directories()) {
            BoundedCommand.Result r = onNode(node, List.of("test", "-f", side(d, node).resolve(name).toString()));
            if (r.code() == 1) return false;
            if (!r.ok()) throw new IOException("ssh to " + node.name() + " failed (exit " + r.code() + "): " + r.err().strip());
        }
        return true;
    }

    @Override
    public String cleanUp() {
        if (source == null || name == null) return null;
        Node target = config.peerOf(source);
        List<String> problems = new ArrayList<>();
        for (SyncDirectory d : config.files().directories()) {
            try {
                Files.deleteIfExists(side(d, source).resolve(name));
            } catch (IOException e) {
                problems.add(source.name() + ": " + e.getMessage());
            }
            BoundedCommand.Result r = onNode(target, List.of("rm", "-f", "--", side(d, target).resolve(name).toString()));
            if (!r.ok()) problems.add(target.name() + ": exit " + r.code() + " " + r.err().strip());
        }
        return problems.isEmpty()
                ? "removed the canary file " + name + " on " + source.name() + " and " + target.name()
                : "could not remove the canary file " + name + " everywhere (" + String.join("; ", problems) + "); delete it by hand";
    }

    private BoundedCommand.Result onNode(Node node, List<String> command) {
        return BoundedCommand.run(SshTarget.of(node, config.files().ssh(), null).command(command), sshTimeout);
    }

    private static Path side(SyncDirectory d, Node node) {
        return d.on(node);
    }
}
