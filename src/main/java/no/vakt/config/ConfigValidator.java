package no.vakt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks that need the whole bound config: required keys, uniqueness, one primary and one standby. */
final class ConfigValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Pattern SQL_USER = Pattern.compile("[A-Za-z0-9_.-]{1,80}");

    private ConfigValidator() {}

    static List<ConfigProblem> validate(VaktConfig c, Path file, LocationIndex index) {
        ConfigLoader.Problems p = new ConfigLoader.Problems(file, index);
        if (c.cluster() == null || !NAME.matcher(c.cluster()).matches()) {
            p.add("cluster", "expected a cluster name (letters, digits, '-', '_', '.')");
        }
        objectives(c.objectives(), p);
        policy(c.policy(), p);
        sites(c, p);
        replication(c.replication(), p);
        traffic(c, p);
        String thisNode = c.server().node();
        if (thisNode != null && c.node(thisNode).isEmpty()) {
            p.add("server.node", "expected the name of a node in sites (the database next to this daemon); no node '"
                    + thisNode + "'");
        }
        c.coordinationSection().ifPresent(k -> coordination(k, p));
        if (c.backup().configured()) backup(c.backup(), p);
        return p.list();
    }

    private static void backup(BackupConfig b, ConfigLoader.Problems p) {
        BackupConfig.Repository r = b.repository();
        BackupRepositoryValidator.validate(r, p);
        if (b.encryption() != null && b.encryption().passphraseFile() == null) {
            p.add("backup.encryption.passphrase-file", "expected the file whose first line is the passphrase");
        }
        if (r.country() == null) {
            p.add("backup.repository.country", "expected the country code where the repository's copies live (for example NO)");
        } else if (!Jurisdictions.isCountryCode(r.country())) {
            p.add("backup.repository.country", countryExpected(r.country()));
        }
        if (b.schedule() != null) {
            try {
                CronSchedule.parse(b.schedule());
            } catch (IllegalArgumentException e) {
                p.add("backup.schedule", e.getMessage());
            }
        }
        if (b.retention().keep() < 1) p.add("backup.retention.keep", "expected a whole number of at least 1");
        if (b.retention().days() < 0) p.add("backup.retention.days", "expected a whole number of days, 0 or more");
        if (b.timeout().isZero() || b.timeout().isNegative()) p.add("backup.timeout", "expected a positive duration");
    }

    /** ZooKeeper's own path rules, kept simple: absolute, no empty, "." or ".." segment, no trailing slash. */
    private static final Pattern ZNODE_PATH = Pattern.compile("(/[A-Za-z0-9_.:-]+)+");

    private static void coordination(CoordinationConfig k, ConfigLoader.Problems p) {
        if (k.zookeeper() == null || k.zookeeper().isBlank()) {
            p.add("coordination.zookeeper", "expected the ZooKeeper ensemble as \"host:port,host:port,...\"");
        } else if (k.zookeeper().contains("/")) {
            p.add("coordination.zookeeper", "expected only host:port pairs; give the path as coordination.chroot");
        } else if (k.servers().isEmpty()) {
            p.add("coordination.zookeeper", "expected host:port pairs separated by commas; got '" + k.zookeeper() + "'");
        }
        String chroot = k.chroot();
        if (chroot != null && (!ZNODE_PATH.matcher(chroot).matches() || chroot.contains("/./") || chroot.contains("/../")
                || chroot.endsWith("/.") || chroot.endsWith("/.."))) {
            p.add("coordination.chroot", "expected an absolute ZooKeeper path like /vakt/shop; got '" + chroot + "'");
        }
        if (k.sessionTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
            p.add("coordination.session-timeout", "expected at least 1s (ZooKeeper grants 2 to 20 server ticks)");
        }
        if (k.connectionTimeout().isZero()) {
            p.add("coordination.connection-timeout", "expected a positive duration");
        } else if (k.connectionTimeout().compareTo(k.sessionTimeout()) > 0) {
            p.add("coordination.connection-timeout", "expected at most the session-timeout ("
                    + Durations.format(k.sessionTimeout()) + ")");
        }
        if (k.agent().isEmpty() || !NAME.matcher(k.agent()).matches()) {
            p.add("coordination.agent", "expected this agent's name (letters, digits, '-', '_', '.'); got '" + k.agent() + "'");
        }
        if (k.tls() != null) {
            readable("coordination.tls.truststore", k.tls().truststore(), p);
            readable("coordination.tls.keystore", k.tls().keystore(), p);
            readable("coordination.tls.password-file", k.tls().passwordFile(), p);
        }
        if (k.sasl() != null) readable("coordination.sasl.password-file", k.sasl().passwordFile(), p);
    }

    /** A file the coordinator reads when it connects: missing or unreadable is said now, by field. */
    private static void readable(String field, java.nio.file.Path file, ConfigLoader.Problems p) {
        if (file != null && !java.nio.file.Files.isReadable(file)) p.add(field, "cannot read " + file);
    }

    private static void objectives(Objectives o, ConfigLoader.Problems p) {
        if (o.rto().isZero() || o.rto().isNegative()) p.add("objectives.rto", "expected a positive duration");
    }

    private static void policy(Policy policy, ConfigLoader.Problems p) {
        Checks k = policy.checks();
        if (k.interval().compareTo(Duration.ofMillis(100)) < 0) {
            p.add("policy.checks.interval", "expected at least 100ms");
        }
        if (k.timeout().isZero()) p.add("policy.checks.timeout", "expected a positive duration");
        if (k.failures() < 1) p.add("policy.checks.failures", "expected a whole number of at least 1");
        for (int i = 0; i < policy.jurisdictions().size(); i++) {
            String j = policy.jurisdictions().get(i);
            if (j == null || !Jurisdictions.isKnownEntry(j)) {
                p.add("policy.jurisdictions[" + i + "]", "expected an ISO 3166 two-letter country code (like NO), EEA or EU;"
                        + " got '" + j + "'");
            }
        }
        if (policy.jurisdictions().isEmpty()) p.add("policy.jurisdictions", "expected at least one country code");
        if (!policy.fenceCommand().isEmpty() && (policy.fenceCommand().get(0) == null || policy.fenceCommand().get(0).isBlank())) {
            p.add("policy.fence-command", "expected a program followed by its arguments, e.g. [/usr/local/bin/stonith, '{node}']");
        }
        if (policy.fenceCommandTimeout().isZero()) p.add("policy.fence-command-timeout", "expected a positive duration");
    }

    private static void sites(VaktConfig c, ConfigLoader.Problems p) {
        if (c.sites().isEmpty()) {
            p.add("sites", "expected a list of sites, each with its nodes");
            return;
        }
        Set<String> siteNames = new HashSet<>();
        Set<String> nodeNames = new HashSet<>();
        int primaries = 0;
        int standbys = 0;
        for (int s = 0; s < c.sites().size(); s++) {
            Site site = c.sites().get(s);
            String sp = "sites[" + s + "]";
            if (site.name() == null || !NAME.matcher(site.name()).matches()) {
                p.add(sp + ".name", "expected a site name (letters, digits, '-', '_', '.')");
            } else if (!siteNames.add(site.name())) {
                p.add(sp + ".name", "site '" + site.name() + "' is defined twice");
            }
            if (site.country() != null && !Jurisdictions.isCountryCode(site.country())) {
                p.add(sp + ".country", countryExpected(site.country()));
            }
            if (site.nodes().isEmpty()) p.add(sp + ".nodes", "expected at least one node");
            for (int n = 0; n < site.nodes().size(); n++) {
                Node node = site.nodes().get(n);
                String np = sp + ".nodes[" + n + "]";
                if (node.name() == null || !NAME.matcher(node.name()).matches()) {
                    p.add(np + ".name", "expected a node name (letters, digits, '-', '_', '.')");
                } else if (!nodeNames.add(node.name())) {
                    p.add(np + ".name", "node '" + node.name() + "' is defined twice");
                }
                if (node.role() == null) {
                    p.add(np + ".role", "expected one of primary, standby");
                } else if (node.role() == Role.PRIMARY) {
                    primaries++;
                } else {
                    standbys++;
                }
                String country = node.country() != null ? node.country() : site.country();
                if (country == null) {
                    p.add(np, "expected a country code on the node or its site (for example country: NO)");
                } else if (node.country() != null && !Jurisdictions.isCountryCode(node.country())) {
                    p.add(np + ".country", countryExpected(node.country()));
                }
                mysql(node.mysql(), np + ".mysql", p);
                if (node.healthUrl() != null && node.healthUrl().getScheme() == null) {
                    p.add(np + ".health-url", "expected an absolute URL like http://host/health");
                }
            }
        }
        if (primaries != 1) {
            p.add("sites", "expected exactly one node with role: primary; found " + primaries);
        }
        if (standbys != 1) {
            p.add("sites", "expected exactly one node with role: standby (Vakt protects a primary/standby pair); found " + standbys);
        }
    }

    private static void mysql(MysqlEndpoint m, String path, ConfigLoader.Problems p) {
        if (m == null) {
            p.add(path, "expected a mysql section with host, port, user and password-file or password-env");
            return;
        }
        if (m.host() == null || m.host().isBlank()) p.add(path + ".host", "expected a host name or address");
        if (m.port() < 1 || m.port() > 65535) p.add(path + ".port", "expected a port between 1 and 65535");
        if (m.user() == null || m.user().isBlank()) p.add(path + ".user", "expected the MySQL user Vakt connects as");
        secret(m.password(), m.passwordFile(), m.passwordEnv(), path, p);
        adminTls(m.tls(), path + ".tls", p);
    }

    /**
     * The node's own mysql.tls only: a CA that would be ignored is a mistake worth stopping for, and a CA
     * that cannot be read would fail every connection. A CA inherited from replication.tls is checked
     * when Vakt connects (and by vakt check): that path has always been one the standby reads too.
     */
    private static void adminTls(AdminTls tls, String path, ConfigLoader.Problems p) {
        if (tls.source() != AdminTls.Source.NODE || tls.ca() == null) return;
        if (!tls.mode().verifies()) {
            p.add(path + ".ca", "mode " + tls.mode().label() + " does not check the server's certificate, so this CA"
                    + " would be ignored; expected mode: verify-full (or verify-ca) to verify with it, or no ca");
            return;
        }
        AdminTls.caProblem(tls.ca()).ifPresent(why -> p.add(path + ".ca",
                "expected a readable PEM file with the CA certificate that signed the server's certificate; " + why));
    }

    private static void replication(Replication r, ConfigLoader.Problems p) {
        if (r == null) {
            p.add("replication", "expected a replication section with user, password-file or password-env, databases");
            return;
        }
        if (r.user() == null || !SQL_USER.matcher(r.user()).matches()) {
            p.add("replication.user", "expected the replication user name (letters, digits, '_', '.', '-')");
        }
        secret(r.password(), r.passwordFile(), r.passwordEnv(), "replication", p);
        if (r.databases().isEmpty()) {
            p.add("replication.databases", "expected the list of databases to replicate, for example [shop]");
        }
        for (int i = 0; i < r.databases().size(); i++) {
            String db = r.databases().get(i);
            if (db == null || !DATABASE.matcher(db).matches()) {
                p.add("replication.databases[" + i + "]", "expected a database name; got '" + db + "'");
            } else if (Set.of("mysql", "information_schema", "performance_schema", "sys", "vakt").contains(db)) {
                p.add("replication.databases[" + i + "]", "'" + db + "' is a system schema; list only application databases");
            }
        }
        if (r.semiSyncTimeout().isZero()) p.add("replication.semi-sync-timeout", "expected a positive duration");
        if (r.heartbeatInterval().compareTo(Duration.ofMillis(10)) < 0) {
            p.add("replication.heartbeat-interval", "expected at least 10ms");
        }
        Tls tls = r.tls();
        if (tls.enabled() && (tls.cert() == null) != (tls.key() == null)) {
            p.add("replication.tls", "expected cert and key together (or neither)");
        }
    }

    /** Each entry's own keys are checked when it is read; here only what needs the nodes. */
    private static void traffic(VaktConfig c, ConfigLoader.Problems p) {
        Set<String> nodes = new HashSet<>();
        c.nodes().forEach(n -> nodes.add(n.name()));
        for (int i = 0; i < c.traffic().size(); i++) {
            for (String name : c.traffic().get(i).targets().keySet()) {
                if (!nodes.contains(name)) {
                    p.add("traffic[" + i + "].targets." + name, "'" + name + "' is not a node; expected one of " + nodes.stream().sorted().toList());
                }
            }
        }
        Duration maxTtl = c.policy().maxTtl();
        if (maxTtl.isZero() || maxTtl.isNegative()) p.add("policy.max-ttl", "expected a positive duration");
    }

    private static void secret(PlainSecret plain, Path file, String env, String path, ConfigLoader.Problems p) {
        if (plain != null) {
            p.add(path + ".password", "secrets are given by reference only: use password-file: PATH or password-env: VARIABLE");
        } else if (file == null && env == null) {
            p.add(path, "expected password-file: PATH or password-env: VARIABLE");
        } else if (file != null && env != null) {
            p.add(path + ".password-env", "expected either password-file or password-env, not both");
        }
    }

    private static String countryExpected(String got) {
        String hint = "UK".equalsIgnoreCase(got) ? " (the United Kingdom is GB)"
                : got.length() == 2 && Jurisdictions.isCountryCode(got.toUpperCase(java.util.Locale.ROOT))
                ? " (in capitals: " + got.toUpperCase(java.util.Locale.ROOT) + ")" : "";
        return "expected an assigned ISO 3166 two-letter country code in capitals, like NO; got '" + got + "'" + hint;
    }
}
