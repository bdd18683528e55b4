package no.vakt.filesync;

import java.util.List;
import no.vakt.check.FileSyncRules;

/**
 * What {@code vakt check} saw of file sync, so {@link FileSyncRules} stay pure.
 *
 * @param localRsync null when rsync runs here, else why not
 * @param utf8Names whether this JVM reads file names as UTF-8
 * @param ssh null when the target accepted the key and ran a command, else what went wrong
 * @param remoteRsync null when rsync runs on the target (or ssh failed), else why not
 * @param layout whether the directories' node layout is recorded: {@code recorded}, {@code not recorded yet}
 *     (file sync has not run), or {@code unknown} (the config's directory is not known)
 */
public record FileSyncObservation(
        String source,
        String target,
        String sshTarget,
        String localRsync,
        boolean utf8Names,
        String ssh,
        String remoteRsync,
        String layout,
        List<Directory> directories) {

    public FileSyncObservation {
        directories = List.copyOf(directories);
    }

    /**
     * @param targetProblem null when the target directory exists, else why not (null too when unknown)
     * @param layoutProblem null when the config maps the directory to the nodes as recorded, else why file sync
     *     refuses it and what to change
     */
    public record Directory(String name, String source, String sourceState, boolean sourceUsable, String target,
            String targetProblem, DirectoryLayout.Problem layoutProblem) {}
}
