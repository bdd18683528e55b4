package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.SyncDirectory;
import no.vakt.config.VaktConfig;
import no.vakt.filesync.BoundedCommand.Result;

/** The I/O of {@code vakt check} for file sync: local rsync, the source directories, ssh to the target. */
public final class FileSyncProbe {
    private FileSyncProbe() {}

    /**
     * Null when the config has no file sync. Checks the configured direction, primary to standby, and each
     * directory's node layout against the record next to the config (changing nothing).
     */
    public static FileSyncObservation observe(VaktConfig config) {
        return observe(config, "rsync");
    }

    static FileSyncObservation observe(VaktConfig config, String rsyncProgram) {
        if (!config.files().enabled()) return null;
        Node source = config.primary();
        Node target = config.standby();
        SshTarget ssh = SshTarget.of(target, config.files().ssh(), null);
        String localRsync = run(List.of(rsyncProgram, "--version"), 10).problem("rsync is not installed here");
        String jnu = System.getProperty("sun.jnu.encoding", "");
        Result version = run(ssh.command(List.of("rsync", "--version")), config.files().ssh().connectTimeout().toSeconds() + 15);
        String sshProblem = version.code() == 255 || version.code() == -1 ? sshProblem(version) : null;
        String remoteRsync = sshProblem == null && version.code() != 0 ? "rsync is not installed on " + target.name()
                + " (exit " + version.code() + ")" : null;
        Optional<LayoutFile> layoutFile = LayoutFile.of(config);
        String layout = layoutFile.map(f -> f.recorded() ? "recorded" : "not recorded yet").orElse("unknown");
        DirectoryLayout.Verdict verdict = layoutFile.map(f -> f.judge(config, "the config", Instant.now()))
                .orElseGet(() -> DirectoryLayout.judge(config, DirectoryLayout.Recorded.NONE, "the config", Instant.now()));
        List<FileSyncObservation.Directory> dirs = new ArrayList<>();
        List<SyncDirectory> all = config.files().directories();
        for (int i = 0; i < all.size(); i++) {
            SyncDirectory d = all.get(i);
            DirectoryLayout.Problem layoutProblem = verdict.problems().get(i);
            if (d.nodeProblem(config) != null) {
                dirs.add(new FileSyncObservation.Directory(d.label(), d.label(), "not checked", true, "?", null, layoutProblem));
                continue;
            }
            Path from = d.on(source);
            Path to = d.on(target);
            SourceRoot state = SourceRoot.observe(from, d.requireMount());
            String targetProblem = null;
            if (sshProblem == null) {
                Result r = run(ssh.command(List.of("test", "-d", to.toString())), config.files().ssh().connectTimeout().toSeconds() + 15);
                if (r.code() == 1) targetProblem = "does not exist or is not a directory";
                else if (r.code() != 0) targetProblem = "could not be checked: " + r.err().strip();
            }
            dirs.add(new FileSyncObservation.Directory(d.label(), from.toString(), state.label(),
                    state == SourceRoot.PRESENT || state == SourceRoot.EMPTY, to.toString(), targetProblem, layoutProblem));
        }
        return new FileSyncObservation(source.name(), target.name(), ssh.display(), localRsync,
                jnu.equalsIgnoreCase("UTF-8"), sshProblem, remoteRsync, layout, dirs);
    }

    private static String sshProblem(Result r) {
        String err = r.err().strip();
        if (err.contains("Permission denied")) return "the target refuses the key (" + err + ")";
        if (err.contains("Host key verification failed") || err.contains("No ED25519 host key") || err.contains("host key")) {
            return "the target's host key is not trusted (" + err + "); add it to files.ssh.known-hosts-file";
        }
        return err.isEmpty() ? "ssh failed (exit " + r.code() + ")" : err;
    }

    private static Result run(List<String> argv, long timeoutSeconds) {
        return BoundedCommand.run(argv, java.time.Duration.ofSeconds(timeoutSeconds));
    }
}
