package no.vakt.testing;

import java.util.List;
import no.vakt.lab.LabFiles;
import no.vakt.lab.Sshd;

/**
 * The {@code files:} section of a test config: {@code oslo/uploads} pushed to {@code bergen/uploads}
 * (next to the config) through a test's own sshd, as this user, with the receiver from this build.
 */
public final class FilesSection {
    private FilesSection() {}

    /** @param extra more keys of the section (YAML lines indented by two), or null */
    public static String yaml(Sshd sshd, String extra) {
        StringBuilder files = new StringBuilder("files:\n  directories:\n");
        files.append("    - path: oslo/uploads\n      target: bergen/uploads\n");
        if (extra == null || !extra.contains("coalesce:")) files.append("  coalesce: 50ms\n");
        files.append("  ssh:\n    user: ").append(System.getProperty("user.name")).append('\n');
        files.append("    identity-file: ssh/client_ed25519\n    port: ").append(sshd.port()).append('\n');
        files.append("    known-hosts-file: ssh/known_hosts\n");
        files.append("  receiver: [");
        List<String> cmd = LabFiles.localReceiverCommand();
        for (int i = 0; i < cmd.size(); i++) files.append(i == 0 ? "" : ", ").append('"').append(cmd.get(i)).append('"');
        files.append("]\n");
        if (extra != null) files.append(extra);
        return files.toString();
    }
}
