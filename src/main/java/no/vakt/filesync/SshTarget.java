package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.SshSettings;

/**
 * One node as an ssh destination, and the argument lists that reach it. Every session to the same
 * target shares one TCP connection (ControlMaster) while the long-lived receiver session runs, so an
 * rsync run costs a channel, not a handshake.
 *
 * @param controlDir a short private directory for the multiplexing socket; null disables multiplexing
 * @param persist how long the shared connection outlives its last session (null: it ends with the session that
 *     opened it). A repository's many short calls share one handshake this way; ssh's keepalives still end a
 *     dead one within about 15 s.
 */
public record SshTarget(String node, String user, String host, SshSettings settings, Path controlDir, Duration persist) {

    public SshTarget(String node, String user, String host, SshSettings settings, Path controlDir) {
        this(node, user, host, settings, controlDir, null);
    }

    public static SshTarget of(Node node, SshSettings settings, Path controlDir) {
        String spec = node.ssh() != null && !node.ssh().isBlank() ? node.ssh().trim() : node.mysql().host();
        String user = settings.user();
        String host = spec;
        int at = spec.lastIndexOf('@');
        if (at >= 0) {
            user = spec.substring(0, at);
            host = spec.substring(at + 1);
        }
        return new SshTarget(node.name(), user, host, settings, controlDir);
    }

    /** "user@host:port" for messages. */
    public String display() {
        return (user != null ? user + "@" : "") + host + ":" + settings.port();
    }

    /** ssh options without the program name and destination. */
    public List<String> options() {
        List<String> a = new ArrayList<>();
        opt(a, "BatchMode=yes");
        opt(a, "ConnectTimeout=" + Math.max(1, settings.connectTimeout().toSeconds()));
        // A dead peer is noticed within about 15 s instead of hanging a push forever.
        opt(a, "ServerAliveInterval=5");
        opt(a, "ServerAliveCountMax=3");
        opt(a, "LogLevel=ERROR");
        if (settings.knownHostsFile() != null) {
            opt(a, "UserKnownHostsFile=" + settings.knownHostsFile());
            opt(a, "StrictHostKeyChecking=yes");
        }
        if (settings.identityFile() != null) {
            a.add("-i");
            a.add(settings.identityFile().toString());
            opt(a, "IdentitiesOnly=yes");
        }
        if (controlDir != null) {
            opt(a, "ControlMaster=auto");
            opt(a, "ControlPath=" + controlDir.resolve("%C"));
            opt(a, "ControlPersist=" + (persist == null ? "no" : Math.max(1, persist.toSeconds()) + "s"));
        }
        a.add("-p");
        a.add(Integer.toString(settings.port()));
        if (user != null) {
            a.add("-l");
            a.add(user);
        }
        return a;
    }

    /** {@code ssh OPTIONS host -- 'arg' 'arg' ...}: ssh hands the words to the remote shell, so each is quoted. */
    public List<String> command(List<String> remote) {
        List<String> a = new ArrayList<>();
        a.add("ssh");
        a.addAll(options());
        a.add(host);
        a.add("--");
        for (String r : remote) a.add(quote(r));
        return a;
    }

    /** rsync's {@code -e} value: rsync splits it itself and honours single quotes. */
    public String rsyncShell() {
        StringBuilder sb = new StringBuilder("ssh");
        for (String o : options()) sb.append(' ').append(quote(o));
        return sb.toString();
    }

    /** rsync's remote directory argument (with --protect-args the path needs no quoting). */
    public String rsyncDir(Path dir) {
        return host + ":" + dir + "/";
    }

    static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || "-_./=:,@%+".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void opt(List<String> a, String o) {
        a.add("-o");
        a.add(o);
    }
}
