package no.vakt.cluster;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The exact commands alerts and plans tell a person to run, with the {@code --config} (and, when it is
 * not the default one, the {@code --journal}) of the process that wrote them: a command pasted from an
 * alert must act on the same cluster and journal as the daemon that sent it, not on whatever
 * {@code ./vakt.yml} or {@code $VAKT_CONFIG} the person's shell happens to find.
 *
 * <p>Paths are absolute and quoted for a POSIX shell when they need it. {@link #NONE} (the config file is
 * not known, as in tests and library callers) gives the bare commands.
 *
 * @param configFile the config file, absolute; null when not known
 * @param journalFile the journal, absolute, only when it is not the default next to the config; else null
 */
public record OperatorCommands(Path configFile, Path journalFile) {
    /** Bare commands: no {@code --config}, no {@code --journal}. */
    public static final OperatorCommands NONE = new OperatorCommands(null, null);

    /** Characters a POSIX shell takes literally outside quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@%+=:,-]+");

    /**
     * For a process that loaded {@code configFile} and journals to {@code journalFile} (either may be null:
     * not known). The journal is named only when it is not {@code .vakt/journal.db} next to the config.
     */
    public static OperatorCommands of(Path configFile, Path journalFile) {
        if (configFile == null) return NONE;
        Path config = configFile.toAbsolutePath().normalize();
        Path journal = journalFile == null ? null : journalFile.toAbsolutePath().normalize();
        Path defaultJournal = VaktFiles.journal(config, null).toAbsolutePath().normalize();
        return new OperatorCommands(config, journal == null || journal.equals(defaultJournal) ? null : journal);
    }

    /** {@code vakt promote --confirm [--force] --config ...}: the approval of a waiting or refused failover. */
    public String promote(boolean force) {
        return "vakt promote --confirm" + (force ? " --force" : "") + config() + journal();
    }

    /** {@code vakt traffic apply --config ...}: re-runs the traffic switch towards the live primary. */
    public String trafficApply() {
        return "vakt traffic apply" + config() + journal();
    }

    /** {@code vakt rejoin NODE --config ...}: makes a former primary the standby of the current one. */
    public String rejoin(String node) {
        return "vakt rejoin " + quote(node) + config() + journal();
    }

    /** {@code vakt replicate --config ...} (it keeps no journal). */
    public String replicate() {
        return "vakt replicate" + config();
    }

    /** {@code vakt status --config ...}. */
    public String status() {
        return "vakt status" + config();
    }

    private String config() {
        return configFile == null ? "" : " --config " + quote(configFile.toString());
    }

    private String journal() {
        return journalFile == null ? "" : " --journal " + quote(journalFile.toString());
    }

    /** The word as a POSIX shell reads it back: as is when plain, else in single quotes. */
    static String quote(String word) {
        if (!word.isEmpty() && PLAIN.matcher(word).matches()) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
