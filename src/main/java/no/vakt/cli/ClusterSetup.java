package no.vakt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import no.vakt.db.AdminGrants;
import no.vakt.db.Sql;

/**
 * What {@code vakt init} asked for, and the files it writes from it: vakt.yml, the two password files
 * (random, owner-only, kept when they exist) and the admin account's SQL with the password (owner-only).
 */
record ClusterSetup(
        String cluster,
        NodeSpec primary,
        NodeSpec standby,
        List<String> databases,
        String vaktAddress,
        String adminUser,
        String replicationUser,
        Traffic traffic) {

    /** @param sourceAddress where its connections come from as the peer sees them; null for its host */
    record NodeSpec(String site, String zone, String country, String node, String host, int port, String sourceAddress) {}

    /** The DNS record or balancer the failover switches; null fields for "none". */
    record Traffic(String dnsZone, String dnsRecord, String dnsServer, String dnsKeyFile, String haproxyAddress,
            String haproxyBackend) {
        static final Traffic NONE = new Traffic(null, null, null, null, null, null);
    }

    /** The package's system user and group (debian postinst). */
    static final String SERVICE_USER = "vakt";
    static final String ADMIN_PASSWORD = "secrets/admin.password";
    static final String REPLICATION_PASSWORD = "secrets/replication.password";
    static final String ADMIN_SQL = "secrets/admin-account.sql";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The files written, for the report. */
    record Written(Path config, Path adminPassword, Path replicationPassword, Path adminSql, boolean passwordsKept) {}

    Written write(Path configFile, boolean force) throws IOException {
        Path dir = configFile.toAbsolutePath().getParent();
        if (Files.exists(configFile) && !force) {
            throw new FileAlreadyExistsException(configFile + " exists; --force replaces it");
        }
        Files.createDirectories(dir.resolve("secrets"));
        Path adminPw = dir.resolve(ADMIN_PASSWORD);
        Path replPw = dir.resolve(REPLICATION_PASSWORD);
        boolean kept = Files.exists(adminPw) && Files.exists(replPw);
        // Kept on a re-run: the accounts on the servers may already use them.
        String adminPassword = Files.exists(adminPw) ? Files.readString(adminPw).trim() : newSecret(adminPw);
        if (!Files.exists(replPw)) newSecret(replPw);
        Path sql = dir.resolve(ADMIN_SQL);
        writePrivate(sql, AdminGrants.script(adminSql(Sql.literal(adminPassword))));
        Files.writeString(configFile, yaml(), StandardCharsets.UTF_8);
        handOverToService(dir, configFile, adminPw, replPw);
        return new Written(configFile, adminPw, replPw, sql, kept);
    }

    /**
     * In the package's /etc/vakt (group {@value #SERVICE_USER}, made by the package) and run as root, the
     * service must read what root wrote: the config becomes root:vakt 0640, the secrets directory and the
     * password files belong to the vakt user (0700/0600, so `vakt check` finds them private). The admin
     * account's SQL stays root's alone: the service never needs it.
     */
    private static void handOverToService(Path dir, Path config, Path... passwords) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) return;
        GroupPrincipal group = Files.readAttributes(dir, PosixFileAttributes.class).group();
        if (!SERVICE_USER.equals(group.getName())) return;
        UserPrincipal user = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
        Files.getFileAttributeView(config, PosixFileAttributeView.class).setGroup(group);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        Path secrets = dir.resolve("secrets");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        for (Path p : List.of(secrets, passwords[0], passwords[1])) {
            Files.setOwner(p, user);
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
        }
    }

    /** The admin account's SQL, the password as given (an SQL literal or a placeholder). */
    List<String> adminSql(String passwordSql) {
        return AdminGrants.statements(adminUser, vaktAddress, passwordSql, databases);
    }

    String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("# Written by `vakt init`. Check it with `vakt config validate`, then `vakt check`.\n");
        y.append("cluster: ").append(cluster).append('\n');
        y.append("production: true\n\n");
        y.append("objectives:\n  rpo: 1s\n  rto: 5m\n\n");
        y.append("policy:\n  failover: manual           # automatic | manual | notify-only\n");
        y.append("  jurisdictions: [").append(primary.country());
        if (!standby.country().equals(primary.country())) y.append(", ").append(standby.country());
        y.append("]\n\n");
        y.append("sites:\n");
        site(y, primary, "primary");
        site(y, standby, "standby");
        y.append("\nreplication:\n");
        y.append("  user: ").append(replicationUser).append("                 # created by `vakt replicate`\n");
        y.append("  password-file: ").append(REPLICATION_PASSWORD).append('\n');
        y.append("  databases: [").append(String.join(", ", databases)).append("]\n");
        y.append("  tls:\n    enabled: false           # see docs/tls.md to turn it on\n");
        y.append("\ntraffic:");
        if (traffic.dnsRecord() != null) {
            y.append("\n  - type: rfc2136\n");
            y.append("    zone: ").append(traffic.dnsZone()).append('\n');
            y.append("    record: ").append(traffic.dnsRecord()).append('\n');
            y.append("    ttl: 30s\n");
            y.append("    server: ").append(traffic.dnsServer()).append('\n');
            y.append("    key-file: ").append(traffic.dnsKeyFile()).append('\n');
            y.append("    targets: {").append(primary.node()).append(": ").append(primary.host()).append(", ")
                    .append(standby.node()).append(": ").append(standby.host()).append("}\n");
        } else if (traffic.haproxyBackend() != null) {
            y.append("\n  - type: haproxy\n");
            y.append("    address: ").append(traffic.haproxyAddress()).append('\n');
            y.append("    backend: ").append(traffic.haproxyBackend()).append('\n');
        } else {
            y.append(" []                  # docs/traffic.md: the DNS record or balancer the failover switches\n");
        }
        y.append("alerts: []\n");
        return y.toString();
    }

    private void site(StringBuilder y, NodeSpec n, String role) {
        y.append("  - name: ").append(n.site()).append('\n');
        y.append("    zone: ").append(n.zone()).append('\n');
        y.append("    country: ").append(n.country()).append('\n');
        y.append("    nodes:\n");
        y.append("      - name: ").append(n.node()).append('\n');
        y.append("        role: ").append(role).append('\n');
        if (n.sourceAddress() != null) y.append("        source-address: ").append(n.sourceAddress()).append('\n');
        y.append("        mysql:\n");
        y.append("          host: ").append(n.host()).append('\n');
        y.append("          port: ").append(n.port()).append('\n');
        y.append("          user: ").append(adminUser).append('\n');
        y.append("          password-file: ").append(ADMIN_PASSWORD).append('\n');
    }

    private static String newSecret(Path file) throws IOException {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writePrivate(file, secret + "\n");
        return secret;
    }

    /** Created owner-only before anything is written into it. */
    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
