package no.vakt.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.db.AdminGrants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "init", header = "Write vakt.yml, its secrets and the SQL for Vakt's account", mixinStandardHelpOptions = true,
        description = "Sets up a new cluster: asks for (or takes as options) the cluster name, both nodes' hosts, sites,"
                + " zones and countries, the databases and the DNS record or balancer; writes vakt.yml and the secret"
                + " files (owner-only, random passwords), and prints the SQL that creates Vakt's account with the least"
                + " privileges it needs, to run on each node (with sql_log_bin=0, so the standby gets no errant GTID).",
        footer = {"", "Exit codes: 0 written, 1 refused (the file exists), 2 bad or missing options."})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "vakt.yml",
            description = "The config file to write (default: ${DEFAULT-VALUE}); secrets go to secrets/ beside it.")
    Path configFile;

    @Option(names = "--non-interactive", description = "Never ask: every value comes from the options.")
    boolean nonInteractive;

    @Option(names = "--force", description = "Replace an existing config file (existing password files are kept).")
    boolean force;

    @Option(names = "--cluster", paramLabel = "NAME") String cluster;
    @Option(names = "--primary-host", paramLabel = "HOST[:PORT]") String primaryHost;
    @Option(names = "--standby-host", paramLabel = "HOST[:PORT]") String standbyHost;
    @Option(names = "--primary-site", paramLabel = "NAME") String primarySite;
    @Option(names = "--standby-site", paramLabel = "NAME") String standbySite;
    @Option(names = "--primary-zone", paramLabel = "ZONE", description = "Default: the site name with -1.") String primaryZone;
    @Option(names = "--standby-zone", paramLabel = "ZONE") String standbyZone;
    @Option(names = "--primary-country", paramLabel = "CC", description = "ISO 3166 code, like NO.") String primaryCountry;
    @Option(names = "--standby-country", paramLabel = "CC") String standbyCountry;
    @Option(names = "--databases", paramLabel = "DB[,DB...]", split = ",") List<String> databases;
    @Option(names = "--vakt-address", paramLabel = "ADDRESS",
            description = "The address Vakt connects to the nodes from: its account is limited to it.") String vaktAddress;
    @Option(names = "--primary-source-address", paramLabel = "ADDRESS",
            description = "The address the primary's connections come from as the standby sees them (NAT); default its host.")
    String primarySource;
    @Option(names = "--standby-source-address", paramLabel = "ADDRESS") String standbySource;
    @Option(names = "--admin-user", defaultValue = "vakt", description = "Default: ${DEFAULT-VALUE}.") String adminUser;
    @Option(names = "--replication-user", defaultValue = "repl", description = "Default: ${DEFAULT-VALUE}.") String replicationUser;
    @Option(names = "--traffic", paramLabel = "KIND", description = "dns, haproxy or none (default: none, or asked).") String traffic;
    @Option(names = "--dns-zone", paramLabel = "ZONE") String dnsZone;
    @Option(names = "--dns-record", paramLabel = "NAME") String dnsRecord;
    @Option(names = "--dns-server", paramLabel = "HOST:PORT", description = "Where RFC 2136 updates go.") String dnsServer;
    @Option(names = "--dns-key-file", paramLabel = "FILE", description = "The TSIG key (tsig-keygen's output).") String dnsKeyFile;
    @Option(names = "--haproxy-address", paramLabel = "HOST:PORT", description = "HAProxy's admin stats socket.") String haproxyAddress;
    @Option(names = "--haproxy-backend", paramLabel = "NAME") String haproxyBackend;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Console console = nonInteractive ? null : System.console();
        Answers a = new Answers(console == null ? null : console::readLine, out);
        cluster = a.ask("--cluster", "Cluster name (the application, e.g. shop)", cluster, null);
        primarySite = a.ask("--primary-site", "Primary site name (e.g. oslo)", primarySite, null);
        primaryHost = a.ask("--primary-host", "Primary database host[:port]", primaryHost, null);
        primaryZone = a.ask("--primary-zone", "Primary zone", primaryZone, primarySite == null ? null : primarySite + "-1");
        primaryCountry = a.ask("--primary-country", "Primary country (ISO code, e.g. NO)", primaryCountry, null);
        standbySite = a.ask("--standby-site", "Standby site name (e.g. bergen)", standbySite, null);
        standbyHost = a.ask("--standby-host", "Standby database host[:port]", standbyHost, null);
        standbyZone = a.ask("--standby-zone", "Standby zone", standbyZone, standbySite == null ? null : standbySite + "-1");
        standbyCountry = a.ask("--standby-country", "Standby country", standbyCountry, primaryCountry);
        String dbs = a.ask("--databases", "Databases to replicate (comma-separated)",
                databases == null ? null : String.join(",", databases), null);
        vaktAddress = a.ask("--vakt-address", "Address Vakt connects to the nodes from", vaktAddress, null);
        traffic = a.ask("--traffic", "Traffic switch: dns, haproxy or none", traffic, "none");
        ClusterSetup.Traffic switchTo = ClusterSetup.Traffic.NONE;
        if ("dns".equals(traffic)) {
            switchTo = new ClusterSetup.Traffic(a.ask("--dns-zone", "DNS zone (e.g. example.org.)", dnsZone, null),
                    a.ask("--dns-record", "Record in the zone (e.g. db)", dnsRecord, null),
                    a.ask("--dns-server", "DNS server for updates (host:port)", dnsServer, null),
                    a.ask("--dns-key-file", "TSIG key file", dnsKeyFile, null), null, null);
        } else if ("haproxy".equals(traffic)) {
            switchTo = new ClusterSetup.Traffic(null, null, null, null,
                    a.ask("--haproxy-address", "HAProxy admin socket (host:port)", haproxyAddress, null),
                    a.ask("--haproxy-backend", "HAProxy backend", haproxyBackend, "mariadb"));
        } else if (traffic != null && !"none".equals(traffic)) {
            a.missing.add("--traffic: expected dns, haproxy or none; got '" + traffic + "'");
        }
        if (!a.missing.isEmpty()) {
            throw new UsageException("vakt init needs " + String.join(", ", a.missing)
                    + (console == null ? " (not asked: --non-interactive, or stdin is not a terminal)" : ""));
        }
        ClusterSetup setup = new ClusterSetup(cluster,
                node(primarySite, primaryZone, primaryCountry, primaryHost, primarySource),
                node(standbySite, standbyZone, standbyCountry, standbyHost, standbySource),
                Arrays.stream(dbs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                vaktAddress, adminUser, replicationUser, switchTo);
        try {
            // Checked before anything is written: a value the config does not accept (a country code in lower case...).
            ConfigLoader.parse(configFile.toAbsolutePath(), setup.yaml());
        } catch (ConfigException e) {
            err.println("init: nothing was written; the config would not validate:");
            e.problems().forEach(p -> err.println("  " + p.field() + ": " + p.message()));
            return ExitCodes.USAGE;
        }
        ClusterSetup.Written written;
        try {
            written = setup.write(configFile, force);
        } catch (FileAlreadyExistsException e) {
            err.println("init: REFUSED, nothing was written: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("init: FAILED: " + e.getMessage());
            return 1;
        }
        ConfigLoader.load(written.config()); // as written; a ConfigException here is reported like any bad config
        report(setup, written, out);
        return 0;
    }

    private void report(ClusterSetup setup, ClusterSetup.Written w, PrintWriter out) {
        out.println("init: wrote " + w.config());
        out.println("  " + w.adminPassword() + " and " + w.replicationPassword() + " (owner-only"
                + (w.passwordsKept() ? ", kept from before" : ", random") + ")");
        out.println();
        out.println("Create Vakt's account on EACH node (" + setup.primary().node() + " and " + setup.standby().node()
                + "), as root, before vakt replicate. It starts with SET SESSION sql_log_bin = 0: created through the");
        out.println("binary log of the standby, the account would be an errant transaction there. The least privileges"
                + " Vakt needs (docs/install.md, \"Least-privilege grants\"):");
        out.println();
        String placeholder = "'<the password in " + w.adminPassword() + ">'";
        out.print(AdminGrants.script(setup.adminSql(placeholder)).replaceAll("(?m)^", "  "));
        out.println();
        out.println("The same SQL with the password: " + w.adminSql() + " (owner-only). On each node:");
        out.println("  mariadb < " + w.adminSql());
        out.println();
        out.println("In EVERY node's server config, under [mysqld] (e.g. /etc/mysql/mariadb.conf.d/60-vakt.cnf):");
        out.println("  read_only = ON");
        out.println("A restarted node then never takes a write before Vakt decides: vakt replicate opens the primary,"
                + " and vakt run opens it again after a restart (an old primary after a failover stays read-only).");
        out.println();
        out.println("Then: vakt config validate; vakt check; vakt replicate   (each with --config " + w.config() + ")");
        out.flush();
    }

    private static ClusterSetup.NodeSpec node(String site, String zone, String country, String hostPort, String source) {
        String host = hostPort;
        int port = 3306;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UsageException("expected HOST or HOST:PORT; got '" + hostPort + "'");
            }
        }
        return new ClusterSetup.NodeSpec(site, zone, country, site + "-db", host, port, source);
    }

    /** Asks for what the options left out when there is a terminal (a line source); otherwise notes it as missing. */
    static final class Answers {
        private final java.util.function.Supplier<String> console;
        private final PrintWriter out;
        final List<String> missing = new ArrayList<>();

        /** @param console reads one answer, null at the end of input; null for no terminal */
        Answers(java.util.function.Supplier<String> console, PrintWriter out) {
            this.console = console;
            this.out = out;
        }

        String ask(String option, String question, String given, String fallback) {
            if (given != null && !given.isBlank()) return given.trim();
            if (console == null) {
                if (fallback != null) return fallback;
                missing.add(option);
                return null;
            }
            for (int attempt = 0; attempt < 5; attempt++) {
                out.print(question + (fallback != null ? " [" + fallback + "]" : "") + ": ");
                out.flush();
                String line = console.get();
                if (line == null) break; // end of input
                if (!line.isBlank()) return line.trim();
                if (fallback != null) return fallback;
            }
            missing.add(option);
            return null;
        }
    }
}
