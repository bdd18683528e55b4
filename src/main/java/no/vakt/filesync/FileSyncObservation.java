package no.vakt.filesync;

import java.util.List;

/**
 * What {@code vakt check} saw of file sync, so {@link FileSyncRules} stay pure.
 *
 * @param localRsync null when rsync runs here, else why not
 * @param utf8Names whether this JVM reads file names as UTF-8
 * @param ssh null when the target accepted the key and ran a command, else what went wrong
 * @param remoteRsync null when rsync runs on the target (or ssh failed), else why not
 */
public record FileSyncObservation(
        String source,
        String target,
        String sshTarget,
        String localRsync,
        boolean utf8Names,
        String ssh,
        String remoteRsync,
        List<Directory> directories) {

    public FileSyncObservation {
        directories = List.copyOf(directories);
    }

    /** @param targetProblem null when the target directory exists, else why not (null too when unknown) */
    public record Directory(String source, String sourceState, boolean sourceUsable, String target, String targetProblem) {}
}
