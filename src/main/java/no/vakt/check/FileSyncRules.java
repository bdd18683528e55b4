package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.filesync.FileSyncObservation;
import no.vakt.filesync.SourceRoot;

/**
 * The preflight's file sync rules, pure over {@link FileSyncObservation}. Finding ids:
 * {@code files-rsync} (rsync here and on the target), {@code files-ssh} (the target accepts the key with
 * BatchMode), {@code files-directory} (each source directory exists; WARNING when empty, since deletions
 * are then held back), {@code files-target-directory} (each target directory exists), {@code files-names}
 * (file names read as UTF-8), {@code files-layout} (each directory belongs to the node it belonged to when file
 * sync recorded it: ERROR when the {@code role:} fields were swapped without {@code path:}/{@code target:},
 * INFO while nothing is recorded yet).
 */
public final class FileSyncRules {
    private FileSyncRules() {}

    public static List<Finding> files(VaktConfig config, Observations observations) {
        FileSyncObservation o = observations.files();
        List<Finding> out = new ArrayList<>();
        if (o == null) return out;
        String src = o.source();
        String tgt = o.target();
        if (o.localRsync() != null) {
            out.add(Finding.error("files-rsync", src, o.localRsync(), "apt-get install rsync"));
        } else if (o.remoteRsync() != null) {
            out.add(Finding.error("files-rsync", tgt, o.remoteRsync(), "on " + tgt + ": apt-get install rsync"));
        } else if (o.ssh() == null) {
            out.add(Finding.ok("files-rsync", null, "rsync runs here and on " + tgt));
        }
        if (o.ssh() != null) {
            out.add(Finding.error("files-ssh", tgt, "ssh to " + o.sshTarget() + " fails: " + o.ssh(),
                    "put the public key of files.ssh.identity-file into the target user's authorized_keys and the"
                            + " target's host key into files.ssh.known-hosts-file; test with ssh -o BatchMode=yes"));
        } else {
            out.add(Finding.ok("files-ssh", tgt, "ssh to " + o.sshTarget() + " works without a password"));
        }
        if (!o.utf8Names()) {
            out.add(Finding.error("files-names", null, "this JVM reads file names in a non-UTF-8 locale; names with"
                    + " non-ASCII characters would be garbled", "run Vakt with LANG=C.UTF-8"));
        }
        boolean layoutOk = true;
        for (FileSyncObservation.Directory d : o.directories()) {
            if (d.layoutProblem() != null) {
                layoutOk = false;
                out.add(Finding.error("files-layout", null, d.layoutProblem().what() + "; file sync refuses this directory",
                        d.layoutProblem().fix()));
            }
        }
        if (layoutOk) {
            if ("recorded".equals(o.layout())) {
                out.add(Finding.ok("files-layout", null, "each directory belongs to the node recorded for it"));
            } else if ("not recorded yet".equals(o.layout())) {
                out.add(Finding.info("files-layout", null, "which node each directory belongs to is recorded when file"
                        + " sync first runs (vakt run, vakt sync) or changes direction; then a swap of the role: fields"
                        + " without path:/target: is refused, not synced"));
            }
        }
        for (FileSyncObservation.Directory d : o.directories()) {
            // Refused above: which of its paths is the source is exactly what is in doubt.
            if (d.layoutProblem() != null || "not checked".equals(d.sourceState())) continue;
            if (!d.sourceUsable()) {
                out.add(Finding.error("files-directory", src, "source directory " + d.source() + " is " + d.sourceState(),
                        "create or mount it, or fix files.directories"));
            } else if (d.sourceState().equals(SourceRoot.EMPTY.label())) {
                out.add(Finding.warning("files-directory", src, "source directory " + d.source() + " is empty: file"
                        + " sync copies nothing and holds back every deletion", "check that it is the right directory"));
            } else {
                out.add(Finding.ok("files-directory", src, "source directory " + d.source() + " is " + d.sourceState()));
            }
            if (d.targetProblem() != null) {
                out.add(Finding.error("files-target-directory", tgt, "target directory " + d.target() + " "
                        + d.targetProblem(), "on " + tgt + ": mkdir -p " + d.target()));
            }
        }
        return out;
    }
}
