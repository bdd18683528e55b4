package no.vakt.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Vakt reaches the target node over ssh. The host (and a user written {@code user@host}) come from
 * the node's {@code ssh:} key, else its MySQL host. Always {@code BatchMode=yes}: a key that is refused
 * fails at once instead of waiting for a password nobody types.
 *
 * @param user the login user when the node's {@code ssh:} names none (default: ssh's own default)
 * @param identityFile the private key (default: ssh's own default keys)
 * @param port default 22
 * @param knownHostsFile the host keys to trust (default: ssh's own); host keys are always checked
 * @param connectTimeout default 5s
 */
public record SshSettings(String user, Path identityFile, Integer port, Path knownHostsFile, Duration connectTimeout) {
    public static final SshSettings DEFAULT = new SshSettings(null, null, null, null, null);

    public SshSettings {
        port = port != null ? port : 22;
        connectTimeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(5);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("files.ssh.port: expected a port between 1 and 65535");
        if (connectTimeout.toSeconds() < 1) throw new IllegalArgumentException("files.ssh.connect-timeout: expected at least 1s");
    }
}
