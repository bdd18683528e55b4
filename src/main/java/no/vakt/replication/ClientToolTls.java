package no.vakt.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.AdminTls;

/**
 * The one place that turns a node's TLS setting ({@link AdminTls}: its {@code mysql.tls}, else
 * {@code replication.tls}) into options of the MariaDB client tools ({@code mariadb},
 * {@code mariadb-dump}, {@code mariadb-binlog}, 10.11), so they connect exactly as Vakt's own
 * session does. Every option is spelled out, defaults included, because the client's defaults changed
 * between versions (10.11 turns {@code --ssl} on without verifying; 11.4 verifies by default).
 *
 * <ul>
 *   <li>disable: {@code --skip-ssl}
 *   <li>trust: {@code --ssl --skip-ssl-verify-server-cert}
 *   <li>verify-ca: {@code --ssl --ssl-ca=CA --skip-ssl-verify-server-cert}: libmariadb checks the chain
 *       whenever a CA is given, the host name only with verify-server-cert. Without a CA in the config,
 *       the system's CA directory stands in for the JVM's trusted CAs.
 *   <li>verify-full: {@code --ssl [--ssl-ca=CA] --ssl-verify-server-cert}: chain and host name; without
 *       a CA, the system's trusted CAs.
 * </ul>
 */
public final class ClientToolTls {
    /** Debian's (and OpenSSL's usual) directory of trusted CA certificates. */
    static final Path SYSTEM_CA_DIR = Path.of("/etc/ssl/certs");

    private ClientToolTls() {}

    /** The options for a connection with {@code tls}; they go after {@code --defaults-extra-file}. */
    public static List<String> arguments(AdminTls tls) {
        List<String> out = new ArrayList<>();
        switch (tls.mode()) {
            case DISABLE -> out.add("--skip-ssl");
            case TRUST -> {
                out.add("--ssl");
                out.add("--skip-ssl-verify-server-cert");
            }
            case VERIFY_CA -> {
                out.add("--ssl");
                out.add(tls.ca() != null ? "--ssl-ca=" + tls.ca() : "--ssl-capath=" + SYSTEM_CA_DIR);
                out.add("--skip-ssl-verify-server-cert");
            }
            case VERIFY_FULL -> {
                out.add("--ssl");
                if (tls.ca() != null) out.add("--ssl-ca=" + tls.ca());
                out.add("--ssl-verify-server-cert");
            }
        }
        return List.copyOf(out);
    }
}
